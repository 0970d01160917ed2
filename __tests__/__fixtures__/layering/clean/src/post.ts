import { cancelLeftovers } from './run/run.js'
