import type { StageDeps } from '../../policies/stage.js'
