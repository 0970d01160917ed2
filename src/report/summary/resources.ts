// The per-resource sections of the job summary and the PR comment: the comparison with the baseline
// file (new with samples, fixed, unchanged per policy) and the exceptions (what each suppressed, and
// the entries that suppress nothing). They read the verdict only.

import { plural, quoteList } from '../../lib/text.js'
import type { PolicyOutcome, PolicyResult } from '../../policies/outcome.js'
import type { ExceptionStatus } from '../../verdict/exceptions.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeCell,
  escapeText,
  link,
  markup,
  table,
  type Markdown
} from '../render/markdown.js'
import { figuresOf, judgementOf, totalRow, type RunReport } from '../model.js'
import { NAME_LENGTH, severityLabel } from './pieces.js'
import { formatTimestamp } from '../render/format.js'
import { baselineAgeHours, describeAge, entryNote } from '../render/wording.js'

const POLICY_LIMIT = 50
const ENTRY_LIMIT = 50

/** New, fixed and unchanged resources per policy against the baseline file. */
export function renderComparison(report: RunReport, outcome: PolicyOutcome): Markdown | undefined {
  const baseline = report.verdict.resources?.baseline
  if (!baseline) return undefined
  const warnings = report.verdict.resources?.warnings ?? []
  const rows = outcome.policies.flatMap((policy) => {
    const figures = figuresOf(report, policy)
    const changed = [figures?.new, figures?.fixed, figures?.unchanged].some(
      (value) => value !== null && value !== undefined && value > 0
    )
    return figures && figures.new !== null && changed ? [{ policy, figures }] : []
  })
  const notCompared = outcome.policies.filter(
    (policy) => figuresOf(report, policy)?.new === null && (policy.violations ?? 0) > 0
  )
  const shown = rows.slice(0, POLICY_LIMIT)
  return blocks(
    markup`#### Against the baseline`,
    markup`${codeSpan(baseline.path)}, made ${escapeText(formatTimestamp(baseline.createdAt) ?? baseline.createdAt, 40)} (${escapeText(plural(baseline.ageDays, 'day'))} old). New counts only resources not suppressed by an exception; unchanged, those in the baseline and not suppressed.`,
    renderBaselineArtifact(report),
    shown.length === 0
      ? markup`No violating resource now or in the baseline for the compared policies.`
      : table(
          [
            markup`Severity`,
            markup`Policy`,
            markup`New`,
            markup`Fixed`,
            markup`Unchanged`,
            markup`New resources`
          ],
          shown.map(({ policy, figures }) => [
            severityLabel(policy.severity),
            escapeCell(policy.name, NAME_LENGTH),
            escapeCell(figures.new),
            escapeCell(figures.fixed),
            escapeCell(figures.unchanged),
            escapeCell(newSampleNames(report, policy), 300)
          ]),
          ['left', 'left', 'right', 'right', 'right', 'left']
        ),
    rows.length > shown.length
      ? markup`_…and ${rows.length - shown.length} more policies, all in the JSON report._`
      : undefined,
    notCompared.length > 0
      ? markup`_${escapeText(notComparedNote(notCompared, report))}_`
      : undefined,
    warnings.length > 0
      ? bulletList(warnings.map((warning) => markup`⚠️ ${escapeText(warning, 400)}`))
      : undefined
  )
}

/** `bucket-1 (prod, us-east-1)`: whose the new resources are, so an author can tell theirs. */
function newSampleNames(report: RunReport, policy: PolicyResult): string {
  const samples = judgementOf(report, policy)?.newSamples ?? []
  return samples
    .map((resource) => {
      const where = [resource.accountName || resource.accountId, resource.region].filter(Boolean)
      const name = resource.name || resource.platformId || 'unnamed'
      return where.length > 0 ? `${name} (${where.join(', ')})` : name
    })
    .join(', ')
}

/** Violating policies whose new figure is unknown: said, never shown as 0 new. */
function notComparedNote(policies: readonly PolicyResult[], report: RunReport): string {
  const why = figuresOf(report, policies[0])?.unknownBecause
  return `Not compared (New —): ${quoteList(
    policies.map((policy) => policy.name),
    5
  )}${policies.length === 1 && why ? `: ${why}` : ': their violating resources were not read'}.`
}

/** Which artifact judged (`baseline-artifact`): its name and id, the run that made it, branch and age. */
function renderBaselineArtifact(report: RunReport): Markdown | undefined {
  const artifact = report.baselineSource?.artifact
  if (!artifact) return undefined
  const age = describeAge(baselineAgeHours(artifact.createdAt, report.finishedAt))
  return markup`Baseline artifact ${codeSpan(artifact.name, 100)} (id ${artifact.id}), uploaded by ${link(`run ${artifact.runId}`, artifact.runUrl)} (${escapeText(artifact.event, 40)}) on ${codeSpan(artifact.branch, 100)}, ${escapeText(age)} old.`
}

/** What the exceptions suppressed, per policy and entry, and the entries that suppress nothing. */
export function renderExceptions(report: RunReport, outcome: PolicyOutcome): Markdown | undefined {
  const resources = report.verdict.resources
  if (resources?.exceptionsFile === undefined) return undefined
  const entries = resources.exceptions
  const rows = outcome.policies.flatMap((policy) =>
    (judgementOf(report, policy)?.suppressedBy ?? []).map(({ entry, count }) => {
      const e = entries[entry].entry
      return [
        escapeCell(policy.name, NAME_LENGTH),
        escapeCell(count),
        e.link ? link(`line ${e.line}`, e.link) : escapeCell(`line ${e.line}`),
        escapeCell(e.reason, 200),
        escapeCell(e.owner, 60),
        escapeCell(e.expires, 20)
      ]
    })
  )
  const problems = entries.filter((s) => s.state !== 'active' || s.matched === 0 || s.expiringSoon)
  return blocks(
    markup`#### Exceptions (${codeSpan(resources.exceptionsFile)})`,
    markup`${escapeText(suppressedSentence(report))}`,
    rows.length > 0
      ? table(
          [
            markup`Policy`,
            markup`Suppressed`,
            markup`Entry`,
            markup`Reason`,
            markup`Owner`,
            markup`Expires`
          ],
          rows.slice(0, POLICY_LIMIT),
          ['left', 'right', 'left', 'left', 'left', 'left']
        )
      : undefined,
    problems.length > 0 ? bulletList(problems.slice(0, ENTRY_LIMIT).map(describeEntry)) : undefined
  )
}

/** The total suppressed, as the gate's table has it. */
function suppressedSentence(report: RunReport): string {
  const suppressed = report.verdict.gate && totalRow(report.verdict.gate).suppressed
  const what =
    suppressed === null || suppressed === undefined
      ? 'An unknown number of violations'
      : plural(suppressed, 'violation')
  return `${what} suppressed: they never count toward the thresholds. An entry's line links to its tracking issue when it gives one.`
}

function describeEntry(status: ExceptionStatus): Markdown {
  const icon = status.state !== 'active' ? markup`❌` : markup`⚠️`
  return markup`${icon} ${escapeText(entryNote(status), 400)}`
}
