// Renders the figures as the markdown table (and notes) for docs/performance.md.

import {
  BASELINE_INTERVALS_MS,
  PENDING_MS,
  POLICY_REPS,
  REPETITIONS,
  RUN_LENGTHS,
  START_DELAY_MS,
  SYNC_REPS,
  TARGETS
} from './config.js'
import { median, megabytes, seconds } from './measure.js'
import type { PerResourceMeasurement } from './per-resource.js'
import type { PolicyMeasurement } from './policy-stage.js'
import type { SyncMeasurement } from './sync-latency.js'

const mark = (ok: boolean): string => (ok ? '✅' : '❌')

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
  const none = ['—', '—', '—']
  const row = (figure: string, value: string, target: string, met: boolean): string[] => [
    figure,
    value,
    ...none,
    target,
    mark(met)
  ]
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

/** Section 2b: the per-resource gate, end to end. */
export function perResourceRows(
  measurements: PerResourceMeasurement[],
  row: (figure: string, value: string, target: string, met: boolean) => string[]
): string[][] {
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

export function table(
  syncs: SyncMeasurement[],
  policies: PolicyMeasurement[],
  perResource: PerResourceMeasurement[],
  startup: number[],
  bundleBytes: number
): string {
  const header = [
    'Figure (median)',
    'This action, default inputs',
    'Same, no live log stream',
    ...BASELINE_INTERVALS_MS.map((i) => `Fixed ${i / 1000} s poller`),
    'Target',
    'Met'
  ]
  const rows = [...syncRows(syncs), ...actionRows(policies, perResource, startup, bundleBytes)]
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
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
- Policy stage: policies-only mode (no sync), default inputs (5 samples per violating policy, for the 50 listed). Wall time from the first request the simulator receives to the action's \`Policies: …\` summary line (start-up is the row below; writing the summary and report follows). Peak RSS is the kernel's maximum resident set of the process (GNU \`time\`, \`%M\`). MB = 10⁶ bytes.
- Per-resource gate: the policy stage's scenario with \`gate-on: new\`, a baseline file of every violating resource but 1 in 100 (so some are new), and 500 exceptions over the critical and high violating policies; resources are read (1,000 a page) for the policies the default thresholds count (critical, high) and those the exceptions name. Time from spawning the process to its exit, summary and report written.
- Start-up: from spawning \`node dist/index.js\` to the simulator receiving its first request.`
}
