// What the stage knows of each selected policy while it works: its result so far, the Platform's
// latest evaluation, and (with a run) the last evaluation from before the run. A result is current
// when it can be vouched for under the evaluation mode.

import type { PolicyEvaluationMode } from '../inputs/config.js'
import type { Policy } from '../platform/types.js'
import type { PolicyResult } from './outcome.js'
import { normaliseSeverity } from '../lib/severity.js'
import type { Redactor } from '../lib/log-safety.js'
import { describeValue, isCount } from '../lib/text.js'

/** One evaluation of a policy, as a listing or its history showed it. */
export interface Evaluation {
  count?: number
  runAt: string
}

export interface Tracked {
  result: PolicyResult
  /** The Platform's latest evaluation as last listed; undefined: never evaluated. */
  latest?: Evaluation
  /**
   * With a run: the last evaluation at or before it, once a listing showed it (null: the listing
   * showed no evaluation at all, so there is none).
   */
  preRun?: Evaluation | null
  /** Its SQL, as the selection's listing gave it: what its tables are learned from. */
  query?: string
}

/** Without a run there is nothing to wait for, so `auto` and `wait` take the latest results. */
export function effectiveMode(mode: PolicyEvaluationMode, hasRun: boolean): PolicyEvaluationMode {
  return !hasRun && (mode === 'auto' || mode === 'wait') ? 'latest' : mode
}

export function track(policy: Policy, redact: Redactor, freshAfter?: string): Tracked {
  const query = typeof policy.query === 'string' ? policy.query : undefined
  const tracked: Tracked = { result: resultFrom(policy, redact), query }
  observe(tracked, policy, redact, freshAfter)
  return tracked
}

/** Takes in a listing's view of a policy. */
export function observe(
  tracked: Tracked,
  policy: Policy,
  redact: Redactor,
  freshAfter?: string
): void {
  tracked.result = resultFrom(policy, redact)
  tracked.latest = policy.run_at
    ? { count: countOf(policy.violation_count), runAt: policy.run_at }
    : undefined
  if (freshAfter === undefined) return
  if (tracked.latest === undefined) tracked.preRun ??= null
  else if (!isAfter(tracked.latest.runAt, freshAfter)) tracked.preRun = tracked.latest
}

/**
 * The name and severity are redacted here, once: warnings and the verdict quote them cut to a
 * line, and a cut can split the key so that nothing recognises the rest of it.
 */
function resultFrom(policy: Policy, redact: Redactor): PolicyResult {
  return {
    id: policy.id,
    name: redact(policy.name),
    severity: normaliseSeverity(redact(policy.severity)),
    domain: policy.domain,
    queryId: policy.query_id,
    groups: policy.policy_groups?.map((group) => group.name) ?? [],
    violations: countOf(policy.violation_count),
    invalidCount: invalidCountOf(policy.violation_count, redact),
    evaluatedAt: policy.run_at ?? undefined,
    source: 'evaluation',
    stale: false,
    samples: []
  }
}

/** A violation count, or undefined when absent or not a count (then the result is stale). */
export function countOf(value: unknown): number | undefined {
  return isCount(value) ? value : undefined
}

function invalidCountOf(value: unknown, redact: Redactor): string | undefined {
  if (value === null || value === undefined || isCount(value)) return undefined
  return describeValue(value, redact)
}

export function isAfter(time: string, reference: string): boolean {
  return Date.parse(time) > Date.parse(reference)
}

/** Whether the policy's count can be vouched for under the mode (executed, or evaluated in time). */
export function hasCurrentResult(
  t: Tracked,
  mode: PolicyEvaluationMode,
  freshAfter?: string
): boolean {
  if (t.result.source === 'executed') return true
  if (t.result.violations === undefined) return false
  if (mode === 'latest') return true
  return freshAfter !== undefined && t.latest !== undefined && isAfter(t.latest.runAt, freshAfter)
}

/**
 * The Platform evaluated the policy after the run, and its count is not one to believe (negative,
 * fractional, text, none): waiting for another evaluation cannot fix it, so it is unknown at once.
 */
export function evaluatedUnbelievably(t: Tracked, freshAfter?: string): boolean {
  return (
    freshAfter !== undefined &&
    t.result.source !== 'executed' &&
    t.latest !== undefined &&
    t.latest.count === undefined &&
    isAfter(t.latest.runAt, freshAfter)
  )
}
