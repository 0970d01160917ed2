import type { PolicyOutcome } from './outcome.js'
import { PlatformClient } from '../platform/client.js'
