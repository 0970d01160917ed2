// What the simulated Platform looks like and how it behaves. A `Scenario` is what tests and the CLI
// write (every field optional); `resolveScenario` fills the defaults so the server only ever reads a
// `ResolvedScenario`.

import type { ExternalSyncSpec } from './external-syncs.js'

export type TerminalRunStatus = 'completed' | 'failed' | 'cancelled'
export type RunStatusReason = 'error' | 'oom_killed' | 'partial_success' | 'ingestion_failed'

export interface LogLine {
  level: string
  message: string
}

export interface TableSpec {
  name: string
  serviceName?: string
  resources: number
  errors?: number
  panics?: number
}

/** One step of a run's life: the run reports `status` for `ms` milliseconds. */
export interface StatusPhase {
  status: string
  ms: number
}

export interface RunSpec {
  /** Time spent in `created` before the run turns `pending`. */
  pendingMs: number
  /** Time spent in `pending` before the run turns `started`. */
  startDelayMs: number
  /** Time spent in `started` before the run reaches `finalStatus`. */
  durationMs: number
  finalStatus: TerminalRunStatus
  statusReason: RunStatusReason | null
  totalRows: number
  errors: number
  warnings: number
  /** Delay between completion and `ingested: true`; ingestion never happens for `ingestion_failed`. */
  ingestionDelayMs: number
  /** Resource usage reported by GET .../runs/{id} once the run is terminal; null omits the field. */
  cpuSeconds: number | null
  memoryByteSeconds: number | null
  networkEgressBytes: number | null
  migration: boolean
  /** Lines the run logs, spread evenly over `durationMs`; null generates lines from the tables. */
  logLines: (string | LogLine)[] | null
  /** Per-table statistics at the end of the run; null generates tables from the sync's source. */
  tables: TableSpec[] | null
  /**
   * Replaces the created/pending/started phases, e.g. to report statuses this action has never
   * heard of (`queued_for_retry`). `finalStatus` follows the last phase.
   */
  statusSequence: StatusPhase[] | null
  /** Hostile data: fields of SyncRun/SyncRunDetails sent as null, left out, or added. */
  nullFields: string[]
  omitFields: string[]
  extraFields: Record<string, unknown>
}

export interface SyncSpec {
  name: string
  displayName?: string
  source?: string
  destinations?: string[]
  disabled?: boolean
}

/** A terminal run that already exists when the simulator starts. */
export interface PreviousRunSpec {
  /** Defaults to the first sync. */
  syncName?: string
  /** Any string, so hostile history (unknown statuses) can be expressed. Default `completed`. */
  status?: string
  statusReason?: RunStatusReason | null
  /** created_at → completed_at. */
  durationMs: number
  /** How long before the simulator started the run was created. */
  ageMs: number
  totalRows?: number
  errors?: number
  warnings?: number
  ingested?: boolean
  /** Hostile history: fields put over the run's view, e.g. `created_at: "not a date"`. */
  extraFields?: Record<string, unknown>
}

/** A run that is already underway when the simulator starts; it then lives like any other run. */
export type ActiveRunSpec = Partial<RunSpec> & {
  /** Defaults to the first sync. */
  syncName?: string
  /** How long before the simulator started the run was created. Default 0. */
  ageMs?: number
}

export interface EvaluationHistoryEntry {
  run_at: string
  violation_count: number
}

