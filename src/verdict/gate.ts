// The gate: a pure function from violation counts and the workflow's thresholds to a verdict with
// its reasons, so every rule is tested without HTTP.

import type { GateOn, Thresholds } from '../inputs/config.js'
import {
  SEVERITY_ORDER,
  totalViolations,
  type KnownSeverity,
  type SeverityCounts
} from '../lib/severity.js'
import { plural } from '../lib/text.js'

export interface GateInput {
  /** Current violations per severity over the selected policies, suppressed ones left out. */
  violations: SeverityCounts
  /** Violating resources not in the baseline file and not suppressed (for `gate-on: new`). */
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

export function evaluateGate(input: GateInput): GateVerdict {
  const countNew = input.gateOn === 'new'
  const rows: GateRow[] = SEVERITY_ORDER.map((severity) =>
    gateRow(severity, input.violations[severity], input.newViolations[severity])
  )
  rows.push(
    gateRow(
      'total',
      totalViolations(input.violations, input.unknownSeverityViolations),
      totalViolations(input.newViolations, input.newUnknownSeverityViolations)
    )
  )
  const reasons = rows.filter((row) => row.breached).map((row) => breachReason(row, countNew))
  if (input.stalePolicies > 0) {
    reasons.push(
      `${plural(input.stalePolicies, 'policy', 'policies')} with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them`
    )
  }
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons, rows }

  function gateRow(severity: GateRow['severity'], violations: number, newViolations: number) {
    const counted = countNew ? newViolations : violations
    const allowed = input.thresholds[severity]
    const breached = allowed !== undefined && counted > allowed
    return { severity, violations, newViolations, allowed, counted, breached }
  }
}

function breachReason(row: GateRow, countNew: boolean): string {
  const word = countNew ? 'new ' : ''
  return row.severity === 'total'
    ? `${plural(row.counted, `${word}violation`)} in all; at most ${row.allowed} allowed (max-violations)`
    : `${plural(row.counted, `${word}${row.severity} violation`)}; at most ${row.allowed} allowed (max-${row.severity}-violations)`
}
