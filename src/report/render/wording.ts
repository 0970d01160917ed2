// Sentences more than one surface says the same way (the log, the summary, the PR comment,
// annotations), so that each figure is named alike wherever it appears.

import { plural } from '../../lib/text.js'
import type { CoverageStatus, GateCoverage } from '../../verdict/coverage.js'
import type { ExceptionState, ExceptionStatus } from '../../verdict/exceptions.js'
import type { GateRow, RowKey, RowStatus } from '../../verdict/figures.js'
import type { Gate } from '../../verdict/gate.js'
import type { ResourceVerdict } from '../../verdict/resources.js'

const HOUR_MS = 3_600_000

/** An expired entry's problem already says so ("expired on …"). */
const STATE_LABELS: Record<ExceptionState, string> = {
  active: '',
  expired: '',
  'too-long': 'too long: ',
  invalid: 'invalid: ',
  ambiguous: 'ambiguous: '
}

/** `line 12 (policy "x"): expired on 2026-01-01; it suppresses nothing`. */
export function entryNote(status: ExceptionStatus): string {
  const { entry, state, problem, matched, expiringSoon } = status
  const what =
    state !== 'active'
      ? `${STATE_LABELS[state]}${problem ?? state}; it suppresses nothing`
      : matched === 0
        ? 'unused: it matched no violating resource; remove it if the finding is gone'
        : expiringSoon
          ? `expires soon (${entry.expires ?? ''}): renew it or fix the finding`
          : `suppressed ${matched}`
  return `line ${entry.line}${entry.policy ? ` (policy "${entry.policy}")` : ''}: ${what}`
}

/** Which columns of the gate mean something: exceptions (Suppressed), a scope (Out of scope). */
export interface GateColumns {
  withExceptions: boolean
  scoped: boolean
}

export function gateColumns(resources: ResourceVerdict | undefined): GateColumns {
  return {
    withExceptions: resources?.exceptionsFile !== undefined,
    scoped: resources?.scope !== undefined
  }
}

/** Whether the thresholds judge a figure other than the Platform's count (shown as "Counted"). */
export function countsOtherThanViolations(gate: Gate, columns: GateColumns): boolean {
  return gate.gateOn === 'new' || columns.withExceptions || columns.scoped
}

/** What the thresholds judged, in a sentence, for under the gate's table. */
export function judgedFigureSentence(gate: Gate, columns: GateColumns): string {
  const within = columns.scoped ? ' within the scope' : ''
  if (gate.gateOn === 'new') {
    return `The thresholds judge Counted: the new violations${within}, violating resources not in the baseline and not suppressed by an exception.`
  }
  const less = [
    ...(columns.scoped ? ['those outside the scope'] : []),
    ...(columns.withExceptions ? ['those suppressed by an exception'] : [])
  ]
  return less.length > 0
    ? `The thresholds judge Counted: the Platform's violations less ${less.join(' and ')}.`
    : "The thresholds judge the Platform's current Violations."
}

/** What "counted" is, in a few words: `new: …`, `after 2 suppressed by exceptions`. */
export function countedMeaning(gate: Gate, total: GateRow): string {
  const outside =
    total.outOfScope !== null && total.outOfScope > 0
      ? `; ${total.outOfScope} outside the scope, not judged`
      : ''
  if (gate.gateOn === 'new') return `new: not in the baseline, not suppressed${outside}`
  const suppressed =
    total.suppressed === null
      ? 'after those suppressed by exceptions'
      : `after ${total.suppressed} suppressed by exceptions`
  return `${suppressed}${outside}`
}

function rowName(key: RowKey): string {
  return key === 'total' ? 'total' : key === 'other' ? 'other severities' : key
}

const STATUS_WORDS: Record<RowStatus, string> = {
  breached: 'over',
  within: 'within',
  'no-limit': 'no limit',
  unknown: 'unknown'
}

/** A figure in text: unknown is `—`, never 0. */
export function figureText(value: number | null): string {
  return value === null ? '—' : String(value)
}

/**
 * The gate in one log line, with the figures under their names:
 * `Gate (gate-on: all): violations 20, suppressed 1, counted 19. critical 3/0 over, high 0/0 within, …`.
 */
