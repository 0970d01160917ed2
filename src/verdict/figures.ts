// Every figure the gate judges, per policy and per severity, computed once: the Platform's count,
// what exceptions suppressed, what is new against the baseline, and what the thresholds counted.
// Every surface (log, outputs, summary, PR comment, annotations, JSON report) reads these and
// never adds anything up again, so no two can disagree. A figure the action could not know is
// `null`, never 0, and so is every sum it is part of.

import type { GateOn, Thresholds } from '../inputs/config.js'
import { isKnownSeverity, SEVERITY_ORDER, type KnownSeverity } from '../lib/severity.js'
import { isCount } from '../lib/text.js'
import type { PolicyResult } from '../policies/outcome.js'
import type { PolicyJudgement } from './resources.js'

/** The figures of a policy, a severity or the total. */
export interface Figures {
  /** The Platform's current count of violating resources; null: it gave none that is a count. */
  violations: number | null
  /** Violating resources outside the `scope`: counted apart, never judged; 0 without a scope. */
  outOfScope: number | null
  /** Violating resources an active exception matched; 0 without exceptions that name the policy. */
  suppressed: number | null
  /** Against the baseline: violating resources not in it, and not suppressed; null without one. */
  new: number | null
  /**
   * What the thresholds count: `violations − outOfScope − suppressed` (`gate-on: all`) or `new`
   * (`gate-on: new`; within the scope only).
   */
  counted: number | null
}

export interface PolicyFigures extends Figures {
  policyId: string
  /** Against the baseline: in it and violating no more; null without one or when not known. */
  fixed: number | null
  /** Against the baseline: in it and still violating. */
  unchanged: number | null
  /** A threshold counts this policy (its severity's, or the total's). */
  judged: boolean
  /** Why a figure of it is unknown, when one is (besides a missing baseline). */
  unknownBecause?: string
}

/** A row of the gate: a known severity, the severities this action does not know, or the total. */
export type RowKey = KnownSeverity | 'other' | 'total'

export type RowStatus = 'breached' | 'within' | 'no-limit' | 'unknown'

export interface GateRow extends Figures {
  key: RowKey
  /** Most counted allowed; undefined: no limit. */
  allowed?: number
  status: RowStatus
}

/** What the per-resource step made of a policy's resources, when they were read. */
export type ResourceFigures = Pick<
  PolicyJudgement,
  'outOfScope' | 'suppressed' | 'new' | 'fixed' | 'unchanged'
>

export interface FigureSettings {
  gateOn: GateOn
  thresholds: Thresholds
  /** A baseline was given: new, fixed and unchanged mean something. */
  compared: boolean
  /** A scope was given: what falls outside it is counted apart. */
  scoped: boolean
  /** Whether an exception of the file names the policy (and so may suppress some of it). */
  namedByException: (policy: PolicyResult) => boolean
  /** How many of the policy's resources the baseline lists. */
  inBaseline: (policyId: string) => number
}

export function policyFigures(
  policy: PolicyResult,
  read: ResourceFigures | undefined,
  settings: FigureSettings
): PolicyFigures {
  const violations = isCount(policy.violations) ? policy.violations : null
  // A policy with no violating resource has none to suppress, nor anything new or unchanged.
  const none = violations === 0
  const comparison = settings.compared ? compareFigures(policy, read, none, settings) : undefined
  const outOfScope = read?.outOfScope ?? (none || !settings.scoped ? 0 : null)
  const suppressed = read?.suppressed ?? (none || !settings.namedByException(policy) ? 0 : null)
  const fresh = comparison?.new ?? null
  const counted =
    settings.gateOn === 'new'
      ? fresh
      : violations === null || suppressed === null || outOfScope === null
        ? null
        : violations - outOfScope - suppressed
  return {
    policyId: policy.id,
    violations,
    outOfScope,
    suppressed,
    new: fresh,
    counted,
    fixed: comparison?.fixed ?? null,
    unchanged: comparison?.unchanged ?? null,
    judged: isJudged(policy.severity, settings.thresholds),
    unknownBecause: unknownBecause(policy, violations, [outOfScope, suppressed, comparison?.new])
  }
}

function compareFigures(
  policy: PolicyResult,
  read: ResourceFigures | undefined,
  none: boolean,
  settings: FigureSettings
): { new: number | null; fixed: number | null; unchanged: number | null } {
  if (read) return { new: read.new, fixed: read.fixed, unchanged: read.unchanged }
  // Nothing violates now: whatever the baseline lists for it was fixed.
  if (none) return { new: 0, fixed: settings.inBaseline(policy.id), unchanged: 0 }
  return { new: null, fixed: null, unchanged: null }
}

/** `perResource`: the figures that need the policy's resources (undefined: not asked for). */
function unknownBecause(
  policy: PolicyResult,
  violations: number | null,
  perResource: readonly (number | null | undefined)[]
): string | undefined {
  if (violations === null) {
    return policy.invalidCount !== undefined
      ? `the Platform's count (${policy.invalidCount}) is not a count`
      : 'the Platform gave no count'
  }
  if (!perResource.includes(null)) return undefined
  if (policy.resourcesUnknown) return policy.resourcesUnknown
  if (policy.stale) return 'its result is stale, so its resources were not read'
  return 'its violating resources were not read (no threshold counts it)'
}

/** Whether a threshold counts a policy of this severity: its own, or the total's. */
function isJudged(severity: string, thresholds: Thresholds): boolean {
  if (thresholds.total !== undefined) return true
  return isKnownSeverity(severity) && thresholds[severity] !== undefined
}

/**
 * The gate's rows: each known severity, most severe first, the severities this action does not
 * know (only when some policy has one), then the total. Each figure is the sum over the row's
 * policies, or null when any of them is unknown.
 */
export function gateRows(
  policies: readonly PolicyResult[],
  figures: Readonly<Record<string, PolicyFigures>>,
  thresholds: Thresholds
): GateRow[] {
  const rowOf = (policy: PolicyResult): RowKey =>
    isKnownSeverity(policy.severity) ? policy.severity : 'other'
  const keys: RowKey[] = [...SEVERITY_ORDER]
  if (policies.some((policy) => rowOf(policy) === 'other')) keys.push('other')
  keys.push('total')
  return keys.map((key) => {
    const members = policies
      .filter((policy) => key === 'total' || rowOf(policy) === key)
      .map((policy) => figures[policy.id])
    const sums = sumFigures(members)
    const allowed = key === 'other' ? undefined : thresholds[key]
    return { key, ...sums, allowed, status: rowStatus(sums.counted, allowed) }
  })
}

function sumFigures(members: readonly Figures[]): Figures {
  const sum = (pick: (figures: Figures) => number | null): number | null => {
    let total = 0
    for (const member of members) {
      const value = pick(member)
      if (value === null) return null
      total += value
    }
    return total
  }
  return {
    violations: sum((f) => f.violations),
    outOfScope: sum((f) => f.outOfScope),
    suppressed: sum((f) => f.suppressed),
    new: sum((f) => f.new),
    counted: sum((f) => f.counted)
  }
}

function rowStatus(counted: number | null, allowed: number | undefined): RowStatus {
  if (allowed === undefined) return 'no-limit'
  if (counted === null) return 'unknown'
  return counted > allowed ? 'breached' : 'within'
}
