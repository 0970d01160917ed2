import type { BaselineOutcome } from './outcome.js'
import { isTerminal } from '../platform/types.js'
