// The job summary's policy gate section: the overview, the thresholds table, the violating
// policies with their samples, the stale policies and the trend. The PR comment reuses them.

import { plural } from '../../lib/text.js'
import type { GateRow, PolicyFigures, RowKey } from '../../verdict/figures.js'
import type { Gate } from '../../verdict/gate.js'
import type { PolicyOutcome, PolicyResult } from '../../policies/outcome.js'
import { formatChange, formatTimestamp } from '../render/format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  details,
  escapeCell,
  escapeText,
  joinInline,
  markup,
  table,
  type Align,
  type Markdown
} from '../render/markdown.js'
import {
  figuresOf,
  notEvaluatedReason,
  stalePolicies,
  totalRow,
  violatingPolicies,
  type RunReport
} from '../model.js'
import {
  countsOtherThanViolations,
  figureText,
  gateColumns,
  judgedFigureSentence
} from '../render/wording.js'
import { severityLabel, byteLength, NAME_LENGTH } from './pieces.js'
import { coverageFootnote, policyCoverageMark, rowCoverageMarks } from './coverage.js'

export const VIOLATING_POLICY_LIMIT = 50
const STALE_POLICY_LIMIT = 50
const TREND_LIMIT = 14
const SPARK_LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

export function renderPolicyOverview(report: RunReport, outcome: PolicyOutcome): Markdown {
  const stale = stalePolicies(outcome).length
  const gate =
    report.gateOn === 'new'
      ? markup`Gate on **new** violations (violating resources not in the baseline file)`
      : markup`Gate on **all** current violations`
  const figures = [
    escapeText(plural(outcome.policies.length, 'policy', 'policies')),
    markup`${violatingPolicies(outcome).length} violating`,
    ...(stale > 0 ? [markup`${stale} stale`] : [])
  ]
  return blocks(
    markup`### 🛡️ Policy gate`,
    markup`${gate} · evaluation ${codeSpan(outcome.mode)} · ${joinInline(figures, markup`, `)}`,
    renderScopeLine(report)
  )
}

/** `Scope: accounts staging · tags env=pr-142 — 3 violations outside it, not judged.` */
export function renderScopeLine(report: RunReport): Markdown | undefined {
  const scope = report.verdict.resources?.scope
  if (!scope) return undefined
  const kinds = (['accounts', 'regions', 'tags', 'resources'] as const).flatMap((kind) =>
    scope[kind].length > 0
      ? [
          markup`${escapeText(kind)} ${joinInline(
            scope[kind].slice(0, 10).map((value) => codeSpan(value, 100)),
            markup`, `
          )}`
        ]
      : []
  )
  const outside = report.verdict.gate && totalRow(report.verdict.gate).outOfScope
  const counted =
    outside === undefined
      ? markup``
      : outside === null
        ? markup` — how many violations fall outside it is unknown.`
        : markup` — ${escapeText(plural(outside, 'violation'))} outside it, counted apart and not judged.`
  return markup`**Scope:** ${joinInline(kinds, markup` · `)}${counted}`
}

export function renderPolicyNotEvaluated(report: RunReport): Markdown | undefined {
  const reason = notEvaluatedReason(report)
  if (reason === undefined) return undefined
  return blocks(markup`### 🛡️ Policy gate`, markup`Not evaluated: ${escapeText(reason, 300)}.`)
}

/**
 * The gate's table: per severity the Platform's count, and beside it, under their own names, what
 * falls outside the scope, what the exceptions suppressed, what is new against the baseline and
 * what the thresholds counted.
 */
export function renderThresholdsTable(report: RunReport, gate: Gate): Markdown {
  const shown = gateColumns(report.verdict.resources)
  const compared = report.verdict.resources?.baseline !== undefined
  const counted = countsOtherThanViolations(gate, shown)
  // The column the thresholds judge is in bold.
  const figure = (value: number | null, judged = false): Markdown =>
    judged && value !== null ? markup`**${escapeCell(value)}**` : escapeCell(value)
  const columns: Column[] = [
    [
      markup`Severity`,
      (row) => markup`${rowLabel(row.key)}${rowCoverageMarks(report, row.key)}`,
      'left'
    ],
    [markup`Violations`, (row) => figure(row.violations, !counted), 'right'],
    ...when(shown.scoped, [markup`Out of scope`, (row) => figure(row.outOfScope), 'right']),
    ...when(shown.withExceptions, [markup`Suppressed`, (row) => figure(row.suppressed), 'right']),
    ...when(compared, [markup`New`, (row) => figure(row.new), 'right']),
    ...when(counted, [markup`Counted`, (row) => figure(row.counted, true), 'right']),
    [markup`Allowed`, (row) => escapeCell(row.allowed), 'right'],
    [markup`Status`, rowStatus, 'left']
  ]
  const [first, ...rest] = columns.map(([header]) => header)
  const unknown = gate.rows.some((row) =>
    [
      row.violations,
      row.outOfScope,
      row.suppressed,
      row.counted,
      ...(compared ? [row.new] : [])
    ].includes(null)
  )
  return blocks(
    table(
      [first, ...rest],
      gate.rows.map((row) => columns.map(([, cell]) => cell(row))),
      columns.map(([, , align]) => align)
    ),
    markup`_${escapeText(judgedFigureSentence(gate, shown))}${unknown ? markup` ${escapeText(UNKNOWN_NOTE)}` : markup``}_`
  )
}

