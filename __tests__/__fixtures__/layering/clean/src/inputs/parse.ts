import { BASELINE_VERSION } from './config.js'
import { isTerminal } from '../platform/types.js'
import { flatten } from '../lib/text.js'
