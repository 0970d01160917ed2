// `npm run bench`: runs the bundled action (dist/index.js, or $ACTION_BUNDLE) against the Platform
// simulator and prints one markdown table for the README's "Performance" section:
//
//   1. Completion latency and status requests per minute of waiting, for simulated runs of 30 s
//      and 3 min: the action with its default configuration, the action with the live log stream
//      unavailable (the adaptive poll alone), and fixed-interval pollers at 15 s and 30 s that
//      follow the same runs (in this process, with fetch), all in the same run of the benchmark.
//   2. The policy stage at scale (policies-only mode): 10,000 active policies, 1,000 violating,
//      200,000 violations, 5 samples: wall time, requests, peak RSS.
//   3. Start-up (process start to the first request) and the size of the bundle.
//
// The simulator runs in a child process (this file with `--simulator`), so serving 10,000 policies
// does not share an event loop, or its timers, with the measuring. Progress and every single
// measurement go to stderr; the table goes to stdout.
//
//   npx tsx scripts/bench.ts > bench.md          # the committed bundle
//   ACTION_BUNDLE=/tmp/b/index.js npx tsx scripts/bench.ts

import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scenario } from '../simulator/scenario.js'
import {
  startSimulator,
  type RunSnapshot,
  type Simulator,
  type SimulatorEvent
} from '../simulator/server.js'
import { BUNDLE, ROOT, runAction } from './action-runner.js'

// What is measured, and how often

/** BENCH_QUICK=1 checks the script itself in half a minute; its figures mean nothing. */
const QUICK = process.env.BENCH_QUICK === '1'
/** Concurrent repetitions of each simulated run (section 1). */
const SYNC_REPS = QUICK ? 1 : 3
/** Sequential repetitions of the policy stage and of start-up (after one discarded warm-up). */
const POLICY_REPS = QUICK ? 1 : 5
const STARTUP_REPS = QUICK ? 1 : 5
const RUN_LENGTHS = QUICK
  ? [
      { label: '8 s', totalMs: 8_000 },
      { label: '16 s', totalMs: 16_000 }
    ]
  : [
      { label: '30 s', totalMs: 30_000 },
      { label: '3 min', totalMs: 180_000 }
    ]
/** Phases of a simulated run: created 1 s, pending 2 s, then started until its total length. */
const PENDING_MS = 1000
const START_DELAY_MS = 2000
/**
 * One setting per repetition. Ingestion (completed → ingested) takes a different, uneven time in
 * each, so that no poll cadence lines up with it by luck. The durations of the sync's five earlier
 * runs are factors of this run's: within ±10 %, with a median off by −5 %, +2 % and +6 %, so the
 * prediction is never exact.
 */
const REPETITIONS = [
  { ingestionMs: 1700, history: [0.9, 0.93, 0.95, 1.01, 1.08] },
  { ingestionMs: 2400, history: [0.91, 0.98, 1.02, 1.06, 1.1] },
  { ingestionMs: 3100, history: [0.92, 1.0, 1.06, 1.09, 1.1] }
]
const BASELINE_INTERVALS_MS = [15_000, 30_000]
/** Spawns of section 1 are spread out so that runs do not end (and get noticed) all at once. */
const SPAWN_STAGGER_MS = 500
const POLICY_SCENARIO: Scenario = {
  policyGen: { count: 10_000, violating: 1_000, totalViolations: 200_000 }
}

const TARGETS = {
  latencyMs: 1000,
  statusPerMinute: 6,
  policyStageMs: 2000,
  policyRequests: 30,
  policyRssBytes: 150e6,
  startupMs: 250,
  bundleBytes: 1.5e6
}

const STATUS_TEMPLATE = '/syncs/{sync_name}/runs/{sync_run_id}'
const SAMPLES_TEMPLATE = '/policies/{policy_id}/violations'
const BASELINE_AGENT = 'bench-fixed-poller'
const SELF = fileURLToPath(import.meta.url)

// The simulator child process