/** A column of the gate's table: its header, its cell for a row, its alignment. */
type Column = [Markdown, (row: GateRow) => Markdown, Align]

function when(condition: boolean, column: Column): Column[] {
  return condition ? [column] : []
}

const UNKNOWN_NOTE =
  '— is a figure the action could not know (a policy with no believable count, or whose violating resources were not read): never taken as 0.'

function rowLabel(key: RowKey): Markdown {
  if (key === 'total') return markup`**Total**`
  return key === 'other' ? markup`❔ Other severities` : severityLabel(key)
}

function rowStatus(row: GateRow): Markdown {
  switch (row.status) {
    case 'breached':
      return markup`❌ over by ${escapeCell((row.counted ?? 0) - (row.allowed ?? 0))}`
    case 'within':
      return markup`✅ within`
    case 'unknown':
      return markup`❔ unknown: not judged`
    case 'no-limit':
      return row.key === 'other' ? markup`counted in the total` : markup`➖ no limit`
  }
}

export function renderViolatingPolicies(
  report: RunReport,
  outcome: PolicyOutcome,
  limit: number
): Markdown {
  const violating = violatingPolicies(outcome)
  if (violating.length === 0) return markup`No selected policy has violations.`
  const shown = violating.slice(0, limit)
  const rows = shown.map((policy) => {
    const newCount = perResource(figuresOf(report, policy))
    return [
      severityLabel(policy.severity),
      markup`${escapeCell(policy.name, NAME_LENGTH)}${policyCoverageMark(report, policy)}`,
      escapeCell(policy.domain, 40),
      markup`${escapeCell(policy.violations)}${newCount}`,
      escapeCell(formatChange(policy.violations, policy.previousViolations)),
      evaluatedAt(policy)
    ]
  })
  return blocks(
    markup`#### Violating policies (${violating.length})`,
    table(
      [
        markup`Severity`,
        markup`Policy`,
        markup`Domain`,
        markup`Violations`,
        markup`Change`,
        markup`Evaluated at`
      ],
      rows,
      ['left', 'left', 'left', 'right', 'right', 'left']
    ),
    violating.length > shown.length
      ? markup`_…and ${violating.length - shown.length} more violating policies, all listed in the JSON report._`
      : undefined,
    coverageFootnote(report, shown)
  )
}

/** ` (2 new, 1 fixed, 3 suppressed)`: what the baseline and the exceptions made of the count. */
function perResource(figures: PolicyFigures | undefined): Markdown {
  if (!figures) return markup``
  const parts = [
    ...(figures.outOfScope !== null && figures.outOfScope > 0
      ? [`${figures.outOfScope} out of scope`]
      : []),
    ...(figures.new !== null ? [`${figures.new} new`] : []),
    ...(figures.fixed !== null && figures.fixed > 0 ? [`${figures.fixed} fixed`] : []),
    ...(figures.suppressed !== null && figures.suppressed > 0
      ? [`${figures.suppressed} suppressed`]
      : [])
  ]
  return parts.length > 0 ? markup` (${escapeCell(parts.join(', '))})` : markup``
}

function evaluatedAt(policy: PolicyResult): Markdown {
  const when = escapeCell(formatTimestamp(policy.evaluatedAt), 40)
  if (policy.stale) return markup`${when} ⚠️ stale`
  return policy.source === 'executed' ? markup`${when} (query executed)` : when
}

