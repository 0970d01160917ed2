import { BASELINE_VERSION } from '../inputs/config.js'
