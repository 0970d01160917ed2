// The job summary: a verdict banner, the sync run, the policy gate, the errors and a footer. Each
// section is its own exported function of a (redacted) report, so the PR comment can assemble a
// compact form from the same pieces. Every list is capped, so however much the Platform returns
// the summary stays under GitHub's limit of 1 MiB per step.

import { plural } from '../../lib/text.js'
import type { Redactor } from '../../lib/log-safety.js'
import { formatTimestamp } from '../render/format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeCell,
  escapeText,
  joinInline,
  link,
  markup,
  type Markdown
} from '../render/markdown.js'
import type { SyncOutcome } from '../../sync/outcome.js'
import {
  stageLabel,
  syncTotals,
  totalRow,
  violatingPolicies,
  type ReportContext,
  type RunReport
} from '../model.js'
import type { PolicyOutcome } from '../../policies/outcome.js'
import type { Gate } from '../../verdict/gate.js'
import { countedMeaning, countsOtherThanViolations, gateColumns } from '../render/wording.js'
import { redacted } from '../render/redact.js'
import { renderMessages, byteLength, MESSAGE_LENGTH, MESSAGE_LIMIT } from './pieces.js'
import { coverageFootnote, renderCoverage } from './coverage.js'
import { renderComparison, renderExceptions } from './resources.js'
import { renderSyncsSection } from './syncs.js'
import {
  renderPolicyOverview,
  renderPolicyNotEvaluated,
  renderThresholdsTable,
  renderViolatingPolicies,
  renderSamples,
  renderStalePolicies,
  renderTrend,
  VIOLATING_POLICY_LIMIT
} from './policies.js'

/** GitHub rejects a step summary over 1 MiB (1,048,576 bytes); keep clear of it. */
export const SUMMARY_MAX_BYTES = 1_000_000

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
    renderSyncsSection(report),
    policies ? renderPolicyOverview(report, policies) : renderPolicyNotEvaluated(report),
    policies && report.verdict.gate && renderThresholdsTable(report, report.verdict.gate),
    policies && coverageFootnote(report, policies.policies),
    policies && renderViolatingPolicies(report, policies, VIOLATING_POLICY_LIMIT),
    policies && renderCoverage(report),
    policies && renderComparison(report, policies),
    policies && renderExceptions(report, policies)
  )
  const tail = blocks(
    policies && renderStalePolicies(policies),
    policies && renderTrend(report, policies),
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
  if (report.verdict.result === 'pass') {
    return blocks(markup`## ✅ CloudQuery Platform: passed`, passLine(report))
  }
  const { reasons, softened } = report.verdict
  const more = reasons.length > 1 ? markup` _(and ${reasons.length - 1} more, below)_` : markup``
  return blocks(
    markup`## ❌ CloudQuery Platform: failed`,
    reasons.length > 0 ? markup`**Why:** ${escapeText(reasons[0].text, 300)}${more}` : undefined,
    softened
      ? markup`**Soft fail:** ${codeSpan('soft-fail')} is on and only thresholds were breached, so this step is not marked as failed; the ${codeSpan('result')} output is ${codeSpan('fail')}.`
      : report.softFail
        ? markup`**Soft fail does not apply:** ${codeSpan('soft-fail')} softens breached thresholds only, and this step failed for another reason.`
        : undefined
  )
}

function passLine(report: RunReport): Markdown {
  const parts: Markdown[] = []
  const { policies } = report
  parts.push(...syncPassLine(report.syncs))
  if (policies && report.verdict.gate) {
    parts.push(policiesPassLine(policies, report.verdict.gate, report))
  } else if (report.policiesSkipped) {
    parts.push(markup`Policies not evaluated: ${escapeText(report.policiesSkipped, 300)}.`)
  }
  return joinInline(parts, markup` `)
}

/** The policies in a sentence, naming the figure the thresholds judged when it is not the count. */
function policiesPassLine(policies: PolicyOutcome, gate: Gate, report: RunReport): Markdown {
  const selected = escapeText(plural(policies.policies.length, 'policy', 'policies'))
  if (policies.policies.length === 0) return markup`No policies were selected.`
  const total = totalRow(gate)
  const violations = total.violations ?? 0
  if (violations === 0) return markup`No violations in ${selected}.`
  const found = markup`${escapeText(plural(violations, 'violation'))} in ${violatingPolicies(policies).length} of ${selected}`
  if (!countsOtherThanViolations(gate, gateColumns(report.verdict.resources))) {
    return markup`${found}, all within the thresholds.`
  }
  const meaning = escapeText(countedMeaning(gate, total))
  return total.counted === null
    ? markup`${found}; every severity the thresholds limit is within them, counting only violations ${meaning}.`
    : markup`${found}; the thresholds count ${escapeText(plural(total.counted, 'violation'))} (${meaning}), all within.`
}

/** What the runs did, in a sentence: each by name for one sync, counted and added up for several. */
function syncPassLine(syncs: readonly SyncOutcome[]): Markdown[] {
  const [sync] = syncs
  if (syncs.length > 1) {
    const { rows } = syncTotals(syncs)
    const count = escapeText(plural(syncs.length, 'sync'))
    if (syncs.some((each) => !each.waited)) {
      return [
        markup`${count} were started or attached to and not awaited (${codeSpan('wait: false')}).`
      ]
    }
    const total = rows === undefined ? markup`` : markup`: ${escapeCell(rows)} rows`
    return [markup`${count} completed${total}.`]
  }
  if (sync?.view && !sync.waited) {
    return [
      markup`Run ${codeSpan(sync.view.id)} of sync ${codeSpan(sync.syncName)} was started and not awaited (${codeSpan('wait: false')}).`
    ]
  }
  if (sync?.view) {
    const what = sync.kind === 'external' ? markup`CLI sync` : markup`Sync`
    return [
      markup`${what} ${codeSpan(sync.syncName)} completed: ${escapeCell(sync.view.rows)} rows.`
    ]
  }
  return []
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
  if (report.platformUrl) {
    const version = report.platformVersion
      ? markup` (version ${escapeText(report.platformVersion, 60)})`
      : markup``
    parts.push(markup`Platform ${codeSpan(report.platformUrl)}${version}`)
  }
  if (context.workflowRunUrl) parts.push(link('Workflow run', context.workflowRunUrl))
  const finished = formatTimestamp(report.finishedAt)
  if (finished) parts.push(markup`finished ${escapeText(finished)}`)
  return blocks(markup`---`, markup`<sub>${joinInline(parts, markup` · `)}</sub>`)
}
