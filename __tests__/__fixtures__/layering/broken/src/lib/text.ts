import type { Run } from '../platform/types.js'
