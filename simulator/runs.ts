// Sync runs as pure functions of time: a run is a schedule fixed when it is created (plus a cancel
// time, if any), and its status, counters, tables and logs at any instant are computed from that
// schedule. No timers drive a run, so a run can never be "late" because the event loop was busy.

import type {
  ActiveRunSpec,
  LogLine,
  PreviousRunSpec,
  ResolvedScenario,
  RunSpec,
  TableSpec
} from './scenario.js'

export type RunOrigin = 'previous' | 'active' | 'created'

export interface SimRun {
  id: string
  syncName: string
  source: string
  origin: RunOrigin
  createdAt: number
  /** Non-terminal phases, back to back from `createdAt`. */
  phases: { status: string; to: number }[]
  /** When rows start flowing (the `started` phase). */
  startedAt: number
  /** When the run reaches `finalStatus`, unless cancelled first. */
  endAt: number
  finalStatus: string
  statusReason: string | null
  cancelledAt: number | null
  spec: RunSpec
  /** Forced ingestion outcome (history runs); otherwise derived from status and reason. */
  ingestedOverride: boolean | null
  /** Delay from ingestion to policy evaluation; null when the Platform never evaluates. */
  evaluationDelayMs: number | null
}

export interface TimedLogLine extends LogLine {
  at: number
}

export function terminalAt(run: SimRun): number {
  return run.cancelledAt ?? run.endAt
}

export function statusAt(run: SimRun, t: number): string {
  if (t >= terminalAt(run)) return run.cancelledAt !== null ? 'cancelled' : run.finalStatus
  return run.phases.find((p) => t < p.to)?.status ?? run.finalStatus
}

export function isActiveAt(run: SimRun, t: number): boolean {
  return t < terminalAt(run)
}

export function ingestedAt(run: SimRun): number | null {
  if (run.cancelledAt !== null) return null
  if (run.ingestedOverride !== null) return run.ingestedOverride ? run.endAt : null
  if (run.finalStatus !== 'completed' || run.statusReason === 'ingestion_failed') return null
  return run.endAt + run.spec.ingestionDelayMs
}

export function evaluationAt(run: SimRun): number | null {
  const ingested = ingestedAt(run)
  return ingested === null || run.evaluationDelayMs === null
    ? null
    : ingested + run.evaluationDelayMs
}

/**
 * The instant a client can consider the run over: terminal and, when its data is going to be
 * ingested, ingested. Benchmarks measure the action's reaction time from here.
 */
export function settledAt(run: SimRun): number {
  return ingestedAt(run) ?? terminalAt(run)
}

function progressAt(run: SimRun, t: number): number {
  const span = Math.max(1, run.endAt - run.startedAt)
  return Math.min(1, Math.max(0, (Math.min(t, terminalAt(run)) - run.startedAt) / span))
}

const DEFAULT_TABLES: Record<string, string[]> = {
  aws: [
    'aws_ec2_instances',
    'aws_s3_buckets',
    'aws_iam_roles',
    'aws_lambda_functions',
    'aws_rds_instances'
  ],
  gcp: ['gcp_compute_instances', 'gcp_storage_buckets', 'gcp_iam_service_accounts'],
  azure: ['azure_compute_virtual_machines', 'azure_storage_accounts']
}

function tableSpecs(run: SimRun): TableSpec[] {
  if (run.spec.tables) return run.spec.tables
  const names = DEFAULT_TABLES[run.source] ?? [`${run.source}_resources`]
  // Uneven sizes make sorting by resources or errors meaningful.
  const weights = names.map((_, i) => names.length - i)
  const sum = weights.reduce((a, b) => a + b, 0)
  return names.map((name, i) => {
    const share = (n: number): number =>
      i === names.length - 1
        ? n - names.slice(0, -1).reduce((acc, _, j) => acc + Math.floor((n * weights[j]) / sum), 0)
        : Math.floor((n * weights[i]) / sum)
    return {
      name,
      serviceName: run.source,
      resources: share(run.spec.totalRows),
      errors: share(run.spec.errors)
    }
  })
}

