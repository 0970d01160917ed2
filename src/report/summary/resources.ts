// The per-resource sections of the job summary and the PR comment: the comparison with the baseline
// file (new with samples, fixed, unchanged per policy) and the exceptions (what each suppressed, and
// the entries that suppress nothing). They read the verdict only.

import { plural } from '../../lib/text.js'
import type { PolicyOutcome } from '../../policies/outcome.js'
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
import { judgementOf, type RunReport } from '../model.js'
import { NAME_LENGTH, severityLabel } from './pieces.js'
import { baselineAgeHours, describeAge, entryNote } from '../render/wording.js'

const POLICY_LIMIT = 50
const ENTRY_LIMIT = 50

/** New, fixed and unchanged resources per policy against the baseline file. */
export function renderComparison(report: RunReport, outcome: PolicyOutcome): Markdown | undefined {
  const baseline = report.verdict.resources?.baseline
  if (!baseline) return undefined
  const warnings = report.verdict.resources?.warnings ?? []
  const compared = outcome.policies.flatMap((policy) => {
    const judged = judgementOf(report, policy)
    return judged?.compared && judged.new + judged.fixed + judged.unchanged > 0
      ? [{ policy, judged }]
      : []
  })
  const shown = compared.slice(0, POLICY_LIMIT)
  return blocks(
    markup`#### Against the baseline`,
    markup`${codeSpan(baseline.path)}, made ${escapeText(baseline.createdAt, 40)} (${escapeText(plural(baseline.ageDays, 'day'))} old). New counts only resources not suppressed by an exception.`,
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
          shown.map(({ policy, judged }) => [
            severityLabel(policy.severity),
            escapeCell(policy.name, NAME_LENGTH),
            escapeCell(judged.newCounted),
            escapeCell(judged.fixed),
            escapeCell(judged.unchanged),
            escapeCell(judged.newSamples.map((r) => r.name || r.platformId).join(', '), 300)
          ]),
          ['left', 'left', 'right', 'right', 'right', 'left']
        ),
    compared.length > shown.length
      ? markup`_…and ${compared.length - shown.length} more policies, all in the JSON report._`
      : undefined,
    warnings.length > 0
      ? bulletList(warnings.map((warning) => markup`⚠️ ${escapeText(warning, 400)}`))
      : undefined
  )
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
        escapeCell(`line ${e.line}`),
        escapeCell(e.reason, 200),
        escapeCell(e.owner, 60),
        escapeCell(e.expires, 20)
      ]
    })
  )
  const problems = entries.filter((s) => s.state !== 'active' || s.matched === 0 || s.expiringSoon)
  return blocks(
    markup`#### Exceptions (${codeSpan(resources.exceptionsFile)})`,
    markup`${escapeText(plural(resources.suppressed, 'violation'))} suppressed: they never count toward the thresholds.`,
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

function describeEntry(status: ExceptionStatus): Markdown {
  const icon = status.state !== 'active' ? markup`❌` : markup`⚠️`
  return markup`${icon} ${escapeText(entryNote(status), 400)}`
}
