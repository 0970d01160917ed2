// Per-policy requests (execute, history, samples) with bounded concurrency, where one policy's
// failure costs only that policy and ends up in one aggregated warning.

import { mapWithConcurrency } from '../lib/concurrency.js'
import { oneLine } from '../lib/log-safety.js'
import { plural } from '../lib/text.js'
import { PlatformError } from '../platform/client.js'

/** History and sample requests in flight at once. */
const DETAIL_CONCURRENCY = 6

/**
 * Runs `fn` for each policy with bounded concurrency. A Platform error only skips that policy and
 * is returned, as text, for one aggregated warning; anything else is a bug and propagates.
 */
export async function forEachPolicy<T>(
  items: readonly T[],
  nameOf: (item: T) => string,
  fn: (item: T) => Promise<void>,
  limit = DETAIL_CONCURRENCY
): Promise<string[]> {
  const failures: string[] = []
  await mapWithConcurrency(items, limit, async (item) => {
    try {
      await fn(item)
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      failures.push(`"${oneLine(nameOf(item), 80)}": ${error.message}`)
    }
  })
  return failures
}

/** One warning for the policies a request failed for: the first three, and how many more. */
export function failureWarning(what: string, failures: string[]): string[] {
  if (failures.length === 0) return []
  const shown = failures.slice(0, 3).join('; ')
  const more = failures.length > 3 ? `; and ${failures.length - 3} more` : ''
  return [`${what} of ${plural(failures.length, 'policy', 'policies')}: ${shown}${more}`]
}
