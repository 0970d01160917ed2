import type { SyncOutcome } from './outcome.js'
import { PlatformClient } from '../platform/client.js'
import type { SyncConfig } from '../inputs/config.js'
import { flatten } from '../lib/text.js'