interface RequestSummary {
  method: string
  pathTemplate?: string
  params: Record<string, string>
  userAgent: string
  status?: number
  startedAt: number
}

interface SimReport {
  events: SimulatorEvent[]
  runs: RunSnapshot[]
  requests: RequestSummary[]
}

type ToChild =
  | { type: 'start'; scenarios: Scenario[] }
  | { type: 'report'; index: number; from: number }
  | { type: 'close' }

type FromChild =
  | { type: 'started'; urls: string[]; apiKeys: string[] }
  | ({ type: 'report' } & SimReport)
  | { type: 'error'; message: string }

async function simulatorChild(): Promise<void> {
  const sims: Simulator[] = []
  const send = (message: FromChild): void => void process.send?.(message)
  const close = async (): Promise<void> => {
    await Promise.all(sims.map((sim) => sim.close()))
    process.exit(0)
  }
  process.on('disconnect', () => void close())
  process.on('message', (message: ToChild) => {
    void (async () => {
      switch (message.type) {
        case 'start':
          for (const scenario of message.scenarios) {
            sims.push(await startSimulator(scenario, { recordResponseBodies: false }))
          }
          return send({
            type: 'started',
            urls: sims.map((sim) => sim.url),
            apiKeys: sims.map((sim) => sim.scenario.apiKey)
          })
        case 'report': {
          const sim = sims[message.index]
          return send({
            type: 'report',
            events: sim.events,
            runs: sim.runs,
            requests: sim.requests.slice(message.from).map((r) => ({
              method: r.method,
              pathTemplate: r.pathTemplate,
              params: r.params,
              userAgent: String(r.headers['user-agent'] ?? ''),
              status: r.status,
              startedAt: r.startedAt
            }))
          })
        }
        case 'close':
          return close()
      }
    })().catch((error: unknown) => send({ type: 'error', message: String(error) }))
  })
}

/** Simulators in a child process, driven over IPC. */
class SimulatorProcess {
  urls: string[] = []
  apiKeys: string[] = []
  private readonly child: ChildProcess
  private waiting?: (message: FromChild) => void

  private constructor() {
    this.child = fork(SELF, ['--simulator'], { execArgv: process.execArgv, stdio: 'inherit' })
    this.child.on('message', (message: FromChild) => {
      const waiting = this.waiting
      this.waiting = undefined
      waiting?.(message)
    })
  }

  static async start(scenarios: Scenario[]): Promise<SimulatorProcess> {
    const sims = new SimulatorProcess()
    const started = await sims.ask({ type: 'start', scenarios })
    if (started.type !== 'started') throw new Error(`simulator: ${JSON.stringify(started)}`)
    sims.urls = started.urls
    sims.apiKeys = started.apiKeys
    return sims
  }

  async report(index: number, from = 0): Promise<SimReport> {
    const answer = await this.ask({ type: 'report', index, from })
    if (answer.type !== 'report') throw new Error(`simulator: ${JSON.stringify(answer)}`)
    return answer
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.send({ type: 'close' } satisfies ToChild)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  /** One question at a time (the callers await each answer). */
  private ask(message: ToChild): Promise<FromChild> {
    if (this.waiting) throw new Error('simulator: one question at a time')
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulator did not answer')), 60_000)
      this.waiting = (answer) => {
        clearTimeout(timer)
        resolve(answer)
      }
      this.child.send(message)
    })
  }
}

// Small helpers

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

