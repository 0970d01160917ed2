// A generic poll loop (after Codex-/await-remote-run): it takes its clock and sleep from the caller,
// so tests run a 60-minute wait in milliseconds, and it reports timeouts and aborts as results
// rather than exceptions. A `Waker` lets an outside event (the end of the live log stream) cut the
// current sleep short so that the next check happens at once.

import { setTimeout as delay } from 'node:timers/promises'

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export interface Clock {
  now: () => number
  /** Resolves after `ms`, or early (without error) when `signal` aborts; leaves no timer behind. */
  sleep: Sleep
}

/** Longest delay Node's timers hold (2^31 − 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A sleep that ends early, without error, when `signal` aborts, and clears its timer either way. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(Math.min(Math.max(0, ms), MAX_TIMER_MS), undefined, { signal }).catch(
    (error: unknown) => {
      if (!signal?.aborted) throw error
    }
  )
}

export const systemClock: Clock = { now: () => Date.now(), sleep: abortableSleep }

/** Cuts the poll loop's current (or next) sleep short. */
export class Waker {
  private controller = new AbortController()
  private pending = false

  wake(): void {
    this.pending = true
    this.controller.abort()
  }

  /** The signal for one sleep; already aborted when a wake came between sleeps. */
  nextSignal(): AbortSignal {
    if (this.pending) {
      this.pending = false
      return AbortSignal.abort()
    }
    if (this.controller.signal.aborted) this.controller = new AbortController()
    return this.controller.signal
  }

  /** Consumes a wake that cut a sleep short, so it does not also skip the following one. */
  settle(): void {
    this.pending = false
  }
}

export interface PollOptions<T> {
  check: () => Promise<T>
  isDone: (value: T) => boolean
  /** Delay before the next check, given the last value and the time waited so far. */
  nextDelay: (value: T, elapsedMs: number) => number
  timeoutMs: number
  clock: Clock
  waker?: Waker
  /** Aborting stops the loop after the current check. */
  signal?: AbortSignal
  onValue?: (value: T, elapsedMs: number) => void
}

export type PollResult<T> =
  | { kind: 'done'; value: T; elapsedMs: number; checks: number }
  | { kind: 'timeout'; last: T; elapsedMs: number; checks: number }
  | { kind: 'aborted'; last: T; elapsedMs: number; checks: number }

export async function pollUntil<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const { clock, waker } = options
  const startedAt = clock.now()
  for (let checks = 1; ; checks++) {
    const value = await options.check()
    const elapsedMs = clock.now() - startedAt
    options.onValue?.(value, elapsedMs)
    if (options.isDone(value)) return { kind: 'done', value, elapsedMs, checks }
    if (options.signal?.aborted) return { kind: 'aborted', last: value, elapsedMs, checks }
    const remaining = options.timeoutMs - elapsedMs
    if (remaining <= 0) return { kind: 'timeout', last: value, elapsedMs, checks }
    const delay = Math.max(0, Math.min(options.nextDelay(value, elapsedMs), remaining))
    await clock.sleep(delay, anySignal(waker?.nextSignal(), options.signal))
    waker?.settle()
  }
}

/**
 * `promise`'s value, or `undefined` when `ms` of `clock` time pass first (the promise is left to
 * settle on its own): a wait with a deadline must not wait on a request that does not answer.
 */
export async function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
  clock: Clock
): Promise<T | undefined> {
  const timer = new AbortController()
  const expired = clock.sleep(Math.max(0, ms), timer.signal).then(() => undefined)
  try {
    return await Promise.race([promise, expired])
  } finally {
    timer.abort()
  }
}

/**
 * `read()`'s value, or `fallback` when `deadline` (a `clock` instant) comes first (a silent or
 * trickling server) or the read fails after it: a wait must end on time with the last value seen.
 */
export async function readBefore<T>(
  read: () => Promise<T>,
  fallback: T,
  deadline: number,
  clock: Clock
): Promise<T> {
  const reading = read().catch((error: unknown) => {
    if (clock.now() < deadline) throw error
    return undefined
  })
  return (await settleWithin(reading, deadline - clock.now(), clock)) ?? fallback
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined)
  if (present.length <= 1) return present[0]
  return AbortSignal.any(present)
}
