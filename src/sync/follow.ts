// Following a run to its end, for a managed run and a CLI run alike: an adaptive schedule of status
// looks (quick at first, sparse in the middle, quick near the predicted end and each second while
// the data is ingested), a progress line now and then, the deadline (a look that does not answer
// by then gives way to the last state seen), and the workflow's cancellation. Only where the state
// comes from, what "finished" and "ingesting" mean, and the live log stream of a managed run that
// wakes the loop, differ between the two.

import { pollUntil, readBefore, type Waker } from '../lib/poll.js'
import { nextPollDelay } from '../lib/poll-schedule.js'
import type { StageDeps } from '../platform/deps.js'
import { progressReporter, type ProgressSnapshot } from './progress.js'
import { runAge } from './run-status.js'

/** One kind of run, as the loop sees it. */
export interface RunSource<T> {
  /** Reads the run's current state: one status request. */
  read: () => Promise<T>
  /** Ended for good: its data ingested, or failed. */
  isFinished: (state: T) => boolean
  /** Ended, only its data's ingestion awaited: looked at each second. */
  isIngesting: (state: T) => boolean
  progress: (state: T) => ProgressSnapshot
  createdAt: (state: T) => string
  /** A managed run's live log stream, whose end wakes the loop for a look at once. */
  stream?: LiveStream<T>
}

export interface LiveStream<T> {
  /** Woken by the end of the stream, however it ends: the loop looks at once. */
  readonly waker: Waker
  /** Open, or being opened: its end will wake the loop, so status looks can be sparse. */
  readonly open: boolean
  /** A look saw `state`: open the stream when there is reason to, close it once the run ended. */
  seen(state: T): void
  stop(): void
}

export interface FollowPlan {
  timeoutMs: number
  /** The `poll-interval` input: no delay is longer. */
  pollIntervalMs: number
  /** How long such runs take (the median of earlier ones), when known. */
  expectedMs?: number
}

export interface Followed<T> {
  kind: 'done' | 'timeout' | 'aborted'
  /** The last state seen. */
  last: T
  elapsedMs: number
  /** Status requests made (the state known on arrival was the first look). */
  statusChecks: number
  /** The last moment a look saw the run still ingesting its data. */
  ingestingAt?: number
}

/**
 * Follows the run from `first` (the state starting or finding it answered a moment ago: the first
 * look, so the first request waits for the schedule) until it is finished, the plan's timeout
 * passes or the workflow is cancelled. `onSeen` hears of each state seen. A Platform that cannot be
 * talked to throws.
 */
export async function followRun<T>(
  source: RunSource<T>,
  first: T,
  plan: FollowPlan,
  deps: StageDeps,
  onSeen: (state: T) => void
): Promise<Followed<T>> {
  const { clock } = deps
  const deadline = clock.now() + plan.timeoutMs
  const report = progressReporter(deps.log, clock, deps.redact)
  let known: T | undefined = first
  let last = first
  let statusChecks = 0
  let ingestingAt: number | undefined
  try {
    const result = await pollUntil<T>({
      clock,
      waker: source.stream?.waker,
      signal: deps.signal,
      timeoutMs: plan.timeoutMs,
      check: async () => {
        if (known !== undefined) {
          const state = known
          known = undefined
          return state
        }
        statusChecks++
        return readBefore(source.read, last, deadline, clock)
      },
      isDone: source.isFinished,
      onValue: (state, elapsedMs) => {
        last = state
        if (source.isIngesting(state)) ingestingAt = clock.now()
        onSeen(state)
        report(source.progress(state), elapsedMs)
        source.stream?.seen(state)
      },
      nextDelay: schedule(source, plan, runAge(source.createdAt(first), clock.now()))
    })
    const lastSeen = 'value' in result ? result.value : result.last
    return {
      kind: result.kind,
      last: lastSeen,
      elapsedMs: result.elapsedMs,
      statusChecks,
      ingestingAt
    }
  } finally {
    source.stream?.stop()
  }
}

/**
 * When to look next: quick at first, sparse in the middle, quick near the end the plan predicts
 * and each second while the data is ingested; sparse while a live log stream will wake the loop.
 */
function schedule<T>(
  source: RunSource<T>,
  plan: FollowPlan,
  ageAtStart: number | undefined
): (state: T, elapsedMs: number) => number {
  return (state, elapsedMs) =>
    nextPollDelay({
      elapsedMs,
      runAgeMs: ageAtStart === undefined ? undefined : ageAtStart + elapsedMs,
      expectedDurationMs: plan.expectedMs,
      maxIntervalMs: plan.pollIntervalMs,
      awaitingIngestion: source.isIngesting(state),
      streamOpen: source.stream?.open ?? false
    })
}
