// The last line of defence for the API key in everything the action writes outside its log. The
// runner masks registered secrets in the log only; the summary, the report file, annotations,
// outputs and PR comments are ours to clean.

import type { Redactor } from '../../lib/log-safety.js'

/**
 * `value` with every string in it redacted, keys included (a map the Platform keys, such as an
 * external sync's `table_progress`, is text it chose). What holds no secret is returned as it is, not copied:
 * a report of 10,000 policies is rendered several times, and copying it whole each time is most of
 * the reports' memory. Nothing renders by changing what it was given, so sharing is safe. Objects
 * other than plain ones and arrays are copied into plain ones, as they always were.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return redactArray(value, redact) as T
  if (value !== null && typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)])
      ) as T
    }
    let copy: Record<string, unknown> | undefined
    for (const [key, item] of Object.entries(value)) {
      const safe = redactDeep(item, redact)
      const safeKey = redact(key)
      if (safe === item && safeKey === key) continue
      copy ??= { ...(value as Record<string, unknown>) }
      if (safeKey === key) {
        copy[key] = safe
        continue
      }
      delete copy[key]
      copy[unusedKey(copy, safeKey)] = safe
    }
    return (copy ?? value) as T
  }
  return value
}

/** `key`, or `key (2)`, `key (3)`…: a redacted key never overwrites another entry. */
function unusedKey(object: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(object, key)) return key
  let n = 2
  while (Object.hasOwn(object, `${key} (${n})`)) n++
  return `${key} (${n})`
}

function redactArray(value: readonly unknown[], redact: Redactor): unknown[] {
  let copy: unknown[] | undefined
  for (let i = 0; i < value.length; i++) {
    const safe = redactDeep(value[i], redact)
    if (safe !== value[i]) (copy ??= [...value])[i] = safe
  }
  return copy ?? (value as unknown[])
}

/**
 * Builds from a redacted copy of `input`, then redacts what was built as well. Both passes are
 * needed: escaping can split a secret (`a_b` becomes `a\_b`) so that a pass over the output alone
 * misses it, and text composed while building is only seen by the second pass.
 */
export function redacted<T, R>(input: T, redact: Redactor, build: (safe: T) => R): R {
  return redactDeep(build(redactDeep(input, redact)), redact)
}
