// The simulated Platform's behaviour behind the HTTP layer: state (runs, policies) and one handler
// per API operation. Handlers are synchronous and compute every answer from the current instant, so
// the server can call them from anywhere (including a fault that answers late).

import {
  buildCatalog,
  evaluationLog,
  policyState,
  VIOLATION_COLUMNS,
  violationAt,
  violationRow,
  type Catalog,
  type CatalogGroup,
  type CatalogPolicy
} from './catalog.js'
import { hash32, prng, uuidFrom, uuidOf } from './random.js'
import {
  activeRun,
  evaluationAt,
  ingestedAt,
  isActiveAt,
  logLinesAt,
  newRun,
  previousRun,
  runView,
  tableStatsAt,
  terminalAt,
  type SimRun
} from './runs.js'
import { resolveScenario, type ResolvedScenario, type Scenario } from './scenario.js'

/** What a handler answers: JSON, nothing (204), or the live log stream of a run. */
export interface Reply {
  status: number
  json?: unknown
  headers?: Record<string, string>
  liveLog?: SimRun
}

export interface ApiRequest {
  params: Record<string, string>
  query: Query
  body: unknown
  /** Set when a body was sent but is not JSON. */
  bodyError?: string
  now: number
}

type Handler = (req: ApiRequest) => Reply

/** An error answered as the Platform's `BasicError`/`FieldError` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors?: Record<string, string>
  ) {
    super(message)
  }

  toJSON(): Record<string, unknown> {
    return {
      message: this.message,
      status: this.status,
      ...(this.fieldErrors ? { field_errors: this.fieldErrors } : {})
    }
  }
}

/** Query parameters; list parameters come repeated (`a=1&a=2`) or, leniently, comma-separated. */
export class Query {
  constructor(readonly values: Record<string, string[]>) {}

  one(name: string): string | undefined {
    return this.values[name]?.[0]
  }

  list(name: string): string[] {
    return (this.values[name] ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '')
  }
}

const SEVERITIES = ['low', 'medium', 'high', 'critical']
const DOMAINS = ['finops', 'security', 'compliance', 'governance', 'operations']
const POLICY_STATUSES = ['active', 'paused']
const POLICY_SORT = ['name', 'domain', 'severity', 'violation_count', 'last_run_at', 'created_at']
const TABLE_SORT = ['name', 'started_at', 'completed_at', 'runtime_seconds', 'resources', 'errors']
const SORT_DIRS = ['asc', 'desc']
const FILTER_PATTERN = /^[\p{L}\p{N}_ \-']*$/u
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DAY = 86_400_000

function oneOf(query: Query, name: string, allowed: string[], fallback: string): string {
  const value = query.one(name) ?? fallback
  if (!allowed.includes(value)) {
    throw new ApiError(400, `invalid ${name}`, { [name]: `must be one of ${allowed.join(', ')}` })
  }
  return value
}

function listOf(query: Query, name: string, allowed?: string[]): string[] {
  const values = query.list(name)
  const bad = values.find((v) => (allowed ? !allowed.includes(v) : !UUID_PATTERN.test(v)))
  if (bad !== undefined) {
    throw new ApiError(400, `invalid ${name}`, { [name]: `unexpected value "${bad}"` })
  }
  return values
}

interface Paging {
  page: number
  perPage: number
}

function paging(query: Query): Paging {
  const int = (name: string, fallback: number, max: number): number => {
    const raw = query.one(name)
    const value = raw === undefined ? fallback : Number(raw)
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new ApiError(400, `invalid ${name}`, { [name]: `must be an integer from 1 to ${max}` })
    }
    return value
  }
  return { page: int('page', 1, Number.MAX_SAFE_INTEGER), perPage: int('per_page', 100, 1000) }
}

function pageMetadata(total: number, p: Paging): Record<string, number> {
  return {
    page_size: p.perPage,
    total_count: total,
    last_page: Math.max(1, Math.ceil(total / p.perPage))
  }
}

