// What the sections that follow simulated runs share: the scenario of runs to be started, the
// action's line that says it saw a run end, and the figures of following it, read off the
// simulator's record.

import type { LiveLogsMode, PreviousRunSpec, RunSpec, Scenario } from '../../simulator/scenario.js'
import { PENDING_MS, START_DELAY_MS, STATUS_TEMPLATE } from './config.js'
import { seconds } from './measure.js'
import type { SimReport } from './simulator-process.js'

const HOUR = 3_600_000

/** Created 1 s, pending 2 s, started until `totalMs` after creation, ingested `ingestionMs` later. */
function simulatedRun(totalMs: number, ingestionMs: number): Partial<RunSpec> {
  return {
    pendingMs: PENDING_MS,
    startDelayMs: START_DELAY_MS,
    durationMs: totalMs - PENDING_MS - START_DELAY_MS,
    ingestionDelayMs: ingestionMs
  }
}

/** The sync's earlier runs, one every six hours, each `factor` times as long as this run. */
function earlierRuns(
  syncName: string,
  totalMs: number,
  factors: readonly number[]
): PreviousRunSpec[] {
  return factors.map((factor, k) => ({
    syncName,
    durationMs: Math.round(totalMs * factor),
    ageMs: (k + 1) * 6 * HOUR
  }))
}

/** A sync of a scenario: how long its new run takes, its ingestion, its earlier runs. */
export interface SimulatedSync {
  name: string
  totalMs: number
  ingestionMs: number
  /** Durations of its earlier runs, as factors of `totalMs`. */
  history: readonly number[]
}

/** Syncs whose runs, once the action starts them, behave as each says. */
export function followedScenario(syncs: SimulatedSync[], liveLogs: LiveLogsMode): Scenario {
  return {
    syncs: syncs.map((sync) => sync.name),
    syncRuns: Object.fromEntries(
      syncs.map((sync) => [sync.name, simulatedRun(sync.totalMs, sync.ingestionMs)])
    ),
    previousRuns: syncs.flatMap((sync) => earlierRuns(sync.name, sync.totalMs, sync.history)),
    liveLogs,
    // As the spec documents: 204 from logs/live until the run has started.
    liveLogsBeforeStart: 'no-content'
  }
}

/**
 * The action's line that says it saw the run end: `Run <id>: completed (…` (or failed, cancelled),
 * behind `[<sync name>] ` when the step follows several syncs.
 */
export function endLine(runId: string, syncName?: string): RegExp {
  const prefix =
    syncName === undefined ? '' : `\\[${syncName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\] `
  return new RegExp(`^${prefix}Run ${runId}: (completed|failed|cancelled)( \\([a-z_]+\\))? \\(`)
}

export interface FollowFigures {
  /** From the run being terminal and ingested (the simulator's `run-terminal`) to `seenAt`. */
  latencyMs: number
  /** Status requests for the run up to `seenAt`. */
  statusRequests: number
  /** From the run's creation to `seenAt`. */
  waitedMs: number
  perMinute: number
  /** `latency 420 ms, 17 status requests in 183.2 s (5.6/min)`, for the progress lines. */
  summary: string
  /** When the run became terminal and settled, and each status request, in s after creation. */
  timeline: string
}

/** The figures of one sync, without the lines that only the progress shows. */
export type FollowedSync = Omit<FollowFigures, 'summary' | 'timeline'>

/**
 * What following the run cost the observer who saw its end at `seenAt`, from the simulator's
 * record; `byObserver` picks the observer's requests by user agent. Undefined when the simulator
 * has no such run, or it never settled.
 */
export function followFigures(
  report: SimReport,
  runId: string,
  seenAt: number,
  byObserver: (userAgent: string) => boolean = () => true
): FollowFigures | undefined {
  const run = report.runs.find((r) => r.id === runId)
  const settled = report.events.find((e) => e.type === 'run-terminal' && e.runId === runId)?.at
  if (!run || settled === undefined) return undefined
  const checks = report.requests.filter(
    (r) =>
      r.method === 'GET' &&
      r.pathTemplate === STATUS_TEMPLATE &&
      r.params.sync_run_id === runId &&
      r.startedAt <= seenAt &&
      byObserver(r.userAgent)
  )
  const waitedMs = seenAt - run.createdAt
  const perMinute = checks.length / (waitedMs / 60_000)
  const at = (t: number): string => ((t - run.createdAt) / 1000).toFixed(1)
  return {
    latencyMs: seenAt - settled,
    statusRequests: checks.length,
    waitedMs,
    perMinute,
    summary: `latency ${seenAt - settled} ms, ${checks.length} status requests in ${seconds(waitedMs)} (${perMinute.toFixed(1)}/min)`,
    timeline: `terminal at ${at(run.terminalAt)} s, settled at ${at(settled)} s; status requests at ${checks.map((r) => at(r.startedAt)).join(', ')} s`
  }
}
