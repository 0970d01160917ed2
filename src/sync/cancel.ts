// Cancelling a run this action started: on a timeout (`cancel-on-timeout`), when the Platform can
// no longer be followed, and on a cancelled workflow. Never a run it attached to, nor a CLI run.

import { messageOf } from '../lib/text.js'
import type { StageDeps } from '../platform/deps.js'
import { isTerminal, type SyncRun, type SyncRunDetails } from '../platform/types.js'

/** A run as the action knows it: its last state seen, and whether this action started it. */
export interface KnownRun {
  run: SyncRunDetails
  startedByAction: boolean
}

/**
 * Cancels the run if this action started it and has not seen it end; returns its new state, or
 * undefined when there was nothing to cancel or the cancel failed (said in the log).
 */
export async function cancelStartedRun(
  { client, log }: Pick<StageDeps, 'client' | 'log'>,
  syncName: string,
  { run, startedByAction }: KnownRun
): Promise<SyncRun | undefined> {
  if (!startedByAction || isTerminal(run.status)) return undefined
  try {
    const cancelled = await client.cancelRun(syncName, run.id)
    log.info(`Cancelled run ${run.id} of sync "${syncName}", which this action started.`)
    return cancelled
  } catch (error) {
    log.warning(`Could not cancel run ${run.id}: ${messageOf(error)}`)
    return undefined
  }
}
