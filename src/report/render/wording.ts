// Sentences more than one surface says the same way (the summary, the PR comment, annotations).

import type { ExceptionStatus } from '../../verdict/exceptions.js'

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