/** Calls `onLine(line, arrivalTime)` for each complete line of a stream of chunks. */
function lineSplitter(onLine: (line: string, at: number) => void): (chunk: string) => void {
  let pending = ''
  return (chunk) => {
    const at = Date.now()
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line.replace(/\r$/, ''), at)
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 0)} MB`
const mark = (ok: boolean): string => (ok ? '✅' : '❌')

interface RunState {
  status?: string
  status_reason?: string | null
  ingested?: boolean | null
}

/** As the action decides it: terminal and, for a completed run, ingested (or failed to be). */
function isFinished(run: RunState): boolean {
  if (run.status === 'failed' || run.status === 'cancelled') return true
  return (
    run.status === 'completed' &&
    (run.ingested === true || run.status_reason === 'ingestion_failed')
  )
}

// 1. Completion latency and request cost

interface Variant {
  key: string
  totalMs: number
  liveLogs: 'close-at-end' | 'unsupported'
  baselines: boolean
}

interface Observer {
  label: string
  /** When it saw the run finished (and ingested). */
  seenAt?: number
  /** Picks this observer's requests out of the simulator's record. */
  userAgent: (agent: string) => boolean
}

interface SyncJob {
  variant: Variant
  rep: number
  simIndex: number
  syncName: string
  runId?: string
  action: Observer
  baselines: Observer[]
  exitCode?: number | null
}

interface SyncMeasurement {
  variant: string
  observer: string
  syncName: string
  latencyMs: number
  statusRequests: number
  waitedMs: number
  perMinute: number
}

function syncScenario(variant: Variant, rep: number, syncName: string): Scenario {
  const { ingestionMs, history } = REPETITIONS[rep]
  return {
    syncs: [syncName],
    previousRuns: history.map((factor, k) => ({
      syncName,
      durationMs: Math.round(variant.totalMs * factor),
      ageMs: (k + 1) * 6 * 3_600_000
    })),
    run: {
      pendingMs: PENDING_MS,
      startDelayMs: START_DELAY_MS,
      durationMs: variant.totalMs - PENDING_MS - START_DELAY_MS,
      ingestionDelayMs: ingestionMs
    },
    liveLogs: variant.liveLogs,
    // As the spec documents: 204 from logs/live until the run has started.
    liveLogsBeforeStart: 'no-content'
  }
}

/** A fixed-interval poller as peer actions have: check, sleep the interval, check again. */
async function fixedPoller(
  url: string,
  apiKey: string,
  syncName: string,
  runId: string,
  intervalMs: number,
  observer: Observer
): Promise<void> {
  const deadline = Date.now() + 10 * 60_000
  const agent = `${BASELINE_AGENT}/${intervalMs / 1000}s`
  for (let i = 0; i < 100 && Date.now() < deadline; i++) {
    try {
      const response = await fetch(`${url}/api/syncs/${syncName}/runs/${runId}`, {
        headers: { authorization: `Bearer ${apiKey}`, 'user-agent': agent },
        signal: AbortSignal.timeout(10_000)
      })
      const at = Date.now()
      if (!response.ok) await response.body?.cancel()
      else if (isFinished((await response.json()) as RunState)) {
        observer.seenAt = at
        return
      }
    } catch (error) {
      progress(`poller ${agent} for ${syncName}: ${String(error)}`)
    }
    await sleep(intervalMs)
  }
}

async function runSyncJob(job: SyncJob, url: string, apiKey: string): Promise<void> {
  const pollers: Promise<void>[] = []
  let finishedLine: RegExp | undefined
  const onLine = (line: string, at: number): void => {
    const started = /^Started run ([0-9a-f-]{36}) of sync /.exec(line)
    if (started && job.runId === undefined) {
      job.runId = started[1]
      finishedLine = new RegExp(
        `^Run ${job.runId}: (completed|failed|cancelled)( \\([a-z_]+\\))? \\(`
      )
      for (const [i, interval] of BASELINE_INTERVALS_MS.entries()) {
        if (!job.variant.baselines) break
        pollers.push(fixedPoller(url, apiKey, job.syncName, job.runId, interval, job.baselines[i]))
      }
    }
    if (finishedLine?.test(line) && job.action.seenAt === undefined) job.action.seenAt = at
  }
  const result = await runAction({
    inputs: { 'platform-url': url, 'api-key': apiKey, 'sync-name': job.syncName },
    onStdout: lineSplitter(onLine),
    timeoutMs: job.variant.totalMs + 5 * 60_000
  })
  job.exitCode = result.exitCode
  await Promise.all(pollers)
  if (job.action.seenAt === undefined) {
    progress(`${job.variant.key}/${job.syncName}: the action never logged the run's end`)
    process.stderr.write(result.stdout.slice(-3000))
  }
}

