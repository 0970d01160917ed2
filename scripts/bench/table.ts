// Renders the figures as the markdown table (and notes) for docs/performance.md.

import {
  BASELINE_INTERVALS_MS,
  PENDING_MS,
  POLICY_REPS,
  REPETITIONS,
  RUN_LENGTHS,
  SEVERAL_SYNCS,
  SEVERAL_SYNCS_END_STEP_MS,
  SEVERAL_SYNCS_RUN,
  START_DELAY_MS,
  SYNC_REPS,
  TARGETS
} from './config.js'
import { median, megabytes, seconds } from './measure.js'
import type { BaselineWriteMeasurement } from './baseline-write.js'
import type { CoverageMeasurement } from './coverage.js'
import type { PerResourceMeasurement } from './per-resource.js'
import type { PolicyMeasurement } from './policy-stage.js'
import type { StepMeasurement, SyncFigures } from './several-syncs.js'
import type { SyncMeasurement } from './sync-latency.js'

const mark = (ok: boolean): string => (ok ? '✅' : '❌')

/** A row of a figure of the action alone: its value, target and whether it is met. */
type RowMaker = (figure: string, value: string, target: string, met: boolean) => string[]

/** The rows of one case printed alone (`--per-resource`, `--several-syncs`): no other columns. */
export const shortRow: RowMaker = (figure, value, target, met) => [figure, value, target, mark(met)]

/** In the full table: no comparison columns. */
const fullRow: RowMaker = (figure, value, target, met) => [
  figure,
  value,
  ...['—', '—', '—'],
  target,
  mark(met)
]

export interface BenchFigures {
  syncs: SyncMeasurement[]
  severalSyncs: StepMeasurement[]
  policies: PolicyMeasurement[]
  perResource: PerResourceMeasurement[]
  baselineWrite: BaselineWriteMeasurement[]
  coverage: CoverageMeasurement[]
  startup: number[]
  bundleBytes: number
}

/** Section 1: a latency row and a request-rate row per run length, every observer a column. */
function syncRows(syncs: SyncMeasurement[]): string[][] {
  const pick = (variant: string, observer: string, field: 'latencyMs' | 'perMinute'): number =>
    median(
      syncs.filter((m) => m.variant === variant && m.observer === observer).map((m) => m[field])
    )
  const rows: string[][] = []
  for (const { label } of RUN_LENGTHS) {
    const latency = pick(`live-${label}`, 'action', 'latencyMs')
    rows.push([
      `Completion latency, ${label} run`,
      seconds(latency),
      seconds(pick(`no-live-${label}`, 'action', 'latencyMs')),
      ...BASELINE_INTERVALS_MS.map((i) =>
        seconds(pick(`live-${label}`, `fixed-${i / 1000}s`, 'latencyMs'))
      ),
      `≤ ${TARGETS.latencyMs / 1000} s`,
      mark(latency <= TARGETS.latencyMs)
    ])
  }
  for (const { label } of RUN_LENGTHS) {
    const rate = pick(`live-${label}`, 'action', 'perMinute')
    rows.push([
      `Status requests per minute of waiting, ${label} run`,
      rate.toFixed(1),
      pick(`no-live-${label}`, 'action', 'perMinute').toFixed(1),
      ...BASELINE_INTERVALS_MS.map((i) =>
        pick(`live-${label}`, `fixed-${i / 1000}s`, 'perMinute').toFixed(1)
      ),
      `≤ ${TARGETS.statusPerMinute}`,
      mark(rate <= TARGETS.statusPerMinute)
    ])
  }
  return rows
}

