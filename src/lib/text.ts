// Plain-text helpers shared by the log lines, error messages and reports.

import { oneLine, type Redactor } from './log-safety.js'

/** `plural(1, 'policy', 'policies')` → `1 policy`; `plural(2, 'run')` → `2 runs`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}

/**
 * `"a", "b" and 3 more`: each name on one line, quoted, at most `shown` of them. Each is cut, so
 * names from the Platform come here redacted (see `oneLine`).
 */
export function quoteList(names: readonly string[], shown = 20, nameLength = 80): string {
  const quoted = names.slice(0, shown).map((name) => `"${oneLine(name, nameLength)}"`)
  const more = names.length - quoted.length
  return more > 0 ? `${quoted.join(', ')} and ${more} more` : quoted.join(', ')
}

/**
 * A count from untrusted data: a non-negative whole number a double holds exactly. A negative, a
 * fraction, Infinity or a string ("073") is not one, and must never be added up as one.
 */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

/**
 * A short, one-line rendering of a value the Platform sent, for "the Platform answered X": redacted
 * before it is cut.
 */
export function describeValue(value: unknown, redact: Redactor): string {
  return oneLine(redact(typeof value === 'string' ? JSON.stringify(value) : String(value)), 40)
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
