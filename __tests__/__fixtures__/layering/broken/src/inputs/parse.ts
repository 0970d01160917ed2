import { run } from '../run/run.js'
