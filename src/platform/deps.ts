// What every stage is given: the Platform client, the clock it waits by, the log, the redactor of
// the key, and the signal of a cancelled workflow. Passed in, so that tests hand a stage a
// simulator's client and a virtual clock.

import type { Clock } from '../lib/poll.js'
import type { Redactor } from '../lib/log-safety.js'
import type { Logger } from '../lib/logger.js'
import type { Deadline, PlatformClient } from './client.js'

export interface StageDeps {
  client: PlatformClient
  clock: Clock
  log: Logger
  /**
   * Hides the key: applied to Platform text before it is cut to a line (`oneLine`), since a cut can
   * split the key so that nothing recognises the rest of it.
   */
  redact: Redactor
  /** Aborted when the workflow is cancelled: the stage stops waiting and starts nothing new. */
  signal?: AbortSignal
  /**
   * When the requests before a run is started or found must have ended (what is left of
   * `timeout`); the start request itself, and the look for a run it may have created, are not cut.
   */
  startBy?: Deadline
}