function pageOf<T>(items: T[], p: Paging): { items: T[]; metadata: Record<string, number> } {
  const start = (p.page - 1) * p.perPage
  return { items: items.slice(start, start + p.perPage), metadata: pageMetadata(items.length, p) }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function dateOnly(ms: number): string {
  return iso(ms).slice(0, 10)
}

function compareBy<T>(
  key: (item: T) => string | number | null,
  dir: string
): (a: T, b: T) => number {
  const sign = dir === 'desc' ? -1 : 1
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    // Nulls sort last in both directions, as in Postgres' `NULLS LAST`.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    return (x < y ? -1 : x > y ? 1 : 0) * sign
  }
}

export class Platform {
  scenario: ResolvedScenario
  catalog: Catalog
  readonly runs: SimRun[] = []
  /** Called when a run is cancelled, so live log streams end at once. */
  onCancel: (run: SimRun) => void = () => {}
  private input: Scenario
  private groupsById: Map<string, CatalogGroup>
  /** Sorting 10,000 policies on every page request is the simulator's hottest path. */
  private sorted = {
    catalog: undefined as Catalog | undefined,
    evaluation: -1,
    orders: new Map<string, CatalogPolicy[]>()
  }
  private readonly nextRunId: () => string

  readonly routes: Record<string, Record<string, Handler>> = {
    '/syncs': { GET: (r) => this.listSyncs(r) },
    '/syncs/{sync_name}/runs': { GET: (r) => this.listRuns(r), POST: (r) => this.createRun(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}': {
      GET: (r) => this.getRun(r),
      PATCH: (r) => this.updateRun(r)
    },
    '/syncs/{sync_name}/runs/{sync_run_id}/logs/query': { GET: (r) => this.queryLogs(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/logs/live': { GET: (r) => this.liveLogs(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/tables': { GET: (r) => this.runTables(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/stats': { GET: (r) => this.runStats(r) },
    '/policies': { GET: (r) => this.listPolicies(r) },
    '/policies/{policy_id}/violations': { GET: (r) => this.violations(r) },
    '/policies/{policy_id}/violations-history': { GET: (r) => this.policyHistory(r) },
    '/policies/violations-history': { GET: (r) => this.violationsHistory(r) },
    '/policy-groups': { GET: (r) => this.listGroups(r) },
    '/policy-groups/{policy_group_id}': { GET: (r) => this.groupPolicies(r) },
    '/queries/{query_id}/execute': { POST: (r) => this.executeQuery(r) }
  }

  constructor(
    input: Scenario,
    readonly startedAt: number
  ) {
    this.input = input
    this.scenario = resolveScenario(input)
    this.catalog = buildCatalog(this.scenario, startedAt)
    this.groupsById = new Map(this.catalog.groups.map((g) => [g.id, g]))
    const rand = prng(hash32(this.scenario.seed, 'runs'))
    this.nextRunId = () => uuidFrom(rand)
    for (const spec of this.scenario.previousRuns) {
      this.runs.push(previousRun(this.scenario, this.nextRunId(), spec, startedAt))
    }
    if (this.scenario.activeRun) {
      this.runs.push(activeRun(this.scenario, this.nextRunId(), this.scenario.activeRun, startedAt))
    }
  }

  /**
   * Changes the scenario from now on. Runs already created keep the behaviour they were created
   * with; `previousRuns` and `activeRun` only matter at start.
   */
  update(patch: Scenario): void {
    const merged: Scenario = {
      ...this.input,
      ...patch,
      run: { ...this.input.run, ...patch.run },
      evaluation: { ...this.input.evaluation, ...patch.evaluation },
      policyGen: { ...this.input.policyGen, ...patch.policyGen }
    }
    this.input = merged
    this.scenario = resolveScenario(merged)
    const catalogKeys: (keyof Scenario)[] = ['policies', 'policyGen', 'groups', 'seed']
    if (catalogKeys.some((k) => k in patch)) {
      this.catalog = buildCatalog(this.scenario, this.startedAt)
      this.groupsById = new Map(this.catalog.groups.map((g) => [g.id, g]))
    }
  }

  /** Times (ascending) at which the Platform evaluated policies, up to `now`. */
  evaluationsUntil(now: number): number[] {
    return this.runs
      .map(evaluationAt)
      .filter((at): at is number => at !== null && at <= now)
      .sort((a, b) => a - b)
  }

  private sync(name: string): ResolvedScenario['syncs'][number] {
    const sync = this.scenario.syncs.find((s) => s.name === name)
    if (!sync) throw new ApiError(404, 'sync not found')
    return sync
  }

  private run(params: Record<string, string>): SimRun {
    this.sync(params.sync_name)
    const run = this.runs.find(
      (r) => r.id === params.sync_run_id && r.syncName === params.sync_name
    )
    if (!run) throw new ApiError(404, 'sync run not found')
    return run
  }

  private runsOf(syncName: string): SimRun[] {
    return this.runs
      .filter((r) => r.syncName === syncName)
      .sort((a, b) => b.createdAt - a.createdAt)
  }

  private listSyncs({ query, now }: ApiRequest): Reply {
    const filter = query.one('filter') ?? ''
    if (!FILTER_PATTERN.test(filter)) {
      throw new ApiError(400, 'invalid filter', {
        filter: 'can contain only letters, numbers, spaces, hyphens, underscores, and apostrophes'
      })
    }
    const needle = filter.toLowerCase()
    const items = this.scenario.syncs
      .filter(
        (s) => s.name.toLowerCase().includes(needle) || s.displayName.toLowerCase().includes(needle)
      )
      .sort(compareBy((s) => s.name, 'asc'))
      .map((s) => {
        const last = this.runsOf(s.name)[0]
        const created = iso(this.startedAt - 30 * DAY)
        return {
          name: s.name,
          display_name: s.displayName,
          source: s.source,
          destinations: s.destinations,
          disabled: s.disabled,
          schedule: '0 */6 * * *',
          cpu: '1',
          memory: '2Gi',
          created_at: created,
          updated_at: created,
          ...(last ? { last_run: lastRunView(runView(last, now)) } : {})
        }
      })
    return { status: 200, json: pageOf(items, paging(query)) }
  }

  private listRuns({ params, query, now }: ApiRequest): Reply {
    this.sync(params.sync_name)
    const runs = this.runsOf(params.sync_name).map((r) => runView(r, now))
    return { status: 200, json: pageOf(runs, paging(query)) }
  }

  private createRun({ params, now }: ApiRequest): Reply {
    const sync = this.sync(params.sync_name)
    if (sync.disabled) throw new ApiError(422, 'sync is disabled')
    if (
      this.scenario.whileActive === 'reject' &&
      this.runsOf(sync.name).some((r) => isActiveAt(r, now))
    ) {
      throw new ApiError(422, 'sync already has an active run')
    }
    const run = newRun(this.scenario, this.nextRunId(), sync.name, 'created', now)
    this.runs.push(run)
    return { status: 201, json: runView(run, now) }
  }

  private getRun({ params, now }: ApiRequest): Reply {
    return { status: 200, json: runView(this.run(params), now, true) }
  }

  private updateRun({ params, body, bodyError, now }: ApiRequest): Reply {
    const run = this.run(params)
    if (bodyError) throw new ApiError(400, bodyError)
    const status = (body as { status?: unknown } | undefined)?.status
    if (status !== 'cancelled') {
      throw new ApiError(400, 'only cancelling a run is supported', {
        status: 'must be "cancelled"'
      })
    }
    if (!isActiveAt(run, now)) throw new ApiError(422, 'sync run is not active')
    run.cancelledAt = now
    this.onCancel(run)
    return { status: 200, json: runView(run, now) }
  }

  private queryLogs({ params, query, now }: ApiRequest): Reply {
    const lines = logLinesAt(this.run(params), now)
    const p = paging(query)
    if (lines.length === 0) return { status: 204 }
    const { items, metadata } = pageOf(lines, p)
    return {
      status: 200,
      json: {
        data: {
          columns: [
            { name: 'timestamp', type: 'timestamp' },
            { name: 'level', type: 'string' },
            { name: 'message', type: 'string' }
          ],
          rows: items.map((l) => [iso(l.at), l.level, l.message])
        },
        metadata
      }
    }
  }

  private liveLogs({ params, now }: ApiRequest): Reply {
    const run = this.run(params)
    const notStarted = now < run.startedAt && isActiveAt(run, now)
    if (
      this.scenario.liveLogs === 'unsupported' ||
      (notStarted && this.scenario.liveLogsBeforeStart === 'no-content')
    ) {
      return { status: 204 }
    }
    return { status: 200, liveLog: run }
  }

  private runTables({ params, query, now }: ApiRequest): Reply {
    const run = this.run(params)
    const p = paging(query)
    const sortBy = oneOf(query, 'sort_by', TABLE_SORT, 'name')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'asc')
    const stats = tableStatsAt(run, now).sort(
      compareBy(
        (t) => (t as unknown as Record<string, string | number | null>)[sortBy] ?? null,
        dir
      )
    )
    return { status: 200, json: pageOf(stats, p) }
  }

  private runStats({ params, now }: ApiRequest): Reply {
    const run = this.run(params)
    const tables = tableStatsAt(run, now)
    const completed = tables.filter((t) => t.completed_at !== undefined)
    const last = completed.at(-1)?.completed_at
    return {
      status: 200,
      json: {
        started_at: iso(Math.min(run.startedAt, terminalAt(run))),
        ...(last ? { last_completed_at: last } : {}),
        completed_tables: completed.length,
        resources: tables.reduce((a, t) => a + t.resources, 0),
        errors: tables.reduce((a, t) => a + t.errors, 0),
        panics: tables.reduce((a, t) => a + t.panics, 0)
      }
    }
  }

  private policy(id: string): CatalogPolicy {
    const policy = this.catalog.byId.get(id)
    if (!policy) throw new ApiError(404, 'policy not found')
    return policy
  }

  private policyView(policy: CatalogPolicy, evaluations: number[]): Record<string, unknown> {
    const state = policyState(policy, evaluations)
    return {
      id: policy.id,
      name: policy.name,
      domain: policy.domain,
      severity: policy.severity,
      description: policy.description,
      status: policy.status,
      team_name: this.scenario.teamName,
      query_id: policy.queryId,
      query: policy.query,
      created_by: policy.createdBy,
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
      violation_count: state.violationCount,
      run_at: state.runAt,
      policy_groups: policy.groupIds.flatMap((id) => this.groupsById.get(id) ?? [])
    }
  }

  /** All policies in the given order; cached until the catalog changes or policies are evaluated. */
  private sortedPolicies(sortBy: string, dir: string, evaluations: number[]): CatalogPolicy[] {
    const evaluation = evaluations.at(-1) ?? 0
    if (this.sorted.catalog !== this.catalog || this.sorted.evaluation !== evaluation) {
      this.sorted = { catalog: this.catalog, evaluation, orders: new Map() }
    }
    const cacheKey = `${sortBy} ${dir}`
    const cached = this.sorted.orders.get(cacheKey)
    if (cached) return cached
    const key: Record<string, (x: CatalogPolicy) => string | number | null> = {
      name: (x) => x.name,
      domain: (x) => x.domain,
      severity: (x) => SEVERITIES.indexOf(x.severity),
      violation_count: (x) => policyState(x, evaluations).violationCount,
      last_run_at: (x) => policyState(x, evaluations).runAt,
      created_at: (x) => x.createdAt
    }
    const order = this.catalog.policies
      .map((policy) => ({ policy, key: key[sortBy](policy) }))
      .sort(compareBy((x) => x.key, dir))
      .map((x) => x.policy)
    this.sorted.orders.set(cacheKey, order)
    return order
  }

  /** Policies matching the severity/domain/group filters shared by several operations. */
  private filteredPolicies(query: Query, policies = this.catalog.policies): CatalogPolicy[] {
    const severities = listOf(query, 'severities', SEVERITIES)
    const domain = query.one('domain')
    if (domain !== undefined) oneOf(query, 'domain', DOMAINS, domain)
    const groupIds = listOf(query, 'policy_group_ids')
    return policies.filter(
      (p) =>
        (severities.length === 0 || severities.includes(p.severity)) &&
        (domain === undefined || p.domain === domain) &&
        (groupIds.length === 0 || p.groupIds.some((id) => groupIds.includes(id)))
    )
  }

  private listPolicies({ query, now }: ApiRequest): Reply {
    const p = paging(query)
    const status = query.one('status')
    if (status !== undefined) oneOf(query, 'status', POLICY_STATUSES, status)
    const search = query.one('search')?.toLowerCase()
    const sortBy = oneOf(query, 'sort_by', POLICY_SORT, 'created_at')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'desc')
    const evaluations = this.evaluationsUntil(now)
    const matching = this.filteredPolicies(
      query,
      this.sortedPolicies(sortBy, dir, evaluations)
    ).filter(
      (x) =>
        (status === undefined || x.status === status) &&
        (search === undefined ||
          x.name.toLowerCase().includes(search) ||
          x.description.toLowerCase().includes(search))
    )
    const { items, metadata } = pageOf(matching, p)
    return {
      status: 200,
      json: { items: items.map((x) => this.policyView(x, evaluations)), metadata }
    }
  }

  private listGroups({ query, now }: ApiRequest): Reply {
    const search = query.one('search')?.toLowerCase() ?? ''
    const severities = listOf(query, 'severities', SEVERITIES)
    const evaluations = this.evaluationsUntil(now)
    const items = this.catalog.groups
      .filter((g) => g.name.toLowerCase().includes(search))
      .map((g) => {
        const members = this.catalog.policies.filter(
          (p) =>
            p.groupIds.includes(g.id) &&
            (severities.length === 0 || severities.includes(p.severity))
        )
        const violations = (severity: string): number =>
          members
            .filter((p) => p.severity === severity)
            .reduce((sum, p) => sum + (policyState(p, evaluations).violationCount ?? 0), 0)
        return {
          ...g,
          policy_count: members.length,
          violation_count_low: violations('low'),
          violation_count_medium: violations('medium'),
          violation_count_high: violations('high'),
          violation_count_critical: violations('critical')
        }
      })
    return { status: 200, json: { items } }
  }

  private groupPolicies({ params, query, now }: ApiRequest): Reply {
    if (!this.groupsById.has(params.policy_group_id)) {
      throw new ApiError(404, 'policy group not found')
    }
    const p = paging(query)
    oneOf(query, 'sort_by', ['name', 'policy_count'], 'name')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'asc')
    const evaluations = this.evaluationsUntil(now)
    const members = this.sortedPolicies('name', dir, evaluations).filter((x) =>
      x.groupIds.includes(params.policy_group_id)
    )
    const { items, metadata } = pageOf(members, p)
    return {
      status: 200,
      json: { items: items.map((x) => this.policyView(x, evaluations)), metadata }
    }
  }

  private violations({ params, query, now }: ApiRequest): Reply {
    const policy = this.policy(params.policy_id)
    const p = paging(query)
    const count = policyState(policy, this.evaluationsUntil(now)).violationCount ?? 0
    const search = query.one('search')?.toLowerCase()
    const start = (p.page - 1) * p.perPage
    if (search === undefined) {
      const items = []
      for (let i = start; i < Math.min(count, start + p.perPage); i++) {
        items.push(violationAt(this.catalog, policy, i))
      }
      return { status: 200, json: { items, metadata: pageMetadata(count, p) } }
    }
    // Searching has to look at every violation; they are generated and dropped one at a time.
    const items = []
    let total = 0
    for (let i = 0; i < count; i++) {
      const v = violationAt(this.catalog, policy, i)
      const text = `${v.name} ${v._cq_account_name} ${v.account_id} ${v.region} ${v._cq_platform_id}`
      if (!text.toLowerCase().includes(search)) continue
      if (total >= start && items.length < p.perPage) items.push(v)
      total++
    }
    return { status: 200, json: { items, metadata: pageMetadata(total, p) } }
  }

  private policyHistory({ params, query, now }: ApiRequest): Reply {
    const policy = this.policy(params.policy_id)
    const p = paging(query)
    const bound = (name: string): number | undefined => {
      const raw = query.one(name)
      if (raw === undefined) return undefined
      const ms = Date.parse(raw)
      if (Number.isNaN(ms))
        throw new ApiError(400, `invalid ${name}`, { [name]: 'must be a date-time' })
      return ms
    }
    const from = bound('start_time') ?? -Infinity
    const to = bound('end_time') ?? Infinity
    const entries = evaluationLog(policy, this.evaluationsUntil(now))
      .filter((e) => Date.parse(e.run_at) >= from && Date.parse(e.run_at) <= to)
      .reverse()
      .map((e) => ({
        id: uuidOf(this.catalog.seed, 'evaluation', policy.id, e.run_at),
        policy_id: policy.id,
        violation_count: e.violation_count,
        run_at: e.run_at
      }))
    return { status: 200, json: pageOf(entries, p) }
  }

  private violationsHistory({ query, now }: ApiRequest): Reply {
    const day = (name: string, fallback: number): number => {
      const raw = query.one(name)
      if (raw === undefined) return fallback
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN
      if (Number.isNaN(ms)) throw new ApiError(400, `invalid ${name}`, { [name]: 'must be a date' })
      return ms
    }
    const end = day('end_date', Date.parse(`${dateOnly(now)}T00:00:00Z`))
    const start = day('start_date', end - 29 * DAY)
    if (start > end || end - start > 366 * DAY) {
      throw new ApiError(400, 'invalid date range', {
        start_date: 'must be within a year before end_date'
      })
    }
    const evaluations = this.evaluationsUntil(now)
    const days = Math.round((end - start) / DAY) + 1
    const totals = new Array<number>(days).fill(0)
    for (const policy of this.filteredPolicies(query)) {
      const log = evaluationLog(policy, evaluations)
      let k = 0
      let current = 0
      for (let d = 0; d < days; d++) {
        const dayEnd = start + (d + 1) * DAY
        while (k < log.length && Date.parse(log[k].run_at) < dayEnd)
          current = log[k++].violation_count
        totals[d] += current
      }
    }
    return {
      status: 200,
      json: {
        items: totals.map((violation_count, d) => ({
          date: dateOnly(start + d * DAY),
          violation_count
        })),
        metadata: { interval: '1', start_date: dateOnly(start), end_date: dateOnly(end) }
      }
    }
  }

  private executeQuery({ params, query, now }: ApiRequest): Reply {
    const policy = this.catalog.byQueryId.get(params.query_id)
    if (!policy) throw new ApiError(404, 'query not found')
    const p = paging(query)
    // A saved query reads the data as it is now: a run's ingested data shows whether or not the
    // Platform has evaluated the policy since (with evaluation mode `never`, only executing does).
    const ingested = this.runs.some(
      (r) => r.origin !== 'previous' && (ingestedAt(r) ?? Infinity) <= now
    )
    const count = (ingested ? policy.countAfterSync : policy.initialCount) ?? 0
    const rows = []
    for (let i = (p.page - 1) * p.perPage; i < Math.min(count, p.page * p.perPage); i++) {
      rows.push(violationRow(violationAt(this.catalog, policy, i)))
    }
    return {
      status: 200,
      json: {
        data: { query: policy.query, columns: VIOLATION_COLUMNS, rows },
        metadata: pageMetadata(count, p)
      }
    }
  }
}

/** `ListSyncLastRun`: the run summary embedded in each `ListSync`. */
function lastRunView(run: Record<string, unknown>): Record<string, unknown> {
  const fields = ['id', 'status', 'status_reason', 'migration', 'created_at', 'completed_at']
  const counters = ['total_rows', 'warnings', 'errors', 'ingested']
  return Object.fromEntries(
    [...fields, ...counters].filter((f) => f in run).map((f) => [f, run[f]])
  )
}
