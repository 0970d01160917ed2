// The job summary: a verdict banner, the sync run, the policy gate, the errors and a footer. Each
// section is its own exported function of a (redacted) report, so the PR comment can assemble a
// compact form from the same pieces. Every list is capped, so however much the Platform returns
// the summary stays under GitHub's limit of 1 MiB per step.

import { formatDuration } from '../lib/duration.js'
import { plural } from '../verdict/gate.js'
import type { Redactor } from '../lib/log-safety.js'
import type { SyncRunDetails, SyncRunTableStat } from '../platform/types.js'
import type { PolicyOutcome, PolicyResult } from '../policies/stage.js'
import { isActive, isTerminal, type SyncOutcome } from '../sync/stage.js'
import {
  formatByteSeconds,
  formatBytes,
  formatChange,
  formatCount,
  formatTimestamp
} from './format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  details,
  escapeCell,
  escapeText,
  joinInline,
  link,
  markup,
  table,
  type Markdown
} from './markdown.js'
import {
  failureReasons,
  hasError,
  isKnownSeverity,
  stageLabel,
  stalePolicies,
  violatingPolicies,
  violationTotals,
  type ReportContext,
  type RunReport
} from './model.js'
import { redacted } from './redact.js'

/** GitHub rejects a step summary over 1 MiB (1,048,576 bytes); keep clear of it. */
export const SUMMARY_MAX_BYTES = 1_000_000
const VIOLATING_POLICY_LIMIT = 50
const STALE_POLICY_LIMIT = 50
const MESSAGE_LIMIT = 20
const TABLE_LIMIT = 10
const TREND_LIMIT = 14
const NAME_LENGTH = 120
const MESSAGE_LENGTH = 1000
const SPARK_LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const

export interface SummaryOptions {
  redact: Redactor
  context?: ReportContext
}

export function renderSummary(report: RunReport, options: SummaryOptions): string {
  return redacted(report, options.redact, (safe) => composeSummary(safe, options.context ?? {}))
}

function composeSummary(report: RunReport, context: ReportContext): Markdown {
  const { policies } = report
  const head = blocks(
    renderBanner(report),
    renderSyncSection(report),
    policies ? renderPolicyOverview(report, policies) : renderPolicyNotEvaluated(report),
    policies && renderThresholdsTable(policies, report.gateOn),
    policies && renderViolatingPolicies(policies, VIOLATING_POLICY_LIMIT, report.gateOn)
  )
  const tail = blocks(
    policies && renderStalePolicies(policies),
    policies && renderTrend(policies),
    policies && renderMessages([], policies.warnings),
    renderErrors(report),
    renderFooter(report, context)
  )
  // Samples are the only part without a natural bound, so they get whatever room is left.
  const room = SUMMARY_MAX_BYTES - byteLength(head) - byteLength(tail) - 4
  const samples =
    policies && renderSamples(violatingPolicies(policies).slice(0, VIOLATING_POLICY_LIMIT), room)
  return blocks(head, samples, tail)
}

// --- Banner ---------------------------------------------------------------------------------

export function renderBanner(report: RunReport): Markdown {
  if (report.result === 'pass') {
    return blocks(markup`## ✅ CloudQuery Platform: passed`, passLine(report))
  }
  const reasons = failureReasons(report)
  const more = reasons.length > 1 ? markup` _(and ${reasons.length - 1} more, below)_` : markup``
  return blocks(
    markup`## ❌ CloudQuery Platform: failed`,
    reasons.length > 0 ? markup`**Why:** ${escapeText(reasons[0], 300)}${more}` : undefined,
    report.softFail
      ? markup`**Soft fail:** ${codeSpan('soft-fail')} is on, so this step is not marked as failed; the ${codeSpan('result')} output is ${codeSpan('fail')}.`
      : undefined
  )
}