/** Sections 2 and 3 and the bundle: figures of the action alone, no comparison columns. */
function actionRows(
  policies: PolicyMeasurement[],
  perResource: PerResourceMeasurement[],
  startup: number[],
  bundleBytes: number
): string[][] {
  const row = fullRow
  const stage = median(policies.map((p) => p.stageMs))
  const requests = median(policies.map((p) => p.requests))
  const samples = median(policies.map((p) => p.samples))
  const rss = median(policies.map((p) => p.peakRssBytes))
  const start = median(startup)
  return [
    ...perResourceRows(perResource, row),
    row(
      'Policy stage wall time (10,000 policies, 1,000 violating, 200,000 violations)',
      seconds(stage),
      `≤ ${TARGETS.policyStageMs / 1000} s`,
      stage <= TARGETS.policyStageMs
    ),
    row(
      'Policy stage requests before samples (+ sample requests)',
      `${requests} (+${samples})`,
      `≤ ${TARGETS.policyRequests}`,
      requests <= TARGETS.policyRequests
    ),
    row(
      'Policy stage peak RSS of the process',
      megabytes(rss),
      `≤ ${TARGETS.policyRssBytes / 1e6} MB`,
      rss <= TARGETS.policyRssBytes
    ),
    row(
      'Process start to first request',
      `${Math.round(start)} ms`,
      `≤ ${TARGETS.startupMs} ms`,
      start <= TARGETS.startupMs
    ),
    row(
      '`dist/index.js` size',
      megabytes(bundleBytes),
      `≤ ${TARGETS.bundleBytes / 1e6} MB`,
      bundleBytes <= TARGETS.bundleBytes
    )
  ]
}

/** Section 2c: writing a baseline of every selected policy, end to end. */
export function baselineWriteRows(
  measurements: BaselineWriteMeasurement[],
  row: RowMaker
): string[][] {
  const ms = median(measurements.map((m) => m.processMs))
  const requests = median(measurements.map((m) => m.requests))
  const pages = median(measurements.map((m) => m.resourcePages))
  const rss = median(measurements.map((m) => m.peakRssBytes))
  const bytes = median(measurements.map((m) => m.fileBytes))
  return [
    row(
      `baseline-write, process start to exit (every violating policy read; a ${megabytes(bytes)} baseline)`,
      seconds(ms),
      `≤ ${TARGETS.perResourceMs / 1000} s`,
      ms <= TARGETS.perResourceMs
    ),
    row(
      `baseline-write requests (${pages} of them resource pages)`,
      String(requests),
      `≤ ${TARGETS.baselineWriteRequests}`,
      requests <= TARGETS.baselineWriteRequests
    ),
    row(
      'baseline-write peak RSS of the process',
      megabytes(rss),
      `≤ ${TARGETS.perResourceRssBytes / 1e6} MB`,
      rss <= TARGETS.perResourceRssBytes
    )
  ]
}

/** Section 2d: the coverage cross-check at 10,000 policies, about 1,000 of them counted. */
export function coverageRows(measurements: CoverageMeasurement[], row: RowMaker): string[][] {
  const lookups = median(measurements.map((m) => m.lookups))
  const lookupsMs = median(measurements.map((m) => m.lookupsMs))
  const pages = median(measurements.map((m) => m.tablePages))
  const stage = median(measurements.map((m) => m.stageMs))
  const requests = median(measurements.map((m) => m.requests))
  const pure = median(measurements.map((m) => m.crossCheckMs))
  const rss = median(measurements.map((m) => m.peakRssBytes))
  return [
    row(
      `Coverage cross-check, lookups of the counted policies' tables (10,000 policies, ${lookups} counted; ${pages} page of the run's tables)`,
      `${lookups} requests in ${seconds(lookupsMs)}`,
      `1 a distinct query, ≤ ${TARGETS.coverageLookupsMs / 1000} s`,
      lookupsMs <= TARGETS.coverageLookupsMs
    ),
    row(
      `Coverage cross-check, policy stage wall time with it (${requests} requests in the step, peak RSS ${megabytes(rss)})`,
      seconds(stage),
      `≤ ${(TARGETS.policyStageMs + TARGETS.coverageLookupsMs) / 1000} s`,
      stage <= TARGETS.policyStageMs + TARGETS.coverageLookupsMs
    ),
    row(
      "Coverage cross-check, the verdict's part (pure: 10,000 policies, 1,000 counted, 1,000 tables)",
      `${pure.toFixed(1)} ms`,
      `≤ ${TARGETS.crossCheckMs} ms`,
      pure <= TARGETS.crossCheckMs
    )
  ]
}

