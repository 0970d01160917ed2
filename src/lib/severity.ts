// Severities, in one place: which ones the action knows, their order, and how counts per severity
// add up. The Platform may send a severity the action does not know yet; such a one sorts after
// `low` and counts only toward totals.

import { compareNames } from './locale-free.js'

export const KNOWN_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type KnownSeverity = (typeof KNOWN_SEVERITIES)[number]

/** Most severe first. */
export const SEVERITY_ORDER: readonly KnownSeverity[] = [...KNOWN_SEVERITIES].reverse()

export type SeverityCounts = Record<KnownSeverity, number>

function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0 }
}

/** Sum over the known severities. */
function sumCounts(counts: SeverityCounts): number {
  return SEVERITY_ORDER.reduce((total, severity) => total + counts[severity], 0)
}

/** The total a gate counts: every known severity, and those it does not know. */
export function totalViolations(counts: SeverityCounts, unknownSeverity: number): number {
  return sumCounts(counts) + unknownSeverity
}

/** Rank for sorting: known severities most severe first, then any severity the action does not know. */
export function severityRank(severity: string): number {
  const index = SEVERITY_ORDER.indexOf(severity as KnownSeverity)
  return index === -1 ? SEVERITY_ORDER.length : index
}

export function isKnownSeverity(severity: string): severity is KnownSeverity {
  return severityRank(severity) < SEVERITY_ORDER.length
}

interface RankedPolicy {
  name: string
  severity: string
  violations?: number
}

/** Most severe first (unknown severities after low), then most violating, then by name. */
export function byImportance(a: RankedPolicy, b: RankedPolicy): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    (b.violations ?? 0) - (a.violations ?? 0) ||
    compareNames(a.name, b.name)
  )
}

/** `count` of each item added up per known severity; items of other severities in `unknown`. */
export function addUpBySeverity<T extends { severity: string }>(
  items: readonly T[],
  count: (item: T) => number
): { counts: SeverityCounts; unknown: number } {
  const counts = emptyCounts()
  let unknown = 0
  for (const item of items) {
    if (isKnownSeverity(item.severity)) counts[item.severity] += count(item)
    else unknown += count(item)
  }
  return { counts, unknown }
}

/**
 * The Platform's severity as the action counts it: `CRITICAL` or ` High ` is that known severity
 * (the spec's enum is lower-case, but a severity in another case is not a different one); any
 * other text is kept as sent, an unknown severity.
 */
export function normaliseSeverity(severity: string): string {
  if (typeof severity !== 'string') return severity
  const lower = severity.trim().toLowerCase()
  return isKnownSeverity(lower) ? lower : severity
}
