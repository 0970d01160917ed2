import type { Run } from './types.js'
import { flatten } from '../lib/text.js'