export interface PolicySpec {
  id?: string
  name: string
  domain?: string
  severity?: string
  status?: 'active' | 'paused'
  description?: string
  /** Names or ids of groups from `Scenario.groups`. */
  groups?: string[]
  /** The count the Platform reports before the simulator evaluates the policy. */
  violationCount?: number | null
  /** The count every evaluation after an ingested run produces. Default: `violationCount` (or 0). */
  countAfterSync?: number | null
  /**
   * Instead of `countAfterSync`: the count after the 1st, 2nd, … run ingested since the simulator
   * started (as evaluated, or as its query reads it); the last holds for the runs after it. The data
   * changes from one sync to the next (a deploy came, or went).
   */
  countsAfterSyncs?: number[]
  /** Last evaluation before the simulator started; default six hours earlier. */
  runAt?: string | null
  /** Prior evaluations; default one entry at `runAt` with `violationCount`. */
  history?: EvaluationHistoryEntry[]
  /** Cloud of the violating resources (`aws`, `gcp`, `azure`). */
  cloud?: string
  queryId?: string
  query?: string
  /** Fields of the first violating resources (index 0, 1, …), e.g. hostile names or tags. */
  resources?: ResourceOverride[]
  /**
   * After a sync is evaluated (or its query executed), the first `swapAfterSync` resources are
   * fixed and as many new ones violate instead: the same count, different resources. Resources
   * are otherwise stable across evaluations (the same `_cq_platform_id` at the same index).
   */
  swapAfterSync?: number
  /** A hostile violations listing, for the first `settlesAfter` listings or for ever. */
  listing?: ListingQuirks
}

/**
 * Ways a violations listing can disagree with the policy's count: rows repeated, `page` ignored,
 * more rows than the count (an evaluation that landed between the count and the listing), fewer.
 */
export interface ListingQuirks {
  /** Every page lists its first row twice. */
  repeatRows?: boolean
  /** Every page answers what page 1 holds. */
  ignorePage?: boolean
  /** Lists this many more resources than the count (negative: fewer). */
  extraRows?: number
  /**
   * The listing's `total_count` (and `last_page`) count the rows it lists, as a listing made after
   * a newer evaluation would, rather than the policy's count.
   */
  countsListedRows?: boolean
  /**
   * How many listings (requests for page 1) are hostile before the listing agrees with the count
   * again; undefined: all of them.
   */
  settlesAfter?: number
}

/** What a scenario may set on a generated violating resource. */
export interface ResourceOverride {
  /** `null`: the resource comes without `_cq_platform_id`. */
  platformId?: string | null
  name?: string
  tags?: string[]
  region?: string
  accountName?: string
  accountId?: string
  resourceTypeLabel?: string
}

export interface PolicyGenSpec {
  count: number
  /** How many of the generated policies have violations. */
  violating: number
  /** Violations spread over the violating policies. */
  totalViolations: number
  seed: number
  /** Counts after a sync is evaluated; default unchanged. */
  afterSync: { violating: number; totalViolations: number } | null
  /** Every n-th generated policy is paused (0: none). */
  pausedEvery: number
}

export interface GroupSpec {
  id?: string
  name: string
  description?: string
}

export interface EvaluationSpec {
  /**
   * `after-ingest`: every active policy is re-evaluated once a run is ingested; `never`: policies
   * stay stale (executing a policy's query still reads the freshly ingested data).
   */
  mode: 'after-ingest' | 'never'
  delayAfterIngestMs: number
}

export type FaultKind =
  | '429'
  | '503'
  | '502-html'
  | 'reset'
  | 'malformed-json'
  | 'truncated'
  | 'slow'
  | 'reset-after-create'
  | 'endless-body'
  | 'trickle'
  | 'silent'
  | 'late-answer'

export interface Fault {
  /**
   * `path` is a spec path template (`/syncs/{sync_name}/runs`) or a regular expression source
   * tested against the path below `/api`. Both fields are optional: an empty match hits everything.
   */
  match: { method?: string; path?: string }
  kind: FaultKind
  /** How many matching requests the fault hits; default 1. */
  count?: number | 'always'
  /** Matching requests to let through before the fault starts hitting. */
  after?: number
  /**
   * For 429/503: Retry-After in seconds; an HTTP-date one to two seconds ahead (the next whole
   * second after a second from now); or `http-date-now`, an HTTP-date of the current second (never
   * after now, as the format's one-second resolution allows: "retry now", for quick tests).
   */
  retryAfter?: number | 'http-date' | 'http-date-now'
  /**
   * For `slow`, and before any other kind: how long to hold the request first. For `late-answer`:
   * how long to hold the answer of a request already carried out (a run already created).
   */
  delayMs?: number
  /** For 429/503: the `message` of the error body, instead of the usual one. */
  message?: string
}

