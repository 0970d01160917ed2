// The job summary's coverage: what each counted policy's result covers of the run's data. A mark
// beside a severity in the gate's table and beside a policy in the violating policies, with a
// footnote; and a section listing the counted policies whose data is not all this run's (tables
// synced with errors, tables not synced, tables that cannot be told), and what a failed sync would
// have refreshed. The PR comment says it in one line.

import { isKnownSeverity } from '../../lib/severity.js'
import { plural } from '../../lib/text.js'
import type { PolicyResult } from '../../policies/outcome.js'
import type { GateCoverage, PolicyCoverage } from '../../verdict/coverage.js'
import type { RowKey } from '../../verdict/figures.js'
import type { RunReport } from '../model.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeText,
  joinInline,
  markup,
  type Markdown
} from '../render/markdown.js'
import {
  COVERAGE_GAPS,
  COVERAGE_MARKS,
  COVERAGE_NOTES,
  coverageSentence,
  type CoverageGap
} from '../render/wording.js'
import { NAME_LENGTH } from './pieces.js'

/** Policies listed in the section; the JSON report has them all. */
const COVERAGE_POLICY_LIMIT = 50
const TABLES_NAMED = 5

function coverageOf(report: RunReport, policy: PolicyResult): PolicyCoverage | undefined {
  return report.verdict.gate?.coverage?.policies[policy.id]
}

function gapOf(coverage: PolicyCoverage | undefined): CoverageGap | undefined {
  return coverage && coverage.status !== 'complete' ? coverage.status : undefined
}

/** ` ⚠️` beside a policy whose data is not all this run's; nothing beside a complete one. */
export function policyCoverageMark(report: RunReport, policy: PolicyResult): Markdown {
  const gap = gapOf(coverageOf(report, policy))
  return gap ? markup` ${escapeText(COVERAGE_MARKS[gap])}` : markup``
}

/** The marks of a row of the gate's table: one for each kind of gap among the policies it counts. */
export function rowCoverageMarks(report: RunReport, key: RowKey): Markdown {
  const gaps = gapsAmong(report, (policy) => key === 'total' || rowKeyOf(policy) === key)
  return gaps.length > 0
    ? markup` ${escapeText(gaps.map((gap) => COVERAGE_MARKS[gap]).join(''))}`
    : markup``
}

/** What the marks in a table mean: only those that appear, each once. */
export function coverageFootnote(
  report: RunReport,
  shown: readonly PolicyResult[]
): Markdown | undefined {
  const gaps = gapsAmong(report, (policy) => shown.includes(policy))
  if (gaps.length === 0) return undefined
  const notes = gaps.map((gap) => `${COVERAGE_MARKS[gap]} ${COVERAGE_NOTES[gap]}`)
  return markup`_${escapeText(`${notes.join(' · ')}: see Coverage.`, 600)}_`
}

function gapsAmong(report: RunReport, among: (policy: PolicyResult) => boolean): CoverageGap[] {
  const found = new Set<CoverageGap>()
  for (const policy of report.policies?.policies ?? []) {
    const gap = among(policy) ? gapOf(coverageOf(report, policy)) : undefined
    if (gap) found.add(gap)
  }
  return COVERAGE_GAPS.filter((gap) => found.has(gap))
}

function rowKeyOf(policy: PolicyResult): RowKey {
  return isKnownSeverity(policy.severity) ? policy.severity : 'other'
}

/** The section: a sentence, then each counted policy with a gap, then the failed syncs. */
export function renderCoverage(report: RunReport): Markdown | undefined {
  const coverage = report.verdict.gate?.coverage
  if (!coverage) return undefined
  const gaps = (report.policies?.policies ?? []).filter((policy) =>
    gapOf(coverage.policies[policy.id])
  )
  const shown = gaps.slice(0, COVERAGE_POLICY_LIMIT)
  const items = [
    ...shown.map((policy) => policyLine(policy, coverage.policies[policy.id], coverage)),
    ...failedSyncLines(report, coverage)
  ]
  return blocks(
    markup`#### Coverage`,
    markup`${escapeText(coverageSentence(coverage), 300)}`,
    items.length > 0 ? bulletList(items) : undefined,
    gaps.length > shown.length
      ? markup`_…and ${gaps.length - shown.length} more, all in the JSON report._`
      : undefined
  )
}

function policyLine(policy: PolicyResult, coverage: PolicyCoverage, gate: GateCoverage): Markdown {
  const gap = gapOf(coverage)!
  const name = markup`${escapeText(COVERAGE_MARKS[gap])} **${escapeText(policy.name, NAME_LENGTH)}** (${escapeText(policy.severity, 40)})`
  switch (gap) {
    case 'table-errors': {
      const judged = coverage.fails
        ? markup`fails the gate (${codeSpan(`table-errors: ${gate.tableErrors}`)})`
        : markup`shown, not failed (${codeSpan(`table-errors: ${gate.tableErrors}`)})`
      return markup`${name}: ${escapeText(coverage.damage, 400)}; ${judged}`
    }
    case 'earlier-data': {
      const missing = coverage.tables.filter((table) => !table.written).map((table) => table.table)
      return markup`${name}: ${escapeText(tableList(missing), 400)} not synced by this run: judged on earlier data`
    }
    case 'unknown':
      return markup`${name}: coverage unknown: ${escapeText(coverage.unknownBecause ?? 'not known', 300)}`
  }
}

/** `aws_iam_users, aws_iam_roles and 2 more`. */
function tableList(tables: readonly string[]): string {
  const named = tables.slice(0, TABLES_NAMED).join(', ')
  return tables.length > TABLES_NAMED ? `${named} and ${tables.length - TABLES_NAMED} more` : named
}

/** What each failed sync would have refreshed, when its tables say. */
function failedSyncLines(report: RunReport, coverage: GateCoverage): Markdown[] {
  const names = new Map((report.policies?.policies ?? []).map((policy) => [policy.id, policy.name]))
  return coverage.failedSyncs
    .filter((failed) => failed.policyIds.length > 0)
    .map((failed) => {
      const policies = failed.policyIds
        .slice(0, TABLES_NAMED)
        .map((id) => escapeText(`"${names.get(id) ?? id}"`, 100))
      const more = failed.policyIds.length - policies.length
      return markup`Sync ${codeSpan(failed.syncName, 100)} failed: it would have refreshed the data of ${escapeText(plural(failed.policyIds.length, 'counted policy', 'counted policies'))}: ${joinInline(policies, markup`, `)}${more > 0 ? markup` and ${more} more` : markup``}.`
    })
}

/** The PR comment's one line, after the footnote of the marks in its gate table. */
export function renderCoverageLine(report: RunReport): Markdown | undefined {
  const coverage = report.verdict.gate?.coverage
  if (!coverage) return undefined
  const footnote = coverageFootnote(report, report.policies?.policies ?? [])
  const failing = (report.policies?.policies ?? []).filter(
    (policy) => coverage.policies[policy.id]?.status === 'table-errors'
  )
  const first = failing[0]
  const detail = first
    ? markup` ${escapeText(`"${first.name}"`, 100)}: ${escapeText(coverage.policies[first.id].damage, 200)}${failing.length > 1 ? markup` (and ${failing.length - 1} more)` : markup``}.`
    : markup``
  return blocks(
    footnote,
    markup`**Coverage:** ${escapeText(coverageSentence(coverage), 300)}${detail}`
  )
}