function passLine(report: RunReport): Markdown {
  const parts: Markdown[] = []
  const { sync, policies } = report
  if (sync?.run && !sync.waited) {
    parts.push(
      markup`Run ${codeSpan(sync.run.id)} of sync ${codeSpan(sync.syncName)} was started and not awaited (${codeSpan('wait: false')}).`
    )
  } else if (sync?.run) {
    parts.push(
      markup`Sync ${codeSpan(sync.syncName)} completed: ${escapeCell(sync.run.total_rows)} rows.`
    )
  }
  if (policies) {
    const selected = escapeText(plural(policies.policies.length, 'policy', 'policies'))
    const { violations } = violationTotals(policies)
    parts.push(
      policies.policies.length === 0
        ? markup`No policies were selected.`
        : violations === 0
          ? markup`No violations in ${selected}.`
          : markup`${escapeText(plural(violations, 'violation'))} in ${violatingPolicies(policies).length} of ${selected}, all within the thresholds.`
    )
  } else if (report.policiesSkipped) {
    parts.push(markup`Policies not evaluated: ${escapeText(report.policiesSkipped, 300)}.`)
  }
  return joinInline(parts, markup` `)
}

// --- Sync run -------------------------------------------------------------------------------

function renderSyncSection(report: RunReport): Markdown | undefined {
  const { sync } = report
  const name = sync?.syncName ?? report.syncName
  if (name === undefined) return undefined
  const heading = markup`### 🔄 Sync run of ${codeSpan(name)}`
  const run = sync?.run
  if (!sync || !run) {
    return blocks(
      heading,
      hasError(report, 'sync')
        ? markup`No run was started or followed: see the errors below.`
        : markup`No run was started or followed.`,
      sync && renderMessages(sync.reasons, sync.warnings)
    )
  }
  return blocks(
    heading,
    renderRunStatus(sync, run),
    renderRunFigures(sync, run),
    renderRunNotes(report, sync, run),
    renderMessages(sync.reasons, sync.warnings),
    renderTablesWithErrors(sync.tablesWithErrors)
  )
}

export function renderRunStatus(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  const reason = run.status_reason ? markup` (${codeSpan(run.status_reason)})` : markup``
  const origin = sync.startedByAction
    ? markup`started by this action`
    : markup`followed; not started by this action`
  return markup`**Status:** ${runStatusIcon(run)} ${codeSpan(run.status)}${reason} · **Run:** ${codeSpan(run.id)} (${origin})`
}

function runStatusIcon(run: SyncRunDetails): Markdown {
  if (run.status === 'completed') {
    if (run.status_reason === 'ingestion_failed') return markup`❌`
    return run.status_reason === 'partial_success' ? markup`⚠️` : markup`✅`
  }
  if (run.status === 'failed') return markup`❌`
  if (run.status === 'cancelled') return markup`🚫`
  return isActive(run.status) ? markup`⏳` : markup`❔`
}

function renderRunFigures(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  const duration =
    sync.durationSeconds === undefined ? undefined : formatDuration(sync.durationSeconds * 1000)
  const cpu = formatCount(run.cpu_seconds, 1)
  const figures: [Markdown, Markdown][] = [
    [markup`Started`, escapeCell(formatTimestamp(run.created_at))],
    [markup`Completed`, escapeCell(formatTimestamp(run.completed_at))],
    [markup`Duration`, escapeCell(duration)],
    [markup`Rows`, escapeCell(run.total_rows)],
    [markup`Errors`, escapeCell(run.errors)],
    [markup`Warnings`, escapeCell(run.warnings)]
  ]
  // Resource figures only when the Platform metered them.
  const metered: [Markdown, string | undefined][] = [
    [markup`CPU`, cpu === undefined ? undefined : `${cpu} s`],
    [markup`Memory`, formatByteSeconds(run.memory_byte_seconds)],
    [markup`Egress`, formatBytes(run.network_egress_bytes)]
  ]
  for (const [header, value] of metered) {
    if (value !== undefined) figures.push([header, escapeCell(value)])
  }
  const [first, ...rest] = figures.map(([header]) => header)
  return table(
    [first, ...rest],
    [figures.map(([, value]) => value)],
    figures.map((_, index) => (index < 3 ? 'left' : 'right'))
  )
}

