// The previous evaluation of each policy (with a run, the last evaluation at or before it): the
// change of the count shown in the reports, for information only. What is new is judged per
// resource against the baseline file, never from this count.

import type { PlatformClient } from '../platform/client.js'
import type { PolicyResult } from './outcome.js'
import { countOf, type Evaluation, type Tracked } from './tracked.js'

/**
 * The history answers newest first, up to `end_time`: with a run the first entry is the previous one,
 * without one the second (the first is the latest evaluation itself).
 */
const HISTORY_PAGE_SIZE = 2

/**
 * The previous evaluation, when the stage has already seen it (null: there is none); undefined when
 * it must be looked up. With a run it is the last evaluation at or before the run; without, the
 * evaluation before the reported result.
 */
export function knownPrevious(t: Tracked, freshAfter?: string): Evaluation | null | undefined {
  if (freshAfter !== undefined) return t.preRun
  if (t.result.source === 'executed') return t.latest ?? null
  return t.latest === undefined ? null : undefined
}

export async function lookUpPrevious(
  client: PlatformClient,
  t: Tracked,
  freshAfter?: string
): Promise<Evaluation | null> {
  const bound = freshAfter ?? t.latest?.runAt
  if (bound === undefined) return null
  const limit = Date.parse(bound)
  const inRange = (at: number): boolean => (freshAfter !== undefined ? at <= limit : at < limit)
  const history = await client.listPolicyEvaluations(
    t.result.id,
    { endTime: bound },
    HISTORY_PAGE_SIZE
  )
  let best: Evaluation | null = null
  for (const entry of history.items) {
    const at = Date.parse(entry.run_at)
    if (inRange(at) && (best === null || at > Date.parse(best.runAt))) {
      best = { count: countOf(entry.violation_count), runAt: entry.run_at }
    }
  }
  return best
}

export function applyPrevious(result: PolicyResult, previous: Evaluation | null): void {
  if (!result.stale) result.previousViolations = previous?.count
}
