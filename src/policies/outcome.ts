// What the policy stage found: every selected policy's result and the counts over them. The verdict
// step judges these counts; the report renders them.

import type { PolicyEvaluationMode } from '../inputs/config.js'
import type { BaselineSelection } from '../lib/baseline-format.js'
import type { SeverityCounts } from '../lib/severity.js'
import type { PolicyGroup, PolicyViolation } from '../platform/types.js'

/** Where a policy's count came from. */
export type ResultSource =
  /** The Platform evaluated it after the run (or, with no run, whenever it last did). */
  | 'evaluation'
  /** Its saved query was executed by this action. */
  | 'executed'
  /** Neither: the count is the one from before the run. */
  | 'stale'

export interface PolicyResult {
  id: string
  name: string
  /** As the Platform says; may be a severity this action does not know. */
  severity: string
  domain: string
  queryId: string
  groups: string[]
  /** Current violation count; `undefined` only when the Platform gave none at all. */
  violations?: number
  /** What the Platform sent instead of a count (negative, fractional, a string…), if it did. */
  invalidCount?: string
  /**
   * Count of the evaluation before this one, for "change since the previous evaluation" (with a
   * run: the last evaluation before it, i.e. the baseline). Undefined when unknown: it is only
   * looked up for the most severe violating policies, and never shown for stale ones.
   */
  previousViolations?: number
  /** When the count was produced (the evaluation's run_at, or the time of execution). */
  evaluatedAt?: string
  source: ResultSource
  stale: boolean
  /** Sample violating resources (only for violating policies). */
  samples: PolicyViolation[]
  /**
   * Every violating resource, read only when a baseline or an exception needs them (see
   * `needsResources`), de-duplicated and as many as the count; undefined: not read.
   */
  resources?: ViolatingResource[]
  /** Why the resources, though needed, are unknown (a listing that disagrees with the count). */
  resourcesUnknown?: string
  /**
   * The tables its query reads at the top level (`POST /queries/columns`), learned for the policies
   * a threshold counts when a run is judged; empty: the Platform listed none (a query over
   * subqueries only). Undefined: not looked up, or (see `tablesUnknown`) not learned.
   */
  tables?: string[]
  /** Why its tables, though looked up, are unknown (the Platform could not read its query). */
  tablesUnknown?: string
}

/** A violating resource: its fingerprint (with the policy's id) and what exceptions match on. */
export interface ViolatingResource {
  /** `_cq_platform_id`; undefined when the Platform gave none (never matched to a baseline). */
  platformId?: string
  name: string
  accountId?: string
  accountName: string
  region: string
  tags: string[]
  /** For samples taken from the resources instead of another request. */
  cloud?: string
  resourceType?: string
}

export interface PolicyOutcome {
  /** Evaluation mode actually applied (`latest` in policies-only mode under `auto`). */
  mode: PolicyEvaluationMode
  /** The run's completion time that results must be newer than; absent in policies-only mode. */
  freshAfter?: string
  groups: PolicyGroup[]
  /** Every selected policy, most severe and most violating first. */
  policies: PolicyResult[]
  violations: SeverityCounts
  unknownSeverityViolations: number
  /** Daily violation totals for the last 7 days, oldest first (empty when unavailable). */
  trend: { date: string; violations: number }[]
  /** Set when the trend covers more policies than the selection (the API cannot filter by policy). */
  trendNote?: string
  warnings: string[]
  /** Time spent waiting for fresh evaluations. */
  evaluationWaitMs: number
  /**
   * With `baseline-write`: the selection as configured, every policy of which had its resources
   * read (stale ones excepted), which a baseline records so that a later gate can be checked
   * against it before its sync. Absent when only some policies were read.
   */
  baselineSelection?: BaselineSelection
}
