// What the sync stage found about a run, as a value: the verdict step judges it and the report
// renders it. A managed run and a CLI run each carry their own data (the Platform's answer about
// it), and both carry one neutral view of the run that every surface shows.

import type { ExternalSync, SyncRunDetails, SyncRunTableStat } from '../platform/types.js'
import { externalRunView, managedRunView, type RunView } from './run-view.js'

export type { RunView } from './run-view.js'

export type SyncVerdict = 'pass' | 'fail'

/**
 * `managed`: a run of a sync the Platform runs (`sync-name`), which this action may start and
 * cancel. `external`: a CLI run uploaded to the Platform (`external-sync`), only followed: the CLI
 * owns it, so it is never cancelled.
 */
export type SyncKind = 'managed' | 'external'

/**
 * A table a run wrote, as the Platform counted it. A managed run's statistics say rows (its
 * `resources`), errors and panics; a CLI run's `table_progress` says rows only.
 */
export interface RunTable {
  name: string
  /** Null: the Platform sent something that is not a count. */
  rows: number | null
  /**
   * Undefined: the Platform reports none for this kind of run (a CLI run's). Null: it sent one that
   * is not a count, so the table's errors are unknown, never 0.
   */
  errors?: number | null
  panics?: number | null
}

/** What the sync stage found about one run, whichever kind (several for several syncs). */
interface OutcomeFields {
  /** The sync's name; for an external sync, the `external-sync` value as the workflow gave it. */
  syncName: string
  /** The run as every surface shows it; undefined while no run is known. */
  view?: RunView
  startedByAction: boolean
  /** False with `wait: false`: the run was started and left running. */
  waited: boolean
  verdict: SyncVerdict
  /** Why the stage failed, in plain words; empty when it passed. */
  reasons: string[]
  warnings: string[]
  timedOut: boolean
  /** The action cancelled the run (on timeout, or on a cancelled workflow). */
  cancelledByAction: boolean
  waitedMs: number
  durationSeconds?: number
  /** How many times the run's status was read while waiting. */
  statusChecks: number
  /**
   * When the run's data counts as fresh from: its `completed_at`, or, when that is missing or not
   * believable, the moment this action saw it finished (later, so never a false "fresh").
   */
  completedAt?: string
  /**
   * Every table the run wrote, read once it ended. Undefined: not read (the run did not end) or,
   * when `tablesUnknown` says why, unreadable.
   */
  tables?: RunTable[]
  /** Why the tables of a run that ended are unknown (the listing failed). */
  tablesUnknown?: string
}

export interface ManagedOutcome extends OutcomeFields {
  kind: 'managed'
  /** The run as the Platform last answered it. */
  run?: SyncRunDetails
  /** Tables with errors, most errors first (top 10). */
  tablesWithErrors: SyncRunTableStat[]
  logLines: string[]
}

export interface ExternalOutcome extends OutcomeFields {
  kind: 'external'
  /** The CLI run as the Platform last answered it. */
  external?: ExternalSync
}

export type SyncOutcome = ManagedOutcome | ExternalOutcome

type Fields<T extends SyncOutcome> = Partial<Omit<T, 'kind' | 'syncName' | 'view'>>

/** A managed run's outcome; its view is made from `run`, so the two never disagree. */
export function managedOutcome(syncName: string, fields: Fields<ManagedOutcome>): ManagedOutcome {
  return {
    ...blank(syncName),
    kind: 'managed',
    tablesWithErrors: [],
    logLines: [],
    ...fields,
    view: fields.run && managedRunView(fields.run)
  }
}

/** A CLI run's outcome, always awaited (`wait: false` is refused); its view from `external`. */
export function externalOutcome(
  syncName: string,
  fields: Fields<ExternalOutcome>
): ExternalOutcome {
  return {
    ...blank(syncName),
    kind: 'external',
    waited: true,
    ...fields,
    view: fields.external && externalRunView(fields.external)
  }
}

/** Nothing known yet, nothing wrong yet: what a run's outcome starts from. */
function blank(syncName: string): OutcomeFields {
  return {
    syncName,
    startedByAction: false,
    waited: false,
    verdict: 'pass',
    reasons: [],
    warnings: [],
    timedOut: false,
    cancelledByAction: false,
    waitedMs: 0,
    statusChecks: 0
  }
}

/** A failed outcome's verdict and reasons, to spread into its fields. */
export function failed(...reasons: string[]): Pick<OutcomeFields, 'verdict' | 'reasons'> {
  return { verdict: 'fail', reasons }
}

/**
 * A managed run whose stage threw, or was cut short by a cancelled workflow, is still reported as
 * known, and failed; `waited` is what the workflow asked for (`wait`), so a failed request is never
 * shown as `wait: false`.
 */
export function interruptedManaged(
  syncName: string,
  known: { run: SyncRunDetails; startedByAction: boolean; cancelledByAction: boolean },
  waited: boolean
): ManagedOutcome {
  return managedOutcome(syncName, { ...known, waited, verdict: 'fail' })
}

/**
 * A CLI run that was being followed when the workflow was cancelled: reported as last seen, and
 * failed, since it was not followed to its end. It is not cancelled: the CLI owns it.
 */
export function interruptedExternal(id: string, last: ExternalSync | undefined): ExternalOutcome {
  return externalOutcome(id, { verdict: 'fail', external: last })
}
