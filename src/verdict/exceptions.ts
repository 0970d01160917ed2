// Exceptions: which entries of the exceptions file may suppress anything today, and which violating
// resources an entry matches. Pure: "today" is a value, so the same file judges alike on a re-run.

import type { ExceptionEntry } from '../inputs/config.js'
import { globMatcher } from '../lib/glob.js'
import type { PolicyResult, ViolatingResource } from '../policies/outcome.js'

/** An entry expiring within this many days gets a warning. */
const EXPIRING_SOON_DAYS = 14
const DAY_MS = 86_400_000

export type ExceptionState = 'active' | 'expired' | 'too-long' | 'invalid'

export interface ExceptionStatus {
  entry: ExceptionEntry
  state: ExceptionState
  /** Why the entry suppresses nothing; absent when active. */
  problem?: string
  /** Active and expiring within EXPIRING_SOON_DAYS days. */
  expiringSoon: boolean
  /** Resources it suppressed. */
  matched: number
}

/** `today`: `YYYY-MM-DD`. */
export function judgeEntry(entry: ExceptionEntry, today: string, maxDays: number): ExceptionStatus {
  const status = (state: ExceptionState, problem?: string): ExceptionStatus => ({
    entry,
    state,
    problem,
    expiringSoon: false,
    matched: 0
  })
  if (entry.problems.length > 0) return status('invalid', entry.problems.join('; '))
  const expires = entry.expires!
  if (expires < today) return status('expired', `expired on ${expires}`)
  const limit = addDays(today, maxDays)
  if (expires > limit) {
    return status(
      'too-long',
      `expires on ${expires}, more than ${maxDays} days from today (max-exception-days; at most ${limit})`
    )
  }
  return { ...status('active'), expiringSoon: expires <= addDays(today, EXPIRING_SOON_DAYS) }
}

/** Whether an entry names the policy (by id or name). */
export function namesPolicy(entry: ExceptionEntry, policy: PolicyResult): boolean {
  return entry.policy === policy.id || entry.policy === policy.name
}

/**
 * A matcher of resources for an entry: every kind of matcher it has must match (within a kind, any
 * one of its values); an entry with none covers the whole policy.
 */
export function resourceMatcher(entry: ExceptionEntry): (resource: ViolatingResource) => boolean {
  const resources = globMatcher(entry.resources)
  const accounts = globMatcher(entry.accounts)
  const regions = globMatcher(entry.regions)
  const tags = entry.tags.map(tagOf)
  return (r) =>
    (resources(r.name) || resources(r.platformId)) &&
    (accounts(r.accountName) || (r.accountId !== undefined && accounts(r.accountId))) &&
    regions(r.region) &&
    (tags.length === 0 ||
      r.tags.some((text) => {
        const tag = tagOf(text)
        return tags.some(
          (want) => want.key === tag.key && (want.value === undefined || want.value === tag.value)
        )
      }))
}

/** `key=value`, `key:value` (as many tags arrive) or a bare `key`. */
function tagOf(text: string): { key: string; value?: string } {
  const at = text.search(/[=:]/)
  return at === -1 ? { key: text } : { key: text.slice(0, at), value: text.slice(at + 1) }
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}
