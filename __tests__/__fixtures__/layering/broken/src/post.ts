import { run } from './main.js'
