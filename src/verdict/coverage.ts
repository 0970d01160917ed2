// Coverage: whether the data a counted policy's result was computed over is the data this run
// wrote. A fresh evaluation is not a complete one: a table the run synced with errors or panics may
// have lost rows, so a policy over it can read as clean when it is not. Pure: the tables each run
// wrote (the sync stage's) against the tables each counted policy reads (the policy stage's).

import type { TableErrorsMode } from '../inputs/config.js'
import { oneLine } from '../lib/log-safety.js'
import { plural } from '../lib/text.js'
import type { PolicyResult } from '../policies/outcome.js'
import type { RunTable, SyncOutcome } from '../sync/outcome.js'
import { reason, type Reason } from './reasons.js'

/** Policies named in a reason; the summary lists them all. */
const NAMES_LISTED = 5

/**
 * `complete`: every table it reads was written by a run judged, none with errors or panics.
 * `table-errors`: a table it reads had errors or panics in a run judged. `earlier-data`: a table it
 * reads was not written by any run judged, so its result stands on data from earlier runs.
 * `unknown`: its tables, or what the runs wrote, cannot be told.
 */
export type CoverageStatus = 'complete' | 'table-errors' | 'earlier-data' | 'unknown'

export interface TableCoverage {
  /** As the policy's query names it. */
  table: string
  /** A run judged (its data ingested) wrote it. */
  written: boolean
  /** Summed over the runs judged; null: not written, or not a count. */
  rows: number | null
  /** Null: not written, not reported (a CLI run's), or not a count. */
  errors: number | null
  panics: number | null
  /** Syncs whose run failed (its data not ingested) after listing the table: it would have refreshed it. */
  failedSyncs: string[]
}

export interface PolicyCoverage {
  status: CoverageStatus
  tables: TableCoverage[]
  /**
   * With `table-errors`: `aws_s3_buckets: 3 errors, 1 panic; …`, the tables that had problems, as
   * every surface says it.
   */
  damage?: string
  /** Why the status is `unknown`. */
  unknownBecause?: string
  /** Its table errors fail the gate (`table-errors: fail`). */
  fails: boolean
}

export interface GateCoverage {
  /** Why nothing was cross-checked (a policies-only gate); then `policies` is empty. */
  skipped?: string
  tableErrors: TableErrorsMode
  /** Policy id → its coverage, for every policy a threshold counts. */
  policies: Record<string, PolicyCoverage>
  /** Each failed run that listed tables, and the counted policies reading one of them. */
  failedSyncs: { syncName: string; policyIds: string[] }[]
}

export interface CoverageInput {
  syncs: readonly SyncOutcome[]
  /** Every selected policy, most severe first. */
  policies: readonly PolicyResult[]
  /** Whether a threshold counts the policy. */
  counted: (policy: PolicyResult) => boolean
  tableErrors: TableErrorsMode
}

export const POLICIES_ONLY =
  'a policies-only gate: no run, so no table to cross-check the counted policies against'

export function crossCheck(input: CoverageInput): { coverage: GateCoverage; reasons: Reason[] } {
  const { syncs, tableErrors } = input
  if (syncs.length === 0) {
    return {
      coverage: { skipped: POLICIES_ONLY, tableErrors, policies: {}, failedSyncs: [] },
      reasons: []
    }
  }
  const judged = syncs.filter((sync) => sync.view?.ingested === true)
  const written = writtenTables(judged)
  const unread = judged.filter((sync) => sync.tables === undefined)
  const failed = syncs
    .filter((sync) => sync.view?.ingested !== true && sync.tables !== undefined)
    .map((sync) => ({
      syncName: sync.syncName,
      tables: new Set(sync.tables!.map((table) => table.name.toLowerCase()))
    }))
  const counted = input.policies.filter(input.counted)
  const policies: Record<string, PolicyCoverage> = {}
  for (const policy of counted) {
    const coverage = policyCoverage(policy, written, unread, failed)
    policies[policy.id] = {
      ...coverage,
      fails: coverage.status === 'table-errors' && tableErrors === 'fail'
    }
  }
  const failedSyncs = failed.map((sync) => ({
    syncName: sync.syncName,
    policyIds: counted
      .filter((policy) =>
        policies[policy.id].tables.some((t) => t.failedSyncs.includes(sync.syncName))
      )
      .map((policy) => policy.id)
  }))
  const coverage: GateCoverage = { tableErrors, policies, failedSyncs }
  return { coverage, reasons: coverageReasons(counted, coverage) }
}

interface Written {
  rows: number | null
  errors?: number | null
  panics?: number | null
}

/** Tables by lower-cased name, their figures added up over the runs judged. */
function writtenTables(runs: readonly SyncOutcome[]): Map<string, Written> {
  const written = new Map<string, Written>()
  for (const table of runs.flatMap((run) => run.tables ?? [])) {
    const key = table.name.toLowerCase()
    const seen = written.get(key)
    written.set(
      key,
      seen ? addUp(seen, table) : { rows: table.rows, errors: table.errors, panics: table.panics }
    )
  }
  return written
}

