import { run } from './run/run.js'
import type { ActionConfig } from './inputs/config.js'