/** Section 2b: the per-resource gate, end to end. */
export function perResourceRows(measurements: PerResourceMeasurement[], row: RowMaker): string[][] {
  const ms = median(measurements.map((m) => m.processMs))
  const requests = median(measurements.map((m) => m.requests))
  const rss = median(measurements.map((m) => m.peakRssBytes))
  const what = `(${measurements[0]?.baselineEntries ?? 0}-entry baseline, 500 exceptions)`
  return [
    row(
      `Per-resource gate, process start to exit ${what}`,
      seconds(ms),
      `≤ ${TARGETS.perResourceMs / 1000} s`,
      ms <= TARGETS.perResourceMs
    ),
    row(
      'Per-resource gate requests (all, resource pages and samples included)',
      String(requests),
      `≤ ${TARGETS.perResourceRequests}`,
      requests <= TARGETS.perResourceRequests
    ),
    row(
      'Per-resource gate peak RSS of the process',
      megabytes(rss),
      `≤ ${TARGETS.perResourceRssBytes / 1e6} MB`,
      rss <= TARGETS.perResourceRssBytes
    )
  ]
}

/**
 * Section 4's figures: per step, the worst and the median over its syncs, each the median over the
 * repetitions; peak RSS, the median of each kind of step. A sync whose end a step never logged
 * makes that step's worst infinite: a miss, not a gap.
 */
function severalSyncsFigures(steps: StepMeasurement[]) {
  const several = steps.filter((s) => s.syncCount > 1)
  type Field = keyof Pick<SyncFigures, 'latencyMs' | 'perMinute'>
  const worst = (field: Field): number =>
    median(
      several.map((s) =>
        s.syncs.length < s.syncCount ? Infinity : Math.max(...s.syncs.map((f) => f[field]))
      )
    )
  const typical = (field: Field): number =>
    median(several.map((s) => median(s.syncs.map((f) => f[field]))))
  const rss = (syncCount: (n: number) => boolean): number =>
    median(steps.filter((s) => syncCount(s.syncCount)).map((s) => s.peakRssBytes ?? NaN))
  return {
    latency: { worst: worst('latencyMs'), median: typical('latencyMs') },
    rate: { worst: worst('perMinute'), median: typical('perMinute') },
    rss: { several: rss((n) => n > 1), one: rss((n) => n === 1) }
  }
}

/** Section 4: syncs followed in one step, each row's value in the table's main column. */
export function severalSyncsRows(steps: StepMeasurement[], row: RowMaker): string[][] {
  const { latency, rate, rss } = severalSyncsFigures(steps)
  const what = `${SEVERAL_SYNCS} syncs of ${SEVERAL_SYNCS_RUN.label} in one step`
  const latencyRow = (label: string, ms: number): string[] =>
    row(
      `Completion latency, ${what}, ${label} of the ${SEVERAL_SYNCS}`,
      seconds(ms),
      `≤ ${TARGETS.latencyMs / 1000} s`,
      ms <= TARGETS.latencyMs
    )
  const rateRow = (label: string, perMinute: number): string[] =>
    row(
      `Status requests per sync per minute of waiting, ${what}, ${label} of the ${SEVERAL_SYNCS}`,
      perMinute.toFixed(1),
      `≤ ${TARGETS.statusPerMinute}`,
      perMinute <= TARGETS.statusPerMinute
    )
  const extra = rss.several - rss.one
  return [
    latencyRow('worst', latency.worst),
    latencyRow('median', latency.median),
    rateRow('worst', rate.worst),
    rateRow('median', rate.median),
    row(
      `Peak RSS, ${what}, over the same step following 1 of them`,
      `${extra >= 0 ? '+' : '−'}${megabytes(Math.abs(extra))} (${megabytes(rss.several)} vs ${megabytes(rss.one)})`,
      `≤ +${TARGETS.severalSyncsExtraRssBytes / 1e6} MB`,
      extra <= TARGETS.severalSyncsExtraRssBytes
    )
  ]
}

export function table(figures: BenchFigures): string {
  const header = [
    'Figure (median)',
    'This action, default inputs',
    'Same, no live log stream',
    ...BASELINE_INTERVALS_MS.map((i) => `Fixed ${i / 1000} s poller`),
    'Target',
    'Met'
  ]
  const rows = [
    ...syncRows(figures.syncs),
    ...severalSyncsRows(figures.severalSyncs, fullRow),
    ...actionRows(figures.policies, figures.perResource, figures.startup, figures.bundleBytes),
    ...baselineWriteRows(figures.baselineWrite, fullRow),
    ...coverageRows(figures.coverage, fullRow)
  ]
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
}

