// Retry timing for the Platform client: exponential back-off with full jitter, and the server's
// own `Retry-After` when it gives one. Pure, so the schedule tests without a clock.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry. */
  baseMs: number
  /** No single delay grows beyond this. */
  capMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 10_000 }

/**
 * Full jitter (a uniformly random delay in [0, min(cap, base * 2^attempt)]) spreads the retries of
 * many runners that failed together, so they do not return to the Platform in one burst.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt))
  return Math.floor(random() * ceiling)
}

/**
 * Reads `Retry-After` (delta-seconds or an HTTP-date) as milliseconds from `nowMs`;
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}