function renderRunNotes(
  report: RunReport,
  sync: SyncOutcome,
  run: SyncRunDetails
): Markdown | undefined {
  const notes: Markdown[] = []
  if (!sync.waited && !report.cancelled) {
    notes.push(
      markup`⏳ Not awaited (${codeSpan('wait: false')}): the run may still be going; its status was ${codeSpan(run.status)} when the action finished.`
    )
  }
  if (sync.timedOut) {
    const after = sync.cancelledByAction
      ? markup` This action cancelled the run.`
      : isTerminal(run.status)
        ? markup``
        : markup` The run was left running.`
    notes.push(markup`⏱️ Timed out after ${escapeText(formatDuration(sync.waitedMs))}.${after}`)
  }
  if (report.cancelled && !isTerminal(run.status)) {
    notes.push(
      markup`🚫 The workflow was cancelled while the action was following this run; the status shown is the last one seen.`
    )
  }
  return notes.length > 0 ? bulletList(notes) : undefined
}

function renderTablesWithErrors(tables: readonly SyncRunTableStat[]): Markdown | undefined {
  if (tables.length === 0) return undefined
  const shown = [...tables].sort((a, b) => (b.errors ?? 0) - (a.errors ?? 0)).slice(0, TABLE_LIMIT)
  return blocks(
    markup`#### Tables with errors`,
    table(
      [markup`Table`, markup`Service`, markup`Errors`, markup`Resources`, markup`Panics`],
      shown.map((stat) => [
        codeSpan(stat.name, NAME_LENGTH),
        escapeCell(stat.service_name, NAME_LENGTH),
        escapeCell(stat.errors),
        escapeCell(stat.resources),
        escapeCell(stat.panics)
      ]),
      ['left', 'left', 'right', 'right', 'right']
    ),
    tables.length > shown.length
      ? markup`_…and ${tables.length - shown.length} more tables with errors._`
      : undefined
  )
}

// --- Policy gate ----------------------------------------------------------------------------

function renderPolicyOverview(report: RunReport, outcome: PolicyOutcome): Markdown {
  const stale = stalePolicies(outcome).length
  const gate =
    report.gateOn === 'new'
      ? markup`Gate on **new** violations (added since each policy's last evaluation before the run)`
      : markup`Gate on **all** current violations`
  const figures = [
    escapeText(plural(outcome.policies.length, 'policy', 'policies')),
    markup`${violatingPolicies(outcome).length} violating`,
    ...(stale > 0 ? [markup`${stale} stale`] : [])
  ]
  return blocks(
    markup`### 🛡️ Policy gate`,
    markup`${gate} · evaluation ${codeSpan(outcome.mode)} · ${joinInline(figures, markup`, `)}`
  )
}

function renderPolicyNotEvaluated(report: RunReport): Markdown | undefined {
  // No thresholds: the policy stage was not configured, or the inputs could not be read at all.
  if (report.thresholds === undefined) return undefined
  const reason =
    report.policiesSkipped ??
    (report.cancelled
      ? 'the workflow was cancelled first'
      : hasError(report, 'policies')
        ? 'the policy stage failed (see the errors below)'
        : 'an earlier stage did not finish')
  return blocks(markup`### 🛡️ Policy gate`, markup`Not evaluated: ${escapeText(reason, 300)}.`)
}

export function renderThresholdsTable(outcome: PolicyOutcome, gateOn?: string): Markdown {
  // The column the gate judges (all or new violations) is in bold.
  const count = (judged: boolean, value: number): Markdown =>
    judged ? markup`**${escapeCell(value)}**` : escapeCell(value)
  const rows = outcome.gate.rows.map((row) => {
    const status = row.breached
      ? markup`❌ over by ${escapeCell(row.counted - (row.allowed ?? 0))}`
      : row.allowed === undefined
        ? markup`➖ no limit`
        : markup`✅ within`
    return [
      row.severity === 'total' ? markup`**Total**` : severityLabel(row.severity),
      count(gateOn !== 'new', row.violations),
      count(gateOn === 'new', row.newViolations),
      escapeCell(row.allowed),
      status
    ]
  })
  if (outcome.unknownSeverityViolations > 0 || outcome.newUnknownSeverityViolations > 0) {
    // Severities the action does not know are not gated on their own, but count in the total.
    rows.splice(rows.length - 1, 0, [
      markup`❔ Other severities`,
      escapeCell(outcome.unknownSeverityViolations),
      escapeCell(outcome.newUnknownSeverityViolations),
      escapeCell(undefined),
      markup`counted in the total`
    ])
  }
  return table(
    [markup`Severity`, markup`Violations`, markup`New`, markup`Allowed`, markup`Status`],
    rows,
    ['left', 'right', 'right', 'right', 'left']
  )
}