/** Sample resources of each policy in a collapsed block, as many as fit in `maxBytes`. */
export function renderSamples(
  policies: readonly PolicyResult[],
  maxBytes: number
): Markdown | undefined {
  const withSamples = policies.filter((policy) => policy.samples.length > 0)
  if (withSamples.length === 0) return undefined
  const heading = markup`#### Sample violating resources`
  const omittedNote = (count: number): Markdown =>
    markup`_Samples of ${escapeText(plural(count, 'more policy', 'more policies'))} are left out to keep the summary within GitHub's size limit._`
  // Room for the heading and the note, measured at their longest.
  let room = maxBytes - byteLength(heading) - byteLength(omittedNote(withSamples.length)) - 4
  const shown: Markdown[] = []
  for (const policy of withSamples) {
    const block = renderPolicySamples(policy)
    const size = byteLength(block) + 2
    if (size > room) break
    shown.push(block)
    room -= size
  }
  const omitted = withSamples.length - shown.length
  return blocks(heading, ...shown, omitted > 0 ? omittedNote(omitted) : undefined)
}

function renderPolicySamples(policy: PolicyResult): Markdown {
  const total = policy.violations === undefined ? '' : ` of ${policy.violations}`
  return details(
    `${policy.severity} · ${policy.name} — ${policy.samples.length}${total} resources`,
    table(
      [markup`Resource`, markup`Type`, markup`Account`, markup`Region`],
      policy.samples.map((sample) => [
        escapeCell(sample.name ?? sample._cq_platform_id, NAME_LENGTH),
        escapeCell(sample.resource_type_label, 60),
        escapeCell(sample._cq_account_name ?? sample.account_id, 60),
        escapeCell(sample.region, 40)
      ])
    )
  )
}

export function renderStalePolicies(outcome: PolicyOutcome): Markdown | undefined {
  const stale = stalePolicies(outcome)
  if (stale.length === 0) return undefined
  const shown = stale.slice(0, STALE_POLICY_LIMIT)
  return blocks(
    markup`#### ⚠️ Stale policies (${stale.length})`,
    markup`Not evaluated after the sync run, so their counts may be out of date and the gate cannot vouch for them:`,
    bulletList(
      shown.map(
        (policy) =>
          markup`${escapeText(policy.name, NAME_LENGTH)} (${escapeText(policy.severity, 40)}) — last evaluated ${escapeText(formatTimestamp(policy.evaluatedAt) ?? 'never', 40)}`
      )
    ),
    stale.length > shown.length
      ? markup`_…and ${stale.length - shown.length} more stale policies._`
      : undefined
  )
}

export function renderTrend(report: RunReport, outcome: PolicyOutcome): Markdown | undefined {
  const trend = outcome.trend.slice(-TREND_LIMIT)
  if (trend.length === 0) return undefined
  const values = trend.map((point) => point.violations)
  const known = values.filter((value) => Number.isFinite(value))
  const first = known[0]
  const last = known[known.length - 1]
  const range =
    known.length >= 2
      ? markup` ${escapeCell(first)} → ${escapeCell(last)} (${escapeText(formatChange(last, first))})`
      : markup``
  const [firstDate, ...otherDates] = trend.map((point) => escapeCell(point.date, 20))
  return blocks(
    markup`#### Violations over the last ${trend.length} days`,
    markup`${codeSpan(sparkline(values))}${range}`,
    table(
      [firstDate, ...otherDates],
      [trend.map((point) => escapeCell(point.violations))],
      trend.map(() => 'right')
    ),
    trendNote(outcome, report.verdict.gate && totalRow(report.verdict.gate).violations, last)
  )
}

/** Why the trend's last day may differ from the gate's total. */
function trendNote(
  outcome: PolicyOutcome,
  violations: number | null | undefined,
  last: number | undefined
): Markdown | undefined {
  const notes = [
    outcome.trendNote,
    last !== undefined && last !== violations
      ? `The trend is the Platform's daily total over every policy the group, severity and domain filters match, paused policies included; the gate above counts the ${plural(outcome.policies.length, 'selected active policy', 'selected active policies')} (${figureText(violations ?? null)} violations now).`
      : undefined
  ].filter((note): note is string => note !== undefined)
  return notes.length > 0 ? markup`_${escapeText(notes.join(' '), 600)}_` : undefined
}

/** Values as a line of block characters, lowest to highest; a missing value is a `·`. */
export function sparkline(values: readonly number[]): string {
  const known = values.filter((value) => Number.isFinite(value))
  const min = Math.min(...known)
  const max = Math.max(...known)
  return values
    .map((value) => {
      if (!Number.isFinite(value)) return '·'
      if (max === min) return max === 0 ? SPARK_LEVELS[0] : SPARK_LEVELS[3]
      return SPARK_LEVELS[Math.round(((value - min) / (max - min)) * (SPARK_LEVELS.length - 1))]
    })
    .join('')
}