export interface TableStat {
  service_name: string
  name: string
  started_at: string
  completed_at?: string
  resources: number
  errors: number
  panics: number
  runtime_seconds: number
}

/** Tables run one after another over the run's duration; only tables that have started appear. */
export function tableStatsAt(run: SimRun, t: number): TableStat[] {
  const specs = tableSpecs(run)
  const now = Math.min(t, terminalAt(run))
  const span = Math.max(1, run.endAt - run.startedAt)
  const stats: TableStat[] = []
  specs.forEach((table, i) => {
    const from = run.startedAt + (span * i) / specs.length
    const to = run.startedAt + (span * (i + 1)) / specs.length
    if (now < from) return
    const done = now >= to
    const fraction = done ? 1 : (now - from) / (to - from)
    stats.push({
      service_name: table.serviceName ?? run.source,
      name: table.name,
      started_at: new Date(from).toISOString(),
      ...(done ? { completed_at: new Date(to).toISOString() } : {}),
      resources: Math.round(table.resources * fraction),
      errors: Math.round((table.errors ?? 0) * fraction),
      panics: done ? (table.panics ?? 0) : 0,
      runtime_seconds: Math.round((Math.min(now, to) - from) / 1000)
    })
  })
  return stats
}

function defaultLogLines(run: SimRun): LogLine[] {
  const tables = tableSpecs(run)
  const { totalRows, errors, warnings } = run.spec
  const lines: LogLine[] = [
    { level: 'info', message: `Starting sync ${run.syncName} (run ${run.id})` },
    ...tables.flatMap((t) => [
      { level: 'info', message: `Syncing table ${t.name}` },
      {
        level: (t.errors ?? 0) > 0 ? 'warn' : 'info',
        message: `Table ${t.name} done: ${t.resources} resources, ${t.errors ?? 0} errors`
      }
    ])
  ]
  const summary = `${totalRows} resources, ${errors} errors, ${warnings} warnings`
  if (run.finalStatus === 'failed') {
    const why = run.statusReason === 'oom_killed' ? 'the sync ran out of memory' : 'plugin error'
    lines.push({ level: 'error', message: `Sync failed: ${why} (${summary})` })
  } else if (run.statusReason === 'partial_success') {
    lines.push({ level: 'warn', message: `Sync completed with errors: ${summary}` })
  } else {
    lines.push({ level: 'info', message: `Sync completed: ${summary}` })
  }
  return lines
}

/** The run's log lines with the instant each is written, spread evenly over the run. */
export function scheduledLogLines(run: SimRun): TimedLogLine[] {
  const lines = (run.spec.logLines ?? defaultLogLines(run)).map((l) =>
    typeof l === 'string' ? { level: 'info', message: l } : l
  )
  const span = Math.max(1, run.endAt - run.startedAt)
  const timed = lines.map((l, i) => ({ ...l, at: run.startedAt + (span * i) / lines.length }))
  if (run.cancelledAt === null) return timed
  return [
    ...timed.filter((l) => l.at < (run.cancelledAt ?? 0)),
    { level: 'warn', message: 'Sync run cancelled', at: run.cancelledAt }
  ]
}

export function logLinesAt(run: SimRun, t: number): TimedLogLine[] {
  return scheduledLogLines(run).filter((l) => l.at <= t)
}

/** A log line as the live stream writes it: zerolog's console format. */
export function formatLogLine(line: TimedLogLine): string {
  return `${new Date(line.at).toISOString()} ${line.level.slice(0, 3).toUpperCase()} ${line.message}\n`
}