export function renderViolatingPolicies(
  outcome: PolicyOutcome,
  limit: number,
  gateOn?: string
): Markdown {
  const violating = violatingPolicies(outcome)
  if (violating.length === 0) return markup`No selected policy has violations.`
  const shown = violating.slice(0, limit)
  const rows = shown.map((policy) => {
    const newCount =
      gateOn === 'new' && policy.newViolations !== undefined
        ? markup` (${escapeCell(policy.newViolations)} new)`
        : markup``
    return [
      severityLabel(policy.severity),
      escapeCell(policy.name, NAME_LENGTH),
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
      : undefined
  )
}

function evaluatedAt(policy: PolicyResult): Markdown {
  const when = escapeCell(formatTimestamp(policy.evaluatedAt), 40)
  if (policy.stale) return markup`${when} ⚠️ stale`
  return policy.source === 'executed' ? markup`${when} (query executed)` : when
}

/** Sample resources of each policy in a collapsed block, as many as fit in `maxBytes`. */
function renderSamples(policies: readonly PolicyResult[], maxBytes: number): Markdown | undefined {
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

function renderStalePolicies(outcome: PolicyOutcome): Markdown | undefined {
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

function renderTrend(outcome: PolicyOutcome): Markdown | undefined {
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
    )
  )
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

// --- Errors and footer ----------------------------------------------------------------------

function renderErrors(report: RunReport): Markdown | undefined {
  if (report.errors.length === 0) return undefined
  const shown = report.errors.slice(0, MESSAGE_LIMIT)
  return blocks(
    markup`### Errors`,
    bulletList(
      shown.map(
        (error) =>
          markup`**${escapeText(stageLabel(error.stage))}:** ${escapeText(error.message, MESSAGE_LENGTH)}`
      )
    ),
    report.errors.length > shown.length
      ? markup`_…and ${report.errors.length - shown.length} more errors._`
      : undefined
  )
}

export function renderFooter(report: RunReport, context: ReportContext): Markdown {
  const parts = [markup`CloudQuery Platform GitHub Action ${escapeText(report.actionVersion, 40)}`]
  if (report.platformUrl) parts.push(markup`Platform ${codeSpan(report.platformUrl)}`)
  if (context.workflowRunUrl) parts.push(link('Workflow run', context.workflowRunUrl))
  const finished = formatTimestamp(report.finishedAt)
  if (finished) parts.push(markup`finished ${escapeText(finished)}`)
  return blocks(markup`---`, markup`<sub>${joinInline(parts, markup` · `)}</sub>`)
}

// --- Shared pieces --------------------------------------------------------------------------

/** Failure reasons and warnings, one per line. */
function renderMessages(
  reasons: readonly string[],
  warnings: readonly string[]
): Markdown | undefined {
  const items = [
    ...reasons.map((reason) => markup`❌ ${escapeText(reason, MESSAGE_LENGTH)}`),
    ...warnings.map((warning) => markup`⚠️ ${escapeText(warning, MESSAGE_LENGTH)}`)
  ]
  return items.length > 0 ? bulletList(items.slice(0, MESSAGE_LIMIT)) : undefined
}

function severityLabel(severity: string): Markdown {
  if (!isKnownSeverity(severity)) return markup`❔ ${escapeText(severity, 40)}`
  const icon = { critical: markup`🔴`, high: markup`🟠`, medium: markup`🟡`, low: markup`🔵` }[
    severity
  ]
  return markup`${icon} ${escapeText(severity.charAt(0).toUpperCase() + severity.slice(1))}`
}

function byteLength(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8')
}
