import { emptyOutcome } from '../sync/outcome.js'