export type WhileActive = 'create' | 'reject'
export type LiveLogsMode = 'close-at-end' | 'stall' | 'drop' | 'unsupported'
export type LiveLogsBeforeStart = 'hold' | 'no-content'

export interface ResolvedScenario {
  apiKey: string
  /** What `GET /platform-info` answers as `version`. */
  platformVersion: string
  /** Seed of every generated ID. */
  seed: number
  teamName: string
  syncs: Required<SyncSpec>[]
  run: RunSpec
  /** Per sync name: merged over `run` for new runs of that sync (one sync fails, another is slow). */
  syncRuns: Record<string, Partial<RunSpec>>
  activeRuns: ActiveRunSpec[]
  previousRuns: PreviousRunSpec[]
  whileActive: WhileActive
  liveLogs: LiveLogsMode
  /**
   * The spec documents 204 from logs/live for a run that has not started; `hold` keeps the stream
   * open until the run starts instead.
   */
  liveLogsBeforeStart: LiveLogsBeforeStart
  /** Operations answering 403: a path template (any method) or `METHOD /template`. */
  forbidden: string[]
  /** Explicit policies; when absent, `policyGen` generates them. */
  policies: PolicySpec[] | null
  policyGen: PolicyGenSpec
  groups: GroupSpec[]
  evaluation: EvaluationSpec
  faults: Fault[]
  /**
   * Hostile: error bodies quote the request's `Authorization` header back, as careless servers
   * do, so tests can prove the client never repeats the key.
   */
  echoKeyInErrors: boolean | 'basic'
  policyPaging: PolicyPaging
  /** Hostile: fields (by policy name) put over a policy's view, e.g. `violation_count: "07"`. */
  policyExtraFields: Record<string, Record<string, unknown>>
  externalSyncs: ExternalSyncSpec[]
  /** Completed external syncs of other invocations generated at start (default 3). */
  olderExternalSyncs: number
}

/**
 * How `GET /policies` pages: `honest`; `no-counts` (no `total_count`/`last_page`, both optional);
 * `endless` (no counts, `page_size: 1`, and every page one more policy under a new id, forever);
 * `inflated` (`total_count: 100000000`).
 */
export type PolicyPaging = 'honest' | 'no-counts' | 'endless' | 'inflated'

/** What callers write: everything optional, nested objects partial. */
export interface Scenario {
  apiKey?: string
  platformVersion?: string
  seed?: number
  teamName?: string
  syncs?: (string | SyncSpec)[]
  run?: Partial<RunSpec>
  syncRuns?: Record<string, Partial<RunSpec>>
  /** An array: several syncs, each with a run underway at start. */
  activeRun?: ActiveRunSpec | ActiveRunSpec[] | null
  /** A number generates that many completed runs per sync. */
  previousRuns?: number | PreviousRunSpec[]
  whileActive?: WhileActive
  liveLogs?: LiveLogsMode
  liveLogsBeforeStart?: LiveLogsBeforeStart
  forbidden?: string[]
  policies?: PolicySpec[] | null
  policyGen?: Partial<PolicyGenSpec>
  groups?: GroupSpec[]
  evaluation?: Partial<EvaluationSpec>
  faults?: Fault[]
  /** `basic`: quote it back as a Basic auth header, i.e. in base64. */
  echoKeyInErrors?: boolean | 'basic'
  policyPaging?: PolicyPaging
  policyExtraFields?: Record<string, Record<string, unknown>>
  externalSyncs?: ExternalSyncSpec[]
  olderExternalSyncs?: number
}