/** The `SyncRun` (or, with `details`, `SyncRunDetails`) the API returns at instant `t`. */
export function runView(run: SimRun, t: number, details = false): Record<string, unknown> {
  const status = statusAt(run, t)
  const terminal = t >= terminalAt(run)
  const progress = progressAt(run, t)
  const ingested = ingestedAt(run)
  const view: Record<string, unknown> = {
    id: run.id,
    sync_name: run.syncName,
    status,
    ...(terminal && run.cancelledAt === null && run.statusReason !== null
      ? { status_reason: run.statusReason }
      : {}),
    created_at: new Date(run.createdAt).toISOString(),
    ...(terminal ? { completed_at: new Date(terminalAt(run)).toISOString() } : {}),
    total_rows: Math.round(run.spec.totalRows * progress),
    warnings: Math.round(run.spec.warnings * progress),
    errors: Math.round(run.spec.errors * progress),
    migration: run.spec.migration,
    ingested: ingested !== null && t >= ingested
  }
  if (details) {
    const usage: [string, number | null][] = [
      ['cpu_seconds', run.spec.cpuSeconds],
      ['memory_byte_seconds', run.spec.memoryByteSeconds],
      ['network_egress_bytes', run.spec.networkEgressBytes]
    ]
    for (const [field, total] of usage) if (total !== null) view[field] = total * progress
  }
  for (const field of run.spec.nullFields) view[field] = null
  for (const field of run.spec.omitFields) delete view[field]
  return { ...view, ...run.spec.extraFields }
}

export function newRun(
  scenario: ResolvedScenario,
  id: string,
  syncName: string,
  origin: RunOrigin,
  createdAt: number,
  overrides: Partial<RunSpec> = {}
): SimRun {
  // History is written out in full by `previousRun`; the sync's own behaviour is for new runs.
  const perSync = origin === 'previous' ? {} : scenario.syncRuns[syncName]
  const spec: RunSpec = { ...scenario.run, ...perSync, ...overrides }
  const sequence = spec.statusSequence ?? [
    { status: 'created', ms: spec.pendingMs },
    { status: 'pending', ms: spec.startDelayMs },
    { status: 'started', ms: spec.durationMs }
  ]
  // Without a `started` phase (hostile sequences), rows flow over the whole life of the run.
  let startedAt = createdAt
  let at = createdAt
  const phases = sequence.map((p) => {
    if (p.status === 'started' && startedAt === createdAt) startedAt = at
    at += p.ms
    return { status: p.status, to: at }
  })
  return {
    id,
    syncName,
    source: scenario.syncs.find((s) => s.name === syncName)?.source ?? 'aws',
    origin,
    createdAt,
    phases,
    startedAt,
    endAt: at,
    finalStatus: spec.finalStatus,
    statusReason: spec.statusReason,
    cancelledAt: null,
    spec,
    ingestedOverride: null,
    evaluationDelayMs:
      scenario.evaluation.mode === 'never' ? null : scenario.evaluation.delayAfterIngestMs
  }
}

export function previousRun(
  scenario: ResolvedScenario,
  id: string,
  spec: PreviousRunSpec,
  now: number
): SimRun {
  const createdAt = now - spec.ageMs
  const run = newRun(scenario, id, spec.syncName ?? scenario.syncs[0].name, 'previous', createdAt, {
    totalRows: spec.totalRows ?? scenario.run.totalRows,
    errors: spec.errors ?? 0,
    warnings: spec.warnings ?? 0,
    statusSequence: [],
    statusReason: spec.statusReason ?? null,
    ...(spec.extraFields ? { extraFields: spec.extraFields } : {})
  })
  const status = spec.status ?? 'completed'
  return {
    ...run,
    startedAt: createdAt,
    endAt: createdAt + spec.durationMs,
    finalStatus: status,
    ingestedOverride:
      spec.ingested ?? (status === 'completed' && spec.statusReason !== 'ingestion_failed'),
    // History runs were evaluated before the simulator started: that is the policies' initial state.
    evaluationDelayMs: null
  }
}

export function activeRun(
  scenario: ResolvedScenario,
  id: string,
  spec: ActiveRunSpec,
  now: number
): SimRun {
  const { syncName, ageMs, ...overrides } = spec
  return newRun(
    scenario,
    id,
    syncName ?? scenario.syncs[0].name,
    'active',
    now - (ageMs ?? 0),
    overrides
  )
}