async function measureSyncs(): Promise<SyncMeasurement[]> {
  const variants: Variant[] = RUN_LENGTHS.flatMap(({ label, totalMs }) => [
    { key: `live-${label}`, totalMs, liveLogs: 'close-at-end', baselines: true },
    { key: `no-live-${label}`, totalMs, liveLogs: 'unsupported', baselines: false }
  ])
  // One simulator per run: each repetition has its own history and ingestion time.
  const jobs: SyncJob[] = variants.flatMap((variant) =>
    REPETITIONS.slice(0, SYNC_REPS).map((_, rep) => ({
      variant,
      rep,
      simIndex: 0,
      syncName: `aws-bench-${rep + 1}`,
      action: { label: 'action', userAgent: (agent: string) => !agent.startsWith(BASELINE_AGENT) },
      baselines: BASELINE_INTERVALS_MS.map((interval) => ({
        label: `fixed-${interval / 1000}s`,
        userAgent: (agent: string) => agent === `${BASELINE_AGENT}/${interval / 1000}s`
      }))
    }))
  )
  // Repetition by repetition, so that runs started next to each other are of different kinds.
  jobs.sort((a, b) => a.rep - b.rep)
  jobs.forEach((job, index) => (job.simIndex = index))
  const sims = await SimulatorProcess.start(
    jobs.map((job) => syncScenario(job.variant, job.rep, job.syncName))
  )
  try {
    const longest = Math.max(...RUN_LENGTHS.map((length) => length.totalMs))
    progress(
      `section 1: ${jobs.length} action runs at once (${SYNC_REPS} per variant), ~${Math.round((longest + jobs.length * SPAWN_STAGGER_MS) / 60_000 + 0.5)} min`
    )
    await Promise.all(
      jobs.map(async (job, i) => {
        await sleep(i * SPAWN_STAGGER_MS)
        await runSyncJob(job, sims.urls[job.simIndex], sims.apiKeys[job.simIndex])
      })
    )
    // One question at a time: the child answers in order.
    const reports: SimReport[] = []
    for (const index of jobs.keys()) reports.push(await sims.report(index))
    const measurements: SyncMeasurement[] = []
    for (const job of jobs) {
      const report = reports[job.simIndex]
      const run = report.runs.find((r) => r.id === job.runId)
      const settled = report.events.find(
        (e) => e.type === 'run-terminal' && e.runId === job.runId
      )?.at
      if (!run || settled === undefined) {
        progress(`${job.variant.key}/${job.syncName}: no run or no run-terminal event`)
        continue
      }
      for (const observer of [job.action, ...(job.variant.baselines ? job.baselines : [])]) {
        if (observer.seenAt === undefined) continue
        const seenAt = observer.seenAt
        const checks = report.requests.filter(
          (r) =>
            r.method === 'GET' &&
            r.pathTemplate === STATUS_TEMPLATE &&
            r.params.sync_run_id === job.runId &&
            r.startedAt <= seenAt &&
            observer.userAgent(r.userAgent)
        )
        const statusRequests = checks.length
        const waitedMs = observer.seenAt - run.createdAt
        const measurement = {
          variant: job.variant.key,
          observer: observer.label,
          syncName: job.syncName,
          latencyMs: observer.seenAt - settled,
          statusRequests,
          waitedMs,
          perMinute: statusRequests / (waitedMs / 60_000)
        }
        measurements.push(measurement)
        progress(
          `${measurement.variant} ${measurement.syncName} ${measurement.observer}: latency ${measurement.latencyMs} ms, ${statusRequests} status requests in ${seconds(waitedMs)} (${measurement.perMinute.toFixed(1)}/min), exit ${job.exitCode}`
        )
        if (observer === job.action) {
          const at = (t: number): string => ((t - run.createdAt) / 1000).toFixed(1)
          progress(
            `  terminal at ${at(run.terminalAt)} s, settled at ${at(settled)} s; status requests at ${checks.map((r) => at(r.startedAt)).join(', ')} s`
          )
        }
      }
    }
    return measurements
  } finally {
    await sims.close()
  }
}

