// The JSON report's shape (`report-file`), described for other tools by docs/report-schema.json.

import type { BASELINE_FORMAT, BASELINE_VERSION } from '../../lib/baseline-format.js'
import type { SEVERITY_ORDER } from '../../lib/severity.js'
import type { ResultSource } from '../../policies/outcome.js'
import type { SyncKind } from '../../sync/outcome.js'
import type { CoverageStatus } from '../../verdict/coverage.js'
import type { ExceptionState } from '../../verdict/exceptions.js'
import type { RowStatus } from '../../verdict/figures.js'
import type { ReasonKind } from '../../verdict/reasons.js'
import type { ReportError } from '../model.js'

export interface JsonReport {
  schemaVersion: 1
  actionVersion: string
  /** The verdict over both stages. */
  result: 'pass' | 'fail'
  /** Why `result` is `fail`, most fundamental first; empty on a pass. */
  reasons: string[]
  /**
   * The kind of each reason, in the same order: `cancelled`, `input`, `platform`, `sync`,
   * `policies`, `stale` (data the gate could not see), `coverage` (a counted policy over a table
   * the run synced with errors) or `threshold`. `soft-fail` softens `threshold` alone.
   */
  reasonKinds: ReasonKind[]
  softFail: boolean
  /** The workflow was cancelled before the action finished; the report holds what was known. */
  cancelled: boolean
  /** The API base URL (`…/api`); null when the inputs could not be read. */
  platformUrl: string | null
  /** The Platform's version, from the preflight (`GET /platform-info`); null before it answered. */
  platformVersion: string | null
  /** When the action started and finished (ISO 8601). */
  startedAt: string
  finishedAt: string | null
  /** The first sync named, kept for compatibility (`syncs` has every run); null without syncs. */
  syncName: string | null
  /** The first run, kept for compatibility; null without a sync stage, or before it knew any. */
  sync: JsonSync | null
  /** Every run followed, in the order of `sync-name` (or the one external sync). */
  syncs: JsonSync[]
  /** Null when the policy stage did not run; `policiesSkipped` then says why, when known. */
  policies: JsonPolicies | null
  policiesSkipped: string | null
  errors: ReportError[]
  /**
   * The violating resources this run read, per policy: the report is itself a baseline file for
   * `baseline-file`. Null when no resources were read (no baseline, exceptions or baseline-write).
   */
  baseline: JsonBaseline | null
  /** Which baseline judged: the file, or the artifact found and the run that made it. */
  baselineSource: JsonBaselineSource | null
  /** The exceptions file's entries and what became of each; null without `exceptions-file`. */
  exceptions: JsonExceptions | null
}

export interface JsonPolicies {
  /** The evaluation mode applied (`auto` resolves to what actually happened). */
  mode: string
  /** `all` or `new`. */
  gateOn: string | null
  /** Results had to be newer than this (the run's completion); null in policies-only mode. */
  freshAfter: string | null
  verdict: 'pass' | 'fail'
  /** The gate's own reasons (breached thresholds, stale or unknown data, table errors). */
  reasons: string[]
  /** Most counted allowed; null: no limit. */
  thresholds: JsonSeverityValues<number | null>
  /** The Platform's current counts; null where some policy's count is unknown. */
  violations: JsonRows<number | null>
  /** Outside the `scope`: counted apart, never judged; 0 without a scope; null where unknown. */
  outOfScopeViolations: JsonRows<number | null>
  /** Suppressed by an exception; 0 without an exceptions file; null where unknown. */
  suppressedViolations: JsonRows<number | null>
  /** New against the baseline (not in it, not suppressed); null without a baseline file. */
  newViolations: JsonRows<number | null> | null
  /**
   * What the thresholds judged: `violations − outOfScopeViolations − suppressedViolations`
   * (`gate-on: all`) or `newViolations` (`gate-on: new`, within the scope); null where unknown.
   */
  countedViolations: JsonRows<number | null>
  /** Each row against its threshold. */
  status: JsonRows<RowStatus>
  /** The baseline file compared with; null without one. */
  baselineFile: { path: string; createdAt: string; ageDays: number } | null
  /** The `scope` the gate judged within (each kind an empty list when not given); null without one. */
  scope: { accounts: string[]; regions: string[]; tags: string[]; resources: string[] } | null
  selectedPolicies: number
  violatingPolicies: number
  stalePolicies: number
  /** Every selected policy, most severe and most violating first. */
  policies: JsonPolicy[]
  /** Daily totals, oldest first. */
  trend: { date: string; violations: number | null }[]
  warnings: string[]
  evaluationWaitSeconds: number
  /** What the counted policies' results cover of the runs' data. */
  coverage: JsonCoverage | null
}

/** The cross-check of the tables each counted policy reads against the tables the runs wrote. */
export interface JsonCoverage {
  /** False in a policies-only gate: there is no run to cross-check against (`skipped` says so). */
  checked: boolean
  skipped: string | null
  /** `fail` or `warn`: what a counted policy over a table with errors does to the gate. */
  tableErrors: string
  /** Counted policies by coverage. */
  complete: number
  withTableErrors: number
  onEarlierData: number
  unknown: number
  /** Each failed run that listed tables, and the counted policies (ids) it would have refreshed. */
  failedSyncs: { syncName: string; policies: string[] }[]
}

export interface JsonPolicyCoverage {
  /** `complete`, `table-errors`, `earlier-data` or `unknown`. */
  status: CoverageStatus
  /** Its table errors fail the gate (`table-errors: fail`). */
  failsGate: boolean
  /** Every table its query reads at the top level, as the runs judged wrote it. */
  tables: JsonTableCoverage[]
  /** Why the coverage is unknown. */
  unknownBecause: string | null
}

