// When to look at a run's status next. Fixed-interval pollers notice a finished run up to one
// interval late or hammer the API; this schedule is quick at the start (short runs), sparse in the
// middle, quick again near the end the sync's earlier runs predict, and quick while the run's data
// is being ingested. When the live log stream is open its end signals the run's end, so status
// checks can stay sparse.

export interface ScheduleInput {
  /** Time since waiting began. */
  elapsedMs: number
  /** How long this run has been going (from its created_at), when known. */
  runAgeMs?: number
  /** Typical duration of the sync's earlier runs, when there are any. */
  expectedDurationMs?: number
  /** The `poll-interval` input: no delay is longer. */
  maxIntervalMs: number
  /** The run reached a terminal status and only ingestion is awaited. */
  awaitingIngestion: boolean
  /** The live log stream is open, so its end will wake the loop. */
  streamOpen: boolean
}

const MIN_POLL_MS = 1000
/**
 * Ingestion takes seconds: a look each second notices its end within a second, at half the requests
 * of a look each half second.
 */
const INGESTION_POLL_MS = 1000
/** The predicted end is trusted to within this share of the expected duration (at least 3 s). */
const NEAR_END_SHARE = 0.1

export function nextPollDelay(input: ScheduleInput): number {
  const max = Math.max(MIN_POLL_MS, input.maxIntervalMs)
  if (input.awaitingIngestion) return Math.min(INGESTION_POLL_MS, max)
  // The stream's end (however it ends) wakes the loop at once, so a status check is only the
  // safety net for a Platform that leaves the stream open after the run.
  if (input.streamOpen) return max
  // Start-up ramp: 1 s, 2 s, 4 s… catches runs that end (or fail) within seconds.
  const ramp = clamp(
    MIN_POLL_MS * 2 ** Math.floor(Math.log2(1 + input.elapsedMs / MIN_POLL_MS)),
    MIN_POLL_MS,
    max
  )
  const expected = input.expectedDurationMs
  const age = input.runAgeMs ?? input.elapsedMs
  if (expected === undefined || expected <= 0) return ramp
  const remaining = expected - age
  const window = clamp(expected * NEAR_END_SHARE, 3_000, 30_000)
  if (remaining > window) {
    // Sparse in the middle, but never sleep past the start of the near-end window.
    return clamp(Math.min(ramp, remaining - window), MIN_POLL_MS, max)
  }
  // About six looks spread over the window either side of the predicted end.
  if (remaining > -window) return clamp(window / 6, MIN_POLL_MS, max)
  // Overdue: back off again, in proportion to how late the run is.
  return clamp(-remaining / 4, MIN_POLL_MS, max)
}

/** The median duration of a sync's finished runs, in ms; `undefined` when there are none. */
export function expectedDuration(
  runs: readonly { created_at: string; completed_at?: string | null; status: string }[]
): number | undefined {
  const durations = runs
    .filter((run) => run.status === 'completed' && run.completed_at)
    .map((run) => Date.parse(run.completed_at as string) - Date.parse(run.created_at))
    .filter((ms) => Number.isFinite(ms) && ms > 0)
    .sort((a, b) => a - b)
  if (durations.length === 0) return undefined
  const middle = Math.floor(durations.length / 2)
  return durations.length % 2 === 1
    ? durations[middle]
    : (durations[middle - 1] + durations[middle]) / 2
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
