// What the sync stage found about a run, as a value: the verdict step judges it and the report
// renders it. Types, and the blank outcome every run's starts from.

import type { ExternalSync, SyncRunDetails, SyncRunTableStat } from '../platform/types.js'

export type SyncVerdict = 'pass' | 'fail'

/**
 * `managed`: a run of a sync the Platform runs (`sync-name`), which this action may start and
 * cancel. `external`: a CLI run uploaded to the Platform (`external-sync`), only followed: the CLI
 * owns it, so it is never cancelled.
 */
export type SyncKind = 'managed' | 'external'

/** What the sync stage found about one run (several for several `sync-name`s). */
export interface SyncOutcome {
  kind: SyncKind
  /** The sync's name; for an external sync, the `external-sync` value as the workflow gave it. */
  syncName: string
  /**
   * The run. An external sync is shown through the same fields: `rows` as `total_rows`,
   * `finished_at` as `completed_at`, `finalizing` as `completed` with `ingested: false`.
   */
  run?: SyncRunDetails
  /** An external sync as the Platform last answered it. */
  external?: ExternalSync
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

/** Nothing known yet, nothing wrong yet: what a run's outcome starts from. */
export function blankOutcome(kind: SyncKind, syncName: string): SyncOutcome {
  return {
    kind,
    syncName,
    startedByAction: false,
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
