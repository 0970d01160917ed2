// Every count, duration and target of the benchmark, so that a run is tuned in one place.

import type { Scenario } from '../../simulator/scenario.js'

/** BENCH_QUICK=1 checks the script itself in half a minute; its figures mean nothing. */
const QUICK = process.env.BENCH_QUICK === '1'
/** Concurrent repetitions of each simulated run (section 1). */
export const SYNC_REPS = QUICK ? 1 : 3
/** Sequential repetitions of the policy stage and of start-up (after one discarded warm-up). */
export const POLICY_REPS = QUICK ? 1 : 5
export const STARTUP_REPS = QUICK ? 1 : 5
export const RUN_LENGTHS = QUICK
  ? [
      { label: '8 s', totalMs: 8_000 },
      { label: '16 s', totalMs: 16_000 }
    ]
  : [
      { label: '30 s', totalMs: 30_000 },
      { label: '3 min', totalMs: 180_000 }
    ]
/** Phases of a simulated run: created 1 s, pending 2 s, then started until its total length. */
export const PENDING_MS = 1000
export const START_DELAY_MS = 2000
/**
 * One setting per repetition. Ingestion (completed → ingested) takes a different, uneven time in
 * each, so that no poll cadence lines up with it by luck. The durations of the sync's five earlier
 * runs are factors of this run's: within ±10 %, with a median off by −5 %, +2 % and +6 %, so the
 * prediction is never exact.
 */
export const REPETITIONS = [
  { ingestionMs: 1700, history: [0.9, 0.93, 0.95, 1.01, 1.08] },
  { ingestionMs: 2400, history: [0.91, 0.98, 1.02, 1.06, 1.1] },
  { ingestionMs: 3100, history: [0.92, 1.0, 1.06, 1.09, 1.1] }
]
/**
 * Section 4: syncs followed in one step, their runs about as long as section 1's longest; the same
 * repetitions (one simulator each), and the step's memory against the same scenario's one sync.
 */
export const SEVERAL_SYNCS = QUICK ? 3 : 10
export const SEVERAL_SYNCS_RUN = RUN_LENGTHS[RUN_LENGTHS.length - 1]
/**
 * Sync k's run ends k × this after the first's, the ten centred on SEVERAL_SYNCS_RUN, so that each
 * end, and the wake it causes, stands apart from the others'.
 */
export const SEVERAL_SYNCS_END_STEP_MS = 1300
/**
 * Sync k's ingestion in a repetition: 1.5–3.5 s, with fractions of a second spread evenly over
 * the syncs (steps of 0.37 s), so that no poll cadence lines up with all of them by luck.
 */
export const severalSyncsIngestionMs = (k: number, rep: number): number =>
  1500 + ((k * 370 + rep * 130) % 2000)
export const BASELINE_INTERVALS_MS = [15_000, 30_000]
/** Spawns of section 1 are spread out so that runs do not end (and get noticed) all at once. */
export const SPAWN_STAGGER_MS = 500
export const POLICY_SCENARIO: Scenario = {
  policyGen: { count: 10_000, violating: 1_000, totalViolations: 200_000 }
}

/**
 * Section 2d: the policy stage's 10,000 policies after a short sync run, evaluated as soon as its
 * data is ingested (so no wait hides the lookups), gated with `max-critical-violations: 0` alone:
 * the critical policies, about 1,000, are the counted ones, each with its own query.
 */
export const COVERAGE_SCENARIO: Scenario = {
  ...POLICY_SCENARIO,
  run: { pendingMs: 100, startDelayMs: 100, durationMs: 1_000, ingestionDelayMs: 200 },
  evaluation: { delayAfterIngestMs: 0 }
}
export const COVERAGE_INPUTS = { 'sync-name': 'aws-prod', 'max-high-violations': '' }

export const TARGETS = {
  latencyMs: 1000,
  statusPerMinute: 6,
  policyStageMs: 2000,
  policyRequests: 30,
  policyRssBytes: 150e6,
  perResourceMs: 10_000,
  perResourceRequests: 300,
  perResourceRssBytes: 200e6,
  /**
   * The request budget of `baseline-write` at the policy stage's scale: a page per 1,000 violating
   * resources of each violating policy (1,000 policies, 200,000 resources: about 1,000 pages), plus
   * the stage's own requests.
   */
  baselineWriteRequests: 1_100,
  startupMs: 250,
  /** The cross-check at 1,000 counted policies: the lookups, from the first sent to the last answered. */
  coverageLookupsMs: 2_000,
  /** The verdict's cross-check itself, a pure function: 10,000 policies, 1,000 counted. */
  crossCheckMs: 50,
  /** What following SEVERAL_SYNCS in one step may add to the peak RSS of following one. */
  severalSyncsExtraRssBytes: 50e6,
  bundleBytes: 1.5e6
}

export const STATUS_TEMPLATE = '/syncs/{sync_name}/runs/{sync_run_id}'
export const SAMPLES_TEMPLATE = '/policies/{policy_id}/violations'
export const BASELINE_AGENT = 'bench-fixed-poller'