// 2. The policy stage at scale

interface TimedRun {
  startedAt: number
  exitedAt: number
  exitCode: number | null
  /** Peak resident set size, from GNU time (or /proc VmHWM sampling). */
  peakRssBytes?: number
  lines: { line: string; at: number }[]
  stderr: string
}

/**
 * Runs the bundle as the runner would (like action-runner.ts), under `/usr/bin/time` for the peak
 * RSS: the kernel's own maximum for the process (wait4's ru_maxrss), whatever moment it peaked.
 */
async function runMeasured(inputs: Record<string, string>, timeoutMs: number): Promise<TimedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cq-bench-'))
  const timeFile = join(dir, 'time')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_STATE: join(dir, 'state'),
    RUNNER_TEMP: dir,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/infra',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    'INPUT_REPORT-FILE': join(dir, 'report.json')
  }
  for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY, env.GITHUB_STATE]) {
    writeFileSync(file, '')
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const gnuTime = existsSync('/usr/bin/time')
  const [command, args] = gnuTime
    ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, BUNDLE]]
    : [process.execPath, [BUNDLE]]
  const lines: TimedRun['lines'] = []
  let stderr = ''
  let vmHwmKb = 0
  const startedAt = Date.now()
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.setEncoding('utf8').on(
    'data',
    lineSplitter((line, at) => lines.push({ line, at }))
  )
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  // Without GNU time: sample the high-water mark; the last sample before exit is close to the peak.
  const sampler = gnuTime
    ? undefined
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
          vmHwmKb = Math.max(vmHwmKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
        } catch {
          // exited
        }
      }, 5)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const exitCode = await new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code))
  )
  const exitedAt = Date.now()
  clearTimeout(timer)
  if (sampler) clearInterval(sampler)
  let peakKb = vmHwmKb
  if (gnuTime) {
    const text = readFileSync(timeFile, 'utf8').trim().split('\n')
    peakKb = Number(text[text.length - 1])
  }
  rmSync(dir, { recursive: true, force: true })
  return {
    startedAt,
    exitedAt,
    exitCode,
    peakRssBytes: peakKb > 0 ? peakKb * 1024 : undefined,
    lines,
    stderr
  }
}

interface PolicyMeasurement {
  stageMs: number
  processMs: number
  requests: number
  samples: number
  peakRssBytes: number
}

async function measurePolicies(): Promise<PolicyMeasurement[]> {
  const sims = await SimulatorProcess.start([POLICY_SCENARIO])
  const results: PolicyMeasurement[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= POLICY_REPS; rep++) {
      const run = await runMeasured(
        { 'platform-url': sims.urls[0], 'api-key': sims.apiKeys[0] },
        120_000
      )
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const summary = run.lines.find(({ line }) => line.startsWith('Policies: '))
      const first = Math.min(...report.requests.map((r) => r.startedAt))
      if (!summary || !Number.isFinite(first) || run.peakRssBytes === undefined) {
        throw new Error(
          `policy stage run ${rep} went wrong (exit ${run.exitCode}):\n${run.lines.map((l) => l.line).join('\n')}\n${run.stderr}`
        )
      }
      const samples = report.requests.filter((r) => r.pathTemplate === SAMPLES_TEMPLATE).length
      const measurement: PolicyMeasurement = {
        stageMs: summary.at - first,
        processMs: run.exitedAt - run.startedAt,
        requests: report.requests.length - samples,
        samples,
        peakRssBytes: run.peakRssBytes
      }
      progress(
        `policy stage ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: stage ${measurement.stageMs} ms, process ${measurement.processMs} ms, ${measurement.requests} requests + ${samples} samples, peak RSS ${megabytes(measurement.peakRssBytes)}, exit ${run.exitCode} (${summary.line})`
      )
      if (rep > 0) results.push(measurement)
    }
  } finally {
    await sims.close()
  }
  return results
}