export function gateLogLine(gate: Gate, columns: GateColumns): string {
  const total = gate.rows[gate.rows.length - 1]
  const figures = [`violations ${figureText(total.violations)}`]
  if (columns.scoped) figures.push(`out of scope ${figureText(total.outOfScope)}`)
  if (columns.withExceptions) figures.push(`suppressed ${figureText(total.suppressed)}`)
  if (total.new !== null || gate.gateOn === 'new') figures.push(`new ${figureText(total.new)}`)
  const counted = countsOtherThanViolations(gate, columns)
  if (counted) figures.push(`counted ${figureText(total.counted)}`)
  const rows = gate.rows.map((row) => {
    const limit = row.allowed === undefined ? '' : `/${row.allowed}`
    return `${rowName(row.key)} ${figureText(row.counted)}${limit} ${STATUS_WORDS[row.status]}`
  })
  const judged = counted ? 'counted' : 'violations'
  return `Policy gate (gate-on: ${gate.gateOn}, judging ${judged} against the thresholds): ${figures.join(', ')}. Per severity, ${judged}/allowed: ${rows.join(', ')}. ${gate.verdict === 'pass' ? 'Passed' : 'Failed'}.`
}

/** `1 new high violation`, `3 critical violations`: a row's counted figure in words. */
export function countedInWords(row: GateRow, countNew: boolean): string {
  const word = countNew ? 'new ' : ''
  const what = row.key === 'total' ? `${word}violation` : `${word}${rowName(row.key)} violation`
  return row.counted === null ? `an unknown number of ${what}s` : plural(row.counted, what)
}

/** Whole hours from `createdAt` to `now` (never negative: a clock ahead of GitHub's is not news). */
export function baselineAgeHours(createdAt: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(createdAt)) / HOUR_MS))
}

/** `5 hours`, `3 days`: a baseline artifact's age, in the unit a reader weighs it in. */
export function describeAge(hours: number): string {
  return hours < 48 ? plural(hours, 'hour') : plural(Math.floor(hours / 24), 'day')
}

/** A counted policy whose data is not all this run's: how each surface marks it. */
export type CoverageGap = Exclude<CoverageStatus, 'complete'>

export const COVERAGE_GAPS: readonly CoverageGap[] = ['table-errors', 'earlier-data', 'unknown']

export const COVERAGE_MARKS: Record<CoverageGap, string> = {
  'table-errors': '⚠️',
  'earlier-data': '🕘',
  unknown: '❓'
}

/** What each mark means, in the footnote under a table that shows it. */
export const COVERAGE_NOTES: Record<CoverageGap, string> = {
  'table-errors': 'a counted policy reads a table this run synced with errors or panics',
  'earlier-data': 'a counted policy reads a table this run did not sync (judged on earlier data)',
  unknown: "a counted policy's coverage is unknown"
}

/** How many counted policies there are of each, in a few words. */
const COVERAGE_COUNTS: Record<CoverageGap, string> = {
  'table-errors': 'read a table synced with errors',
  'earlier-data': 'on earlier data',
  unknown: 'unknown'
}

/** How many counted policies have each coverage. */
export function coverageTally(coverage: GateCoverage): Record<CoverageStatus, number> {
  const tally: Record<CoverageStatus, number> = {
    complete: 0,
    'table-errors': 0,
    'earlier-data': 0,
    unknown: 0
  }
  for (const policy of Object.values(coverage.policies)) tally[policy.status]++
  return tally
}

/**
 * The counted policies' coverage in a sentence:
 * `3 counted policies: 1 complete, ⚠️ 1 read a table synced with errors, 🕘 1 on earlier data.`
 */
export function coverageSentence(coverage: GateCoverage): string {
  if (coverage.skipped) return `Not checked: ${coverage.skipped}.`
  const tally = coverageTally(coverage)
  const counted = Object.keys(coverage.policies).length
  if (counted === 0) return 'No policy is counted by a threshold, so none was checked.'
  if (tally.complete === counted) {
    return `Every counted policy (${counted}) reads only tables this run wrote without errors.`
  }
  const parts = [
    ...(tally.complete > 0 ? [`${tally.complete} complete`] : []),
    ...COVERAGE_GAPS.filter((gap) => tally[gap] > 0).map(
      (gap) => `${COVERAGE_MARKS[gap]} ${tally[gap]} ${COVERAGE_COUNTS[gap]}`
    )
  ]
  return `${plural(counted, 'counted policy', 'counted policies')}: ${parts.join(', ')}.`
}
