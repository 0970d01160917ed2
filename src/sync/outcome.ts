// What the sync stage found about the run, as a value (types only): the verdict step judges it and
// the report renders it.

import type { SyncRunDetails, SyncRunTableStat } from '../platform/types.js'

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
