// The last line of defence for the API key in everything the action writes outside its log. The
// runner masks registered secrets in the log only; the summary, the report file, annotations,
// outputs and PR comments are ours to clean.

import type { Redactor } from '../lib/log-safety.js'

/** A copy of `value` with every string in it redacted. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])
    ) as T
  }
  return value
}

/**
 * Builds from a redacted copy of `input`, then redacts what was built as well. Both passes are
 * needed: escaping can split a secret (`a_b` becomes `a\_b`) so that a pass over the output alone
 * misses it, and text composed while building is only seen by the second pass.
 */
export function redacted<T, R>(input: T, redact: Redactor, build: (safe: T) => R): R {
  return redactDeep(build(redactDeep(input, redact)), redact)
}