const DEFAULT_RUN: RunSpec = {
  pendingMs: 100,
  startDelayMs: 100,
  durationMs: 2000,
  finalStatus: 'completed',
  statusReason: null,
  totalRows: 12_480,
  errors: 0,
  warnings: 3,
  ingestionDelayMs: 200,
  cpuSeconds: 41.5,
  memoryByteSeconds: 3.2e11,
  networkEgressBytes: 18_350_000,
  migration: false,
  logLines: null,
  tables: null,
  statusSequence: null,
  nullFields: [],
  omitFields: [],
  extraFields: {}
}

const DEFAULT_GROUPS: GroupSpec[] = [
  { name: 'CIS AWS Foundations', description: 'CIS Amazon Web Services Foundations Benchmark' },
  { name: 'Cost hygiene', description: 'Resources that cost money without doing work' },
  { name: 'Operational excellence', description: 'Tagging, backups and lifecycle rules' }
]

const HOUR = 3_600_000
const ACRONYMS = new Set(['aws', 'gcp', 'k8s'])

function resolveSync(sync: string | SyncSpec): Required<SyncSpec> {
  const spec = typeof sync === 'string' ? { name: sync } : sync
  const source = spec.source ?? spec.name.split(/[-_]/)[0]
  return {
    name: spec.name,
    displayName:
      spec.displayName ??
      spec.name
        .split(/[-_]/)
        .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
        .join(' '),
    source,
    destinations: spec.destinations ?? ['postgresql'],
    disabled: spec.disabled ?? false
  }
}

function generatedPreviousRuns(
  perSync: number,
  syncs: Required<SyncSpec>[],
  run: RunSpec
): PreviousRunSpec[] {
  // Durations vary around the configured run so a client's "expected duration" estimate is close
  // to, but not exactly, what the next run takes.
  const total = run.pendingMs + run.startDelayMs + run.durationMs
  const factors = [0.9, 1.1, 1, 0.95, 1.05]
  return syncs.flatMap((sync) =>
    Array.from({ length: perSync }, (_, k) => ({
      syncName: sync.name,
      durationMs: Math.round(total * factors[k % factors.length]),
      ageMs: (k + 1) * 6 * HOUR,
      totalRows: run.totalRows,
      warnings: run.warnings
    }))
  )
}

export function resolveScenario(input: Scenario = {}): ResolvedScenario {
  const syncs = (input.syncs ?? ['aws-prod', 'aws-dev', 'gcp-prod']).map(resolveSync)
  if (syncs.length === 0) throw new Error('scenario: at least one sync is required')
  const run = { ...DEFAULT_RUN, ...input.run }
  const previousRuns =
    typeof input.previousRuns === 'number' || input.previousRuns === undefined
      ? generatedPreviousRuns(input.previousRuns ?? 3, syncs, run)
      : input.previousRuns
  return {
    apiKey: input.apiKey ?? 'test-api-key',
    platformVersion: input.platformVersion ?? 'v1.42.0-simulator',
    seed: input.seed ?? 1,
    teamName: input.teamName ?? 'simulated-team',
    syncs,
    run,
    syncRuns: input.syncRuns ?? {},
    activeRuns: [input.activeRun ?? []].flat(),
    previousRuns,
    whileActive: input.whileActive ?? 'create',
    liveLogs: input.liveLogs ?? 'close-at-end',
    liveLogsBeforeStart: input.liveLogsBeforeStart ?? 'hold',
    forbidden: input.forbidden ?? [],
    policies: input.policies ?? null,
    policyGen: {
      count: 20,
      violating: 5,
      totalViolations: 37,
      seed: input.seed ?? 1,
      afterSync: null,
      pausedEvery: 0,
      ...input.policyGen
    },
    groups: input.groups ?? DEFAULT_GROUPS,
    evaluation: { mode: 'after-ingest', delayAfterIngestMs: 200, ...input.evaluation },
    faults: input.faults ?? [],
    echoKeyInErrors: input.echoKeyInErrors ?? false,
    policyPaging: input.policyPaging ?? 'honest',
    policyExtraFields: input.policyExtraFields ?? {},
    externalSyncs: input.externalSyncs ?? [],
    olderExternalSyncs: input.olderExternalSyncs ?? 3
  }
}
