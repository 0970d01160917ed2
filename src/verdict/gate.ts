// Stage 5: the gate. A pure function from violation counts and the workflow's thresholds to a
// verdict with its reasons, so every rule is tested without HTTP.

import type { GateOn, Thresholds } from '../inputs/parse.js'
import { KNOWN_SEVERITIES, type KnownSeverity } from '../platform/types.js'

export type SeverityCounts = Record<KnownSeverity, number>

export interface GateInput {
  /** Current violations per severity over the selected policies. */
  violations: SeverityCounts
  /** Violations added since each policy's previous evaluation (for `gate-on: new`). */
  newViolations: SeverityCounts
  /** Violations of policies whose severity this action does not know (counted in the total). */
  unknownSeverityViolations: number
  newUnknownSeverityViolations: number
  thresholds: Thresholds
  gateOn: GateOn
  /** Policies with no evaluation after the run: the gate cannot vouch for them. */
  stalePolicies: number
}

export interface GateRow {
  severity: KnownSeverity | 'total'
  violations: number
  newViolations: number
  /** `undefined`: no limit. */
  allowed?: number
  /** The number compared with `allowed`: all or new violations, as `gate-on` says. */
  counted: number
  breached: boolean
}

export interface GateVerdict {
  verdict: 'pass' | 'fail'
  reasons: string[]
  /** Most severe first, then the total. */
  rows: GateRow[]
}

export const SEVERITY_ORDER: readonly KnownSeverity[] = [...KNOWN_SEVERITIES].reverse()

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0 }
}

export function evaluateGate(input: GateInput): GateVerdict {
  const countNew = input.gateOn === 'new'
  const word = countNew ? 'new ' : ''
  const rows: GateRow[] = SEVERITY_ORDER.map((severity) => {
    const counted = countNew ? input.newViolations[severity] : input.violations[severity]
    const allowed = input.thresholds[severity]
    return {
      severity,
      violations: input.violations[severity],
      newViolations: input.newViolations[severity],
      allowed,
      counted,
      breached: allowed !== undefined && counted > allowed
    }
  })
  const total = sum(input.violations) + input.unknownSeverityViolations
  const newTotal = sum(input.newViolations) + input.newUnknownSeverityViolations
  const totalCounted = countNew ? newTotal : total
  rows.push({
    severity: 'total',
    violations: total,
    newViolations: newTotal,
    allowed: input.thresholds.total,
    counted: totalCounted,
    breached: input.thresholds.total !== undefined && totalCounted > input.thresholds.total
  })

  const reasons = rows
    .filter((row) => row.breached)
    .map((row) =>
      row.severity === 'total'
        ? `${plural(row.counted, `${word}violation`)} in all; at most ${row.allowed} allowed (max-violations)`
        : `${plural(row.counted, `${word}${row.severity} violation`)}; at most ${row.allowed} allowed (max-${row.severity}-violations)`
    )
  if (input.stalePolicies > 0) {
    reasons.push(
      `${plural(input.stalePolicies, 'policy', 'policies')} with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them`
    )
  }
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons, rows }
}

function sum(counts: SeverityCounts): number {
  return SEVERITY_ORDER.reduce((total, severity) => total + counts[severity], 0)
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
