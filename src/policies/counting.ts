// Counting: violations per severity over the selected policies, the warnings about counts the gate
// cannot use as they are, and the stage's one-line summary for the log.

import { oneLine } from '../lib/log-safety.js'
import {
  addUpBySeverity,
  isKnownSeverity,
  SEVERITY_ORDER,
  totalViolations,
  type SeverityCounts
} from '../lib/severity.js'
import { plural, quoteList } from '../lib/text.js'
import type { Thresholds } from '../inputs/config.js'
import type { PolicyResult } from './outcome.js'

export interface Tally {
  violations: SeverityCounts
  unknownSeverityViolations: number
}

/** Whether a threshold counts a policy of this severity: its own, or the total's. */
export function countedByThresholds(severity: string, thresholds: Thresholds): boolean {
  if (thresholds.total !== undefined) return true
  return isKnownSeverity(severity) && thresholds[severity] !== undefined
}

export function tally(policies: readonly PolicyResult[]): Tally {
  const { counts, unknown } = addUpBySeverity(policies, (p) => p.violations ?? 0)
  return { violations: counts, unknownSeverityViolations: unknown }
}

export function unknownSeverityWarning(policies: PolicyResult[]): string[] {
  const bySeverity = new Map<string, { policies: number; violations: number }>()
  for (const p of policies) {
    if (isKnownSeverity(p.severity)) continue
    const entry = bySeverity.get(p.severity) ?? { policies: 0, violations: 0 }
    entry.policies++
    entry.violations += p.violations ?? 0
    bySeverity.set(p.severity, entry)
  }
  if (bySeverity.size === 0) return []
  const details = [...bySeverity]
    .map(
      ([severity, entry]) =>
        `"${oneLine(String(severity), 40)}": ${plural(entry.policies, 'policy', 'policies')}, ${plural(entry.violations, 'violation')}`
    )
    .join('; ')
  return [
    `Policies with a severity this action does not know (${details}): their violations count toward the total (max-violations) only.`
  ]
}

export function missingCountWarning(policies: PolicyResult[]): string[] {
  const invalid = policies.filter((p) => p.invalidCount !== undefined)
  const missing = policies.filter((p) => p.violations === undefined && p.invalidCount === undefined)
  const warnings = invalid.map(
    (p) =>
      `The Platform answered ${p.invalidCount} as the violation count of "${oneLine(p.name, 80)}", which is not a count: its result is unknown, never 0.`
  )
  if (missing.length === 0) return warnings
  return [
    ...warnings,
    `No violation count (never evaluated?) for ${plural(missing.length, 'policy', 'policies')}, so treated as stale: ${quoteList(missing.map((p) => p.name))}.`
  ]
}

export function summaryLine(policies: PolicyResult[], counts: Tally): string {
  const bySeverity = SEVERITY_ORDER.map((s) => `${counts.violations[s]} ${s}`)
  if (counts.unknownSeverityViolations > 0) {
    bySeverity.push(`${counts.unknownSeverityViolations} of unknown severity`)
  }
  const total = totalViolations(counts.violations, counts.unknownSeverityViolations)
  const violating = policies.filter((p) => (p.violations ?? 0) > 0).length
  const stale = policies.filter((p) => p.stale).length
  return `Policies: ${plural(total, 'violation')} (${bySeverity.join(', ')}) in ${plural(violating, 'violating policy', 'violating policies')} of ${policies.length}; ${stale} stale.`
}
