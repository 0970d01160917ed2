import type { PlatformClient } from '../platform/client.js'
