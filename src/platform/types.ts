// Shapes of the CloudQuery Platform API, typed by hand from ../shared/platform-openapi.json.
// Only the fields the action reads are listed; the Platform may send more, and unknown enum
// values (a status or severity added after this was written) must be tolerated, so enums are
// typed as `Known | string`.

import type { KnownSeverity } from '../lib/severity.js'

export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled'] as const
export const ACTIVE_RUN_STATUSES = ['created', 'pending', 'started'] as const
export type KnownSyncRunStatus =
  (typeof TERMINAL_RUN_STATUSES)[number] | (typeof ACTIVE_RUN_STATUSES)[number]
export type SyncRunStatus = KnownSyncRunStatus | (string & {})

/** The run has ended (it may still be ingesting its data). */
export function isTerminal(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status)
}

/** The run has not ended yet (a status the action does not know is neither). */
export function isActive(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status)
}
export type SyncRunStatusReason =
  'error' | 'oom_killed' | 'partial_success' | 'ingestion_failed' | (string & {})

/** `SyncRun` (POST/GET .../runs). */
export interface SyncRun {
  id: string
  sync_name: string
  status: SyncRunStatus
  status_reason?: SyncRunStatusReason | null
  created_at: string
  completed_at?: string | null
  total_rows?: number | null
  warnings?: number | null
  errors?: number | null
  migration?: boolean
  ingested?: boolean | null
}

/** `SyncRunDetails` (GET .../runs/{id}). */
export interface SyncRunDetails extends SyncRun {
  cpu_seconds?: number | null
  memory_byte_seconds?: number | null
  network_egress_bytes?: number | null
}

/** `ListMetadata`. */
export interface ListMetadata {
  page_size: number
  total_count?: number
  last_page?: number
  time_ms?: number
}

export interface Page<T> {
  items: T[]
  metadata: ListMetadata
}

/** `ExternalSync` status: the CLI reports `started`/`failed`; `finalizing` lasts until its data is ingested. */
export const EXTERNAL_SYNC_STATUSES = ['started', 'finalizing', 'completed', 'failed'] as const
export type ExternalSyncStatus = (typeof EXTERNAL_SYNC_STATUSES)[number] | (string & {})

/** `ExternalSync` (GET /external-sync-runs, GET /external-sync-runs/{external_sync_id}): a CLI run. */
export interface ExternalSync {
  id: string
  invocation_id: string
  created_at: string
  status?: ExternalSyncStatus
  rows?: number | null
  /** Rows per table, keyed by table name; cut by the client to the tables with the most rows. */
  table_progress?: Record<string, number> | null
  updated_at?: string | null
  finished_at?: string | null
  /**
   * Not the API's: how many tables `table_progress` had, put beside it by the client when it kept
   * only the MAX_TABLE_PROGRESS with the most rows (platform/table-progress.ts).
   */
  tablesReported?: number
}

/** `ListSync` (GET /syncs), only the name is used (for "did you mean"). */
export interface ListSync {
  name: string
  display_name?: string
}

/** `SyncRunTableStat`. */
export interface SyncRunTableStat {
  service_name: string
  name: string
  started_at: string
  completed_at?: string | null
  resources?: number | null
  errors?: number | null
  panics?: number | null
  runtime_seconds?: number | null
}

/** `TableData`: the shape of logs/query and query execution results. */
export interface TableData {
  query?: string
  columns: { name: string; type: string }[]
  rows: unknown[][]
}

export interface TableDataPage {
  data: TableData
  metadata: ListMetadata
}

export type PolicySeverity = KnownSeverity | (string & {})
export const KNOWN_DOMAINS = [
  'finops',
  'security',
  'compliance',
  'governance',
  'operations'
] as const
export type KnownDomain = (typeof KNOWN_DOMAINS)[number]
export type PolicyDomain = KnownDomain | (string & {})

/** `PolicyGroup`. */
export interface PolicyGroup {
  id: string
  name: string
  description?: string
  created_at?: string
  updated_at?: string
}

/** `PolicyGroupWithCounts` (GET /policy-groups). */
export interface PolicyGroupWithCounts extends PolicyGroup {
  policy_count?: number
}

/** `Policy` (GET /policies). */
export interface Policy {
  id: string
  name: string
  domain: PolicyDomain
  severity: PolicySeverity
  description?: string
  status: 'active' | 'paused' | (string & {})
  query_id: string
  /** The policy's SQL; the spec requires it, but it is read defensively (see `queryColumns`). */
  query?: string
  violation_count?: number | null
  run_at?: string | null
  policy_groups?: PolicyGroup[]
}

/** `QueryColumns` (POST /queries/columns): only the tables are read. */
export interface QueryColumns {
  columns: string[]
  /** The top-level `FROM` clause's tables (joins included, subqueries not), unqualified. */
  top_level_tables: string[]
  is_aggregate: boolean
}

/** `PolicyViolation` (GET /policies/{id}/violations). */
export interface PolicyViolation {
  cloud?: string
  resource_type_label?: string
  _cq_account_name?: string
  account_id?: string
  name?: string
  region?: string
  _cq_platform_id?: string
  tags?: string[]
}

/** `PolicyEvaluationLog` (GET /policies/{id}/violations-history). */
export interface PolicyEvaluationLog {
  id: string
  policy_id: string
  violation_count: number
  run_at: string
}

/** `ViolationsHistory` (GET /policies/violations-history). */
export interface ViolationsHistory {
  items: { date: string; violation_count: number }[]
  metadata: { interval: string; start_date: string; end_date: string }
}

/** `GET /platform-info`: the preflight reads the version only. */
export interface PlatformInfo {
  version: string
  tenant_id: string
  public_ips: string[]
  aws_account_id: string
}

/** `BasicError` / `FieldError`: the body of every error response. */
export interface PlatformErrorBody {
  message?: string
  status?: number
  errors?: string[]
  field_errors?: Record<string, string>
}
