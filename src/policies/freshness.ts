// Freshness: wait until every selected policy has been evaluated after the run, re-reading only the
// freshly evaluated ones, and execute the saved queries of those that were not.

import { formatDuration } from '../lib/duration.js'
import { pollUntil } from '../lib/poll.js'
import { nextPollDelay } from '../lib/poll-schedule.js'
import { describeValue, isCount, plural } from '../lib/text.js'
import { PlatformError, type PolicyListFilters } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import type { Policy } from '../platform/types.js'
import { listPolicies } from './listing.js'
import { forEachPolicy } from './per-policy.js'
import { isAfter, observe, type Tracked } from './tracked.js'

/** Saved queries run at once: each one is real work for the Platform's database. */
const EXECUTE_CONCURRENCY = 8
const EVALUATION_POLL_MAX_MS = 15_000
/**
 * `auto` stops waiting once no selected policy has been re-evaluated for this long: a Platform that
 * evaluates after ingestion shows progress well within it, and executing the rest beats waiting out
 * `evaluation-timeout` on one that never will.
 */
export const AUTO_PATIENCE_MS = 90_000

interface WaitPlan {
  freshAfter: string
  timeoutMs: number
  /** `auto`: give up early when the Platform shows no progress (see AUTO_PATIENCE_MS). */
  patient: boolean
}

/** Polls until every selected policy is current; returns the time waited. */
export async function awaitEvaluations(
  tracked: Tracked[],
  isCurrent: (t: Tracked) => boolean,
  refresh: () => Promise<void>,
  plan: WaitPlan,
  deps: StageDeps
): Promise<number> {
  const { clock, log } = deps
  const pending = (): number => tracked.filter((t) => !isCurrent(t)).length
  let waiting = pending()
  if (waiting === 0) return 0
  log.info(
    `Waiting up to ${formatDuration(plan.timeoutMs)} for ${plural(waiting, 'policy', 'policies')} to be evaluated after the run completed (${plan.freshAfter}).`
  )
  let progressAt = clock.now()
  // The selection's listing was the first look, so the first check only counts.
  let looked = false
  const result = await pollUntil({
    clock,
    signal: deps.signal,
    timeoutMs: plan.timeoutMs,
    check: async () => {
      if (looked) await refresh()
      looked = true
      const left = pending()
      if (left < waiting) {
        log.info(`${tracked.length - left} of ${tracked.length} policies evaluated after the run.`)
        waiting = left
        progressAt = clock.now()
      }
      return left
    },
    isDone: (left) => left === 0 || (plan.patient && clock.now() - progressAt >= AUTO_PATIENCE_MS),
    nextDelay: (_left, elapsedMs) =>
      nextPollDelay({
        elapsedMs,
        maxIntervalMs: EVALUATION_POLL_MAX_MS,
        awaitingIngestion: false,
        streamOpen: false
      })
  })
  const waited = formatDuration(result.elapsedMs)
  if (waiting === 0)
    log.info(`Every selected policy was evaluated after the run (waited ${waited}).`)
  else
    log.info(
      `${plural(waiting, 'policy', 'policies')} not evaluated after the run within ${waited}${plan.patient ? '; executing their saved queries instead' : ''}.`
    )
  return result.elapsedMs
}

/**
 * Re-reads the policies evaluated since the run, freshest first, and stops at the first page that
 * reaches back to before the run: one request while the Platform has evaluated nothing yet, and
 * about one read of each policy once it has. Never-evaluated policies (null `run_at`, sorted first
 * or last depending on the database) do not end the walk.
 */
export async function readFreshEvaluations(
  { client, redact }: StageDeps,
  filters: PolicyListFilters,
  byId: Map<string, Tracked>,
  freshAfter: string
): Promise<void> {
  const reachesBack = (items: Policy[]): boolean =>
    items.some((p) => p.run_at != null && !isAfter(p.run_at, freshAfter))
  const fresh = await listPolicies(client, filters, { by: 'last_run_at', dir: 'desc' }, reachesBack)
  for (const policy of fresh) {
    const t = byId.get(policy.id)
    if (t) observe(t, policy, redact, freshAfter)
  }
}

export async function executeQueries(items: Tracked[], deps: StageDeps): Promise<string[]> {
  const { client, clock, log, redact } = deps
  log.info(`Executing the saved queries of ${plural(items.length, 'policy', 'policies')}.`)
  return forEachPolicy(
    items,
    (t) => t.result.name,
    async (t) => {
      const answer = await client.executeQuery(t.result.queryId, 1)
      const count = answer.metadata?.total_count
      if (!isCount(count)) {
        throw new PlatformError(
          `the answer's metadata.total_count is ${describeValue(count, redact)}, not a count`,
          'invalid-response',
          `POST /queries/${t.result.queryId}/execute`
        )
      }
      t.result.violations = count
      t.result.source = 'executed'
      t.result.evaluatedAt = new Date(clock.now()).toISOString()
    },
    EXECUTE_CONCURRENCY
  )
}