export interface JsonTableCoverage {
  table: string
  /** A run judged (its data ingested) wrote it. */
  written: boolean
  /** Over the runs judged; null when not written or not a count. */
  rows: number | null
  /** Null when not written, not reported (a CLI run's) or not a count. */
  errors: number | null
  panics: number | null
  /** Syncs whose failed run listed it. */
  failedSyncs: string[]
}

export type JsonSeverityValues<T> = Record<(typeof SEVERITY_ORDER)[number] | 'total', T>

/** A value per row of the gate: each known severity, the unknown severities, the total. */
export type JsonRows<T> = JsonSeverityValues<T> & { unknownSeverity: T }

export interface JsonPolicy {
  id: string
  name: string
  severity: string
  domain: string
  queryId: string | null
  groups: string[]
  /** Current violations; null when the Platform gave no count. */
  violations: number | null
  /** The count of the evaluation before this one (information only). */
  previousViolations: number | null
  /** New against the baseline (not in it, not suppressed); null without one or when unknown. */
  newViolations: number | null
  /** In the baseline and violating no more; null without one or when unknown. */
  fixedViolations: number | null
  /** In the baseline, still violating and not suppressed; null without one or when unknown. */
  unchangedViolations: number | null
  /** Outside the `scope` (counted apart, never judged); 0 without one; null when unknown. */
  outOfScopeViolations: number | null
  /** Suppressed by an exception; 0 when no exception names the policy; null when unknown. */
  suppressedViolations: number | null
  /** What the thresholds count of this policy (see `countedViolations` above); null: unknown. */
  countedViolations: number | null
  /** A threshold counts this policy (its severity's or the total's). */
  judged: boolean
  /** Why one of its figures is unknown, when one is. */
  unknownBecause: string | null
  /** What its result covers of the runs' data; null when no threshold counts it, or no run. */
  coverage: JsonPolicyCoverage | null
  /** Which entries suppressed how many (line of the exceptions file). */
  suppressedBy: {
    line: number
    count: number
    reason: string | null
    owner: string | null
    link: string | null
    expires: string | null
  }[]
  /** Some new, not suppressed resources. */
  newSamples: JsonSample[]
  /** When the count was produced (the policy's `run_at`, or when its query was executed). */
  evaluatedAt: string | null
  source: ResultSource
  stale: boolean
  samples: JsonSample[]
}

export interface JsonSample {
  name: string | null
  resourceType: string | null
  account: string | null
  region: string | null
  cloud: string | null
  platformId: string | null
}

export interface JsonSync {
  kind: SyncKind
  /** The sync's name; for a CLI run, the `external-sync` value the workflow gave. */
  syncName: string
  /** The Platform's run, as last seen; null when no run was started or found. */
  run: JsonSyncRun | null
  /** True: this action started the run. False: it attached to (or was told to follow) one. */
  startedByAction: boolean
  /** False with `wait: false`: the run was started and left running. */
  waited: boolean
  waitedSeconds: number
  /** From the run's creation to its completion. */
  durationSeconds: number | null
  timedOut: boolean
  /** The action cancelled the run (on timeout). */
  cancelledByAction: boolean
  verdict: 'pass' | 'fail'
  reasons: string[]
  warnings: string[]
  /** Most errors first, at most 10. */
  tablesWithErrors: JsonTableStat[]
  /** The external sync as the Platform said it; null for a managed sync. */
  external: JsonExternalSync | null
}

export interface JsonSyncRun {
  id: string
  status: string
  statusReason: string | null
  createdAt: string | null
  completedAt: string | null
  ingested: boolean | null
  totalRows: number | null
  errors: number | null
  warnings: number | null
  cpuSeconds: number | null
  memoryByteSeconds: number | null
  networkEgressBytes: number | null
}

export interface JsonTableStat {
  table: string
  service: string | null
  errors: number | null
  resources: number | null
  panics: number | null
}

export interface JsonExternalSync {
  id: string
  invocationId: string
  /** As the Platform said it (`finalizing` included); null when it gave none. */
  status: string | null
  /** Rows per table, the most rows first, at most 1,000; null when the Platform gave none. */
  tableProgress: Record<string, number | null> | null
}

export interface JsonBaseline {
  format: typeof BASELINE_FORMAT
  version: typeof BASELINE_VERSION
  createdAt: string
  /**
   * The selection (as configured) whose every policy's resources were read, with
   * `baseline-write`; null when only some were (the policies the gate counts).
   */
  selection: {
    groups: string[]
    policies: string[]
    severities: string[]
    domains: string[]
  } | null
  policies: { id: string; name: string; resources: string[] }[]
}

export interface JsonBaselineSource {
  kind: 'file' | 'artifact'
  /** The file, or the artifact's name and id. */
  path: string
  artifact: {
    name: string
    id: number
    createdAt: string
    /** Whole hours from the artifact's creation to this report. */
    ageHours: number
    runId: number
    runUrl: string
    branch: string
    event: string
  } | null
}

export interface JsonExceptions {
  file: string
  /**
   * Resources suppressed over all policies (the gate's total); they never count toward the
   * thresholds. Null when some policy's is unknown.
   */
  suppressedViolations: number | null
  entries: JsonExceptionEntry[]
}

export interface JsonExceptionEntry {
  line: number
  policy: string | null
  /** `active` entries suppress; the others suppress nothing. */
  state: ExceptionState
  problem: string | null
  reason: string | null
  owner: string | null
  link: string | null
  expires: string | null
  expiringSoon: boolean
  /** Resources it suppressed; 0 for an active entry is an unused one. */
  matched: number
}