/** Unknown stays unknown, not reported stays not reported; counts add up. */
function addUp(a: Written, b: RunTable): Written {
  const sum = (
    x: number | null | undefined,
    y: number | null | undefined
  ): number | null | undefined =>
    x === null || y === null
      ? null
      : x === undefined && y === undefined
        ? undefined
        : (x ?? 0) + (y ?? 0)
  return {
    rows: sum(a.rows, b.rows) ?? null,
    errors: sum(a.errors, b.errors),
    panics: sum(a.panics, b.panics)
  }
}

function policyCoverage(
  policy: PolicyResult,
  written: ReadonlyMap<string, Written>,
  unread: readonly SyncOutcome[],
  failed: readonly FailedRun[]
): Omit<PolicyCoverage, 'fails'> {
  if (policy.tables === undefined) {
    return {
      status: 'unknown',
      tables: [],
      unknownBecause: policy.tablesUnknown ?? 'its tables were not looked up'
    }
  }
  if (policy.tables.length === 0) {
    return {
      status: 'unknown',
      tables: [],
      unknownBecause:
        'the Platform lists no top-level table for its query (subqueries are not listed), so its tables cannot be told'
    }
  }
  const tables = policy.tables.map((name) => tableCoverage(name, written, failed))
  const damaged = tables.some((t) => (t.errors ?? 0) > 0 || (t.panics ?? 0) > 0)
  if (damaged) return { status: 'table-errors', tables, damage: damagedTables(tables) }
  const uncounted = tables.find(
    (t) => t.written && isUncounted(written.get(t.table.toLowerCase())!)
  )
  if (uncounted) {
    return {
      status: 'unknown',
      tables,
      unknownBecause: `the Platform's error count for ${uncounted.table} is not a count`
    }
  }
  if (unread.length > 0) {
    return { status: 'unknown', tables, unknownBecause: unreadTables(unread[0]) }
  }
  return { status: tables.every((t) => t.written) ? 'complete' : 'earlier-data', tables }
}

/** Why a run's tables are unknown: its listing failed, or the Platform gave none. */
function unreadTables(run: SyncOutcome): string {
  const why = run.tablesUnknown ? `: ${oneLine(run.tablesUnknown, 200)}` : ''
  return `the tables the run of "${oneLine(run.syncName, 60)}" wrote are unknown${why}`
}

function isUncounted(table: Written): boolean {
  return table.errors === null || table.panics === null
}

/** A run that failed (its data not ingested), and the tables it listed, lower-cased. */
interface FailedRun {
  syncName: string
  tables: ReadonlySet<string>
}

function tableCoverage(
  name: string,
  written: ReadonlyMap<string, Written>,
  failed: readonly FailedRun[]
): TableCoverage {
  const key = name.toLowerCase()
  const seen = written.get(key)
  return {
    table: name,
    written: seen !== undefined,
    rows: seen?.rows ?? null,
    errors: seen?.errors ?? null,
    panics: seen?.panics ?? null,
    failedSyncs: failed.filter((run) => run.tables.has(key)).map((run) => run.syncName)
  }
}

/** One reason for the counted policies whose table errors fail the gate, naming each table. */
function coverageReasons(counted: readonly PolicyResult[], coverage: GateCoverage): Reason[] {
  const failing = counted.filter((policy) => coverage.policies[policy.id].fails)
  if (failing.length === 0) return []
  const named = failing
    .slice(0, NAMES_LISTED)
    .map((policy) => `"${oneLine(policy.name, 80)}" (${coverage.policies[policy.id].damage ?? ''})`)
  const more = failing.length > NAMES_LISTED ? ` and ${failing.length - NAMES_LISTED} more` : ''
  const them = failing.length === 1 ? 'its result' : 'their results'
  return [
    reason(
      'coverage',
      `${plural(failing.length, 'counted policy reads', 'counted policies read')} a table this run synced with errors or panics, so ${them} may miss data and the gate cannot vouch for ${failing.length === 1 ? 'it' : 'them'} ("table-errors: warn" lets ${failing.length === 1 ? 'it' : 'them'} pass): ${named.join('; ')}${more}`
    )
  ]
}

/** `aws_s3_buckets: 3 errors, 1 panic; aws_iam_users: 2 errors`: the tables that had problems. */
function damagedTables(tables: readonly TableCoverage[]): string {
  return tables
    .filter((t) => (t.errors ?? 0) > 0 || (t.panics ?? 0) > 0)
    .map((t) => {
      const problems = [
        ...((t.errors ?? 0) > 0 ? [plural(t.errors!, 'error')] : []),
        ...((t.panics ?? 0) > 0 ? [plural(t.panics!, 'panic')] : [])
      ]
      return `${oneLine(t.table, 80)}: ${problems.join(', ')}`
    })
    .join('; ')
}
