// What the sync stage found about the run, as a value: the verdict step judges it and the report
// renders it.

import type { SyncRunDetails, SyncRunTableStat } from '../platform/types.js'
import type { RunTracker } from './tracker.js'

export type SyncVerdict = 'pass' | 'fail'

export interface SyncOutcome {
  syncName: string
  run?: SyncRunDetails
  startedByAction: boolean
  /** False with `wait: false`: the run was started and left running. */
  waited: boolean
  verdict: SyncVerdict
  /** Why the stage failed, in plain words; empty when it passed. */
  reasons: string[]
  warnings: string[]
  timedOut: boolean
  /** The action cancelled the run (on timeout). */
  cancelledByAction: boolean
  waitedMs: number
  durationSeconds?: number
  /** Tables with errors, most errors first (top 10). */
  tablesWithErrors: SyncRunTableStat[]
  logLines: string[]
  /** How many times the run's status was read while waiting. */
  statusChecks: number
  /**
   * When the run's data counts as fresh from: its `completed_at`, or, when that is missing or not
   * believable, the moment this action saw it finished (later, so never a false "fresh").
   */
  completedAt?: string
}

/** What is known before (or without) following the run to its end: the verdict waits for the run. */
export function outcomeSoFar(tracker: RunTracker): SyncOutcome {
  return {
    syncName: tracker.syncName,
    run: tracker.run,
    startedByAction: tracker.startedByAction,
    waited: false,
    verdict: 'pass',
    reasons: [],
    warnings: [],
    timedOut: false,
    cancelledByAction: false,
    waitedMs: 0,
    tablesWithErrors: [],
    logLines: [],
    statusChecks: 0
  }
}

/**
 * A stage that threw, or was interrupted, still reports the run it knew about, as failed; `waited`
 * is what the workflow asked for (`wait`), so a failed request is never shown as `wait: false`.
 */
export function interruptedOutcome(tracker: RunTracker, waited: boolean): SyncOutcome | undefined {
  return tracker.runId ? { ...outcomeSoFar(tracker), waited, verdict: 'fail' } : undefined
}
