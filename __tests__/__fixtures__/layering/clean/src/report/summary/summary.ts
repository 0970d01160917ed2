import type { GateRow } from '../../verdict/gate.js'
import type { BaselineOutcome } from '../../baseline/outcome.js'