// 3. Start-up

async function measureStartup(): Promise<number[]> {
  const sims = await SimulatorProcess.start([{}])
  const results: number[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= STARTUP_REPS; rep++) {
      const startedAt = Date.now()
      const run = await runAction({
        inputs: { 'platform-url': sims.urls[0], 'api-key': sims.apiKeys[0] },
        timeoutMs: 60_000
      })
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const first = Math.min(...report.requests.map((r) => r.startedAt))
      if (!Number.isFinite(first)) throw new Error(`no request (exit ${run.exitCode})`)
      progress(
        `start-up ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: ${first - startedAt} ms to the first request`
      )
      if (rep > 0) results.push(first - startedAt)
    }
  } finally {
    await sims.close()
  }
  return results
}

// The table

function table(
  syncs: SyncMeasurement[],
  policies: PolicyMeasurement[],
  startup: number[],
  bundleBytes: number
): string {
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
  const none = ['—', '—', '—']
  const stage = median(policies.map((p) => p.stageMs))
  const requests = median(policies.map((p) => p.requests))
  const samples = median(policies.map((p) => p.samples))
  const rss = median(policies.map((p) => p.peakRssBytes))
  const start = median(startup)
  rows.push(
    [
      'Policy stage wall time (10,000 policies, 1,000 violating, 200,000 violations)',
      seconds(stage),
      ...none,
      `≤ ${TARGETS.policyStageMs / 1000} s`,
      mark(stage <= TARGETS.policyStageMs)
    ],
    [
      'Policy stage requests before samples (+ sample requests)',
      `${requests} (+${samples})`,
      ...none,
      `≤ ${TARGETS.policyRequests}`,
      mark(requests <= TARGETS.policyRequests)
    ],
    [
      'Policy stage peak RSS of the process',
      megabytes(rss),
      ...none,
      `≤ ${TARGETS.policyRssBytes / 1e6} MB`,
      mark(rss <= TARGETS.policyRssBytes)
    ],
    [
      'Process start to first request',
      `${Math.round(start)} ms`,
      ...none,
      `≤ ${TARGETS.startupMs} ms`,
      mark(start <= TARGETS.startupMs)
    ],
    [
      '`dist/index.js` size',
      megabytes(bundleBytes),
      ...none,
      `≤ ${TARGETS.bundleBytes / 1e6} MB`,
      mark(bundleBytes <= TARGETS.bundleBytes)
    ]
  )
  const header = [
    'Figure (median)',
    'This action, default inputs',
    'Same, no live log stream',
    ...BASELINE_INTERVALS_MS.map((i) => `Fixed ${i / 1000} s poller`),
    'Target',
    'Met'
  ]
  return [header, header.map(() => '---'), ...rows]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')
}

async function main(): Promise<void> {
  const cpu = cpus()
  const machine = `Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores`
  const bundleBytes = statSync(BUNDLE).size
  const bundle = BUNDLE.startsWith(`${ROOT}/`) ? relative(ROOT, BUNDLE) : BUNDLE
  const load = (): string =>
    `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`
  progress(`bundle ${bundle} (${bundleBytes} bytes); ${machine}; ${load()}`)
  const startup = await measureStartup()
  const policies = await measurePolicies()
  const syncs = await measureSyncs()
  progress(load())
  const date = new Date().toISOString().slice(0, 10)
  console.log(`Measured ${date} by \`npm run bench\` (bundle \`${bundle}\`) on ${machine}.\n`)
  console.log(table(syncs, policies, startup, bundleBytes))
  console.log(`
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
- Start-up: from spawning \`node dist/index.js\` to the simulator receiving its first request.`)
}

if (process.argv.includes('--simulator')) await simulatorChild()
else await main()