/** When section 4's runs end, from the first sync's to the last's. */
function severalSyncsEnds(): string {
  const spread = ((SEVERAL_SYNCS - 1) / 2) * SEVERAL_SYNCS_END_STEP_MS
  const { totalMs } = SEVERAL_SYNCS_RUN
  return `${seconds(totalMs - spread)} to ${seconds(totalMs + spread)}`
}

/** How each figure was measured, for whoever reads the table in docs/performance.md. */
export function notes(): string {
  return `
Medians of ${SYNC_REPS} runs per run length and variant (all ${SYNC_REPS * RUN_LENGTHS.length * 2} at once, against simulators in a separate process), and of ${POLICY_REPS} sequential runs for the policy stage and start-up (after one discarded warm-up each).
- Simulated runs: created ${PENDING_MS / 1000} s, pending ${START_DELAY_MS / 1000} s (\`logs/live\` answers 204 until the run starts, as the spec says), started until ${RUN_LENGTHS.map((l) => l.label).join(' or ')} after creation, ingested ${REPETITIONS.slice(
    0,
    SYNC_REPS
  )
    .map((r) => r.ingestionMs / 1000)
    .join(
      ' s, '
    )} s after completing (one per repetition). The sync's 5 earlier runs took 90–110 % of the run's time; their median is off by −5 %, +2 % or +6 %.
- Latency: from the instant the simulator has the run terminal and ingested to the arrival of the action's \`Run <id>: completed (…)\` line on its stdout (for the pollers: to the answer that showed it). Status requests per minute: \`GET /syncs/{sync_name}/runs/{sync_run_id}\` requests for the run, divided by the time from its creation to that moment. The fixed pollers follow the same runs as the action from the moment it starts them; "no live log stream" is a simulator answering 204 to \`logs/live\`.
- ${SEVERAL_SYNCS} syncs in one step: \`sync-name\` lists the ${SEVERAL_SYNCS} syncs of one simulator; their runs go as above but end ${SEVERAL_SYNCS_END_STEP_MS / 1000} s apart, ${severalSyncsEnds()} after creation, and are ingested 1.5–3.5 s after completing (fractions of a second spread evenly over the syncs, shifted in each repetition); each sync has 5 earlier runs of its own (the repetitions' histories in turn). ${SYNC_REPS} repetitions, each next to the same action following the first sync alone against a copy of the scenario, all ${SYNC_REPS * 2} processes at once. Per sync, latency to its \`[<sync name>] Run <id>: completed (…)\` line and its own status requests per minute, as above; each row is the median over the repetitions of the worst (or the median) of the step's ${SEVERAL_SYNCS}. Peak RSS as for the policy stage, the median of each kind of step.
- Policy stage: policies-only mode (no sync), default inputs (5 samples per violating policy, for the 50 listed). Wall time from the first request the simulator receives to the action's \`Policies: …\` summary line (start-up is the row below; writing the summary and report follows). Peak RSS is the kernel's maximum resident set of the process (GNU \`time\`, \`%M\`). MB = 10⁶ bytes.
- Per-resource gate: the policy stage's scenario with \`gate-on: new\`, a baseline file of every violating resource but 1 in 100 (so some are new), and 500 exceptions over the critical and high violating policies; resources are read (1,000 a page) for the policies the default thresholds count (critical, high) and those the exceptions name. Time from spawning the process to its exit, summary and report written.
- Coverage cross-check: the policy stage's 10,000 policies after a short sync run (about 1.4 s, ingested 0.2 s later, every policy evaluated at once, so no wait hides the lookups), with \`max-critical-violations: 0\` as the only threshold: the critical policies, about 1,000, are counted, each with its own query. Lookups: \`POST /queries/columns\` requests, from the first sent to the last answered (8 in flight); the policy stage from its first listing to the \`Policies: …\` line. The verdict's part is timed in the benchmark's own process over data of the same shape, the median of 5.
- Start-up: from spawning \`node dist/index.js\` to the simulator receiving its first request.`
}
