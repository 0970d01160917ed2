// What every stage is given: the Platform client, the clock it waits by, the log, and the signal of
// a cancelled workflow. Passed in, so that tests hand a stage a simulator's client and a virtual clock.

import type { Clock } from '../lib/poll.js'
import type { Logger } from '../lib/logger.js'
import type { Deadline, PlatformClient } from './client.js'

export interface StageDeps {
  client: PlatformClient
  clock: Clock
  log: Logger
  /** Aborted when the workflow is cancelled: the stage stops waiting and starts nothing new. */
  signal?: AbortSignal
  /**
   * When the requests before a run is started or found must have ended (what is left of
   * `timeout`); the start request itself, and the look for a run it may have created, are not cut.
   */
  startBy?: Deadline
}
