// Sentences more than one surface says the same way (the summary, the PR comment, annotations).

import { plural } from '../../lib/text.js'
import type { ExceptionStatus } from '../../verdict/exceptions.js'

const HOUR_MS = 3_600_000

/** `line 12 (policy "x"): expired on 2026-01-01, suppresses nothing`. */
export function entryNote(status: ExceptionStatus): string {
  const { entry, state, problem, matched, expiringSoon } = status
  const what =
    state !== 'active'
      ? `${state === 'invalid' ? 'invalid' : state === 'expired' ? 'expired' : 'too long'}: ${problem ?? ''}; it suppresses nothing`
      : matched === 0
        ? 'unused: it matched no violating resource; remove it if the finding is gone'
        : expiringSoon
          ? `expires soon (${entry.expires ?? ''}): renew it or fix the finding`
          : `suppressed ${matched}`
  return `line ${entry.line}${entry.policy ? ` (policy "${entry.policy}")` : ''}: ${what}`
}

/** Whole hours from `createdAt` to `now` (never negative: a clock ahead of GitHub's is not news). */
export function baselineAgeHours(createdAt: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(createdAt)) / HOUR_MS))
}

/** `5 hours`, `3 days`: a baseline artifact's age, in the unit a reader weighs it in. */
export function describeAge(hours: number): string {
  return hours < 48 ? plural(hours, 'hour') : plural(Math.floor(hours / 24), 'day')
}
