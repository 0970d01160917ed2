// Exceptions: which entries of the exceptions file may suppress anything today, and which violating
// resources an entry matches. Pure: "today" is a value, so the same file judges alike on a re-run.

import type { ExceptionEntry, ResourceMatchers } from '../inputs/config.js'
import { globMatcher } from '../lib/glob.js'
import type { PolicyResult, ViolatingResource } from '../policies/outcome.js'

/** An entry expiring within this many days gets a warning. */
const EXPIRING_SOON_DAYS = 14
const DAY_MS = 86_400_000

export type ExceptionState = 'active' | 'expired' | 'too-long' | 'invalid' | 'ambiguous'

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
 * An entry whose policy name several selected policies share (of different severities, say) could
 * suppress a critical one its author never meant: it suppresses nothing and asks for the id.
 */
export function ambiguity(
  status: ExceptionStatus,
  policies: readonly PolicyResult[]
): ExceptionStatus {
  const { entry } = status
  if (status.state !== 'active' || policies.some((policy) => policy.id === entry.policy)) {
    return status
  }
  const named = policies.filter((policy) => policy.name === entry.policy)
  if (named.length < 2) return status
  const ids = named.slice(0, 5).map((policy) => policy.id)
  return {
    ...status,
    state: 'ambiguous',
    expiringSoon: false,
    problem: `the name "${entry.policy}" is shared by ${named.length} selected policies (ids ${ids.join(', ')}${named.length > ids.length ? ', …' : ''}): give the id of the one it is for`
  }
}

/**
 * A matcher of resources for an entry (or the scope): every kind of matcher it has must match
 * (within a kind, any one of its values); an entry with none covers the whole policy.
 */
export function resourceMatcher(entry: ResourceMatchers): (resource: ViolatingResource) => boolean {
  const resources = globMatcher(entry.resources)
  const accounts = globMatcher(entry.accounts)
  const regions = globMatcher(entry.regions)
  const tags = entry.tags.map(wantedTagOf)
  return (r) =>
    (resources(r.name) || (r.platformId !== undefined && resources(r.platformId))) &&
    (accounts(r.accountName) || (r.accountId !== undefined && accounts(r.accountId))) &&
    regions(r.region) &&
    (tags.length === 0 || r.tags.some((text) => tags.some((want) => tagMatches(text, want))))
}

/**
 * A resource's tag: `key=value` (a key may hold `:`, as in `aws:cloudformation:stack-name=prod`),
 * or, without `=`, `key:value` split at its last `:` (as many tags arrive), or a bare `key`.
 */
function resourceTagOf(text: string): { key: string; value?: string } {
  const equals = text.indexOf('=')
  if (equals !== -1) return { key: text.slice(0, equals), value: text.slice(equals + 1) }
  const colon = text.lastIndexOf(':')
  return colon === -1 ? { key: text } : { key: text.slice(0, colon), value: text.slice(colon + 1) }
}

/** An exception's tag: `key` or `key=value`, as the exceptions file documents; `:` is the key's. */
function wantedTagOf(text: string): { key: string; value?: string } {
  const equals = text.indexOf('=')
  return equals === -1
    ? { key: text }
    : { key: text.slice(0, equals), value: text.slice(equals + 1) }
}

function tagMatches(text: string, want: { key: string; value?: string }): boolean {
  // A tag written whole as the wanted key (`aws:cloudformation:stack-name`) is that key.
  if (want.value === undefined && text === want.key) return true
  const tag = resourceTagOf(text)
  return tag.key === want.key && (want.value === undefined || tag.value === want.value)
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}
