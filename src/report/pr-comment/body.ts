// The sticky pull-request comment's text: a compact form of the job summary, with a hidden marker
// that lets the next run find and update it. Pure: the GitHub calls are in pr-comment.ts.

import { createHash } from 'node:crypto'
import { formatDuration } from '../../lib/duration.js'
import type { Redactor } from '../../lib/log-safety.js'
import type { RunView, SyncOutcome } from '../../sync/outcome.js'
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
  type Markdown
} from '../render/markdown.js'
import {
  notEvaluatedReason,
  violatingPolicies,
  type ReportContext,
  type RunReport
} from '../model.js'
import { redactDeep } from '../render/redact.js'
import { renderBanner, renderFooter } from '../summary/summary.js'
import {
  renderScopeLine,
  renderThresholdsTable,
  renderViolatingPolicies
} from '../summary/policies.js'
import { renderComparison, renderExceptions } from '../summary/resources.js'
import { renderRunStatus, syncStatusIcon } from '../summary/sync.js'
import { byteLength } from '../summary/pieces.js'
import { renderCoverageLine } from '../summary/coverage.js'

/** GitHub rejects an issue comment longer than 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536
/** What the comment is kept within, in UTF-8 bytes (never fewer than characters), with room to spare. */
export const COMMENT_BUDGET_BYTES = 60_000
const COMMENT_POLICY_LIMIT = 10
const MARKER_PREFIX = 'cloudquery-platform-action'
const MARKER_PART_LENGTH = 100
const REASON_LENGTH = 300
const NAMES_SHOWN = 10
const SYNC_LINES = 20

/** How much detail a rendering carries; the comment takes the first that fits the budget. */
interface Detail {
  policies: number
  reasons: number
}
const DETAIL_LEVELS: readonly Detail[] = [
  { policies: COMMENT_POLICY_LIMIT, reasons: 10 },
  { policies: 5, reasons: 3 },
  { policies: 0, reasons: 1 }
]

export interface CommentOptions {
  /** Applied to everything the comment says (the API key and the GitHub token). */
  redact: Redactor
  /** The `comment-tag` input; part of the marker, so several gates keep separate comments. */
  tag?: string
  /** `pr-comment: on-failure` is updating its earlier failing comment: say the gate passes now. */
  nowPassing?: boolean
}

// --- Marker ---------------------------------------------------------------------------------

/**
 * `<!-- cloudquery-platform-action:<sync names, "~external-sync" or "policies">:<comment-tag> -->`, the comment's
 * first line, by which the action finds its own comment again. Each part is redacted, then
 * percent-encoded down to `[A-Za-z0-9._-]` (so no name can close the comment, add a `:` or span
 * lines), and a long part is shortened with a hash of the whole, so the marker stays one short line
 * and different names keep different markers.
 */
/** `~` is never a name's part (it is encoded), so no sync named `external-sync` shares the comment. */
const EXTERNAL_GATE = '~external-sync'

export function commentMarker(report: RunReport, tag: string, redact: Redactor): string {
  // One name per line, as `sync-name` takes them, so no list of names reads as another. A CLI run's
  // invocation id is new with every run, so it would start a new comment each time.
  const gate = report.externalSync
    ? EXTERNAL_GATE
    : markerPart(report.syncNames.length > 0 ? report.syncNames.join('\n') : 'policies', redact)
  return `<!-- ${MARKER_PREFIX}:${gate}:${markerPart(tag, redact)} -->`
}

export function markerPart(text: string, redact: Redactor): string {
  const normalized = redact(String(text).normalize('NFC').trim())
  const encoded = Array.from(Buffer.from(normalized, 'utf8'), (byte) => {
    const char = String.fromCharCode(byte)
    return /[A-Za-z0-9._-]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  })
    .join('')
    // `--` is harmless in an HTML comment today; spelling it out keeps older parsers happy too.
    .replace(/--/g, '-%2D')
  if (encoded.length <= MARKER_PART_LENGTH) return encoded
  const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 16)
  const head = encoded.slice(0, MARKER_PART_LENGTH - hash.length - 1).replace(/%[0-9A-F]?$/, '')
  return `${head}~${hash}`
}

/** True when `body` is a comment that this gate wrote: its first line is exactly the marker. */
export function isOwnComment(body: string | null | undefined, marker: string): boolean {
  return (body ?? '').split(/\r?\n/, 1)[0].trim() === marker
}

// --- Rendering ------------------------------------------------------------------------------

/** The comment's body: the marker, then the verdict and the gate in brief, within GitHub's limit. */
export function renderComment(
  report: RunReport,
  context: ReportContext,
  options: CommentOptions
): string {
  const marker = commentMarker(report, options.tag ?? '', options.redact)
  const budget = COMMENT_BUDGET_BYTES - byteLength(marker) - 1
  // Redacted once, before building (escaping can split a secret); each rendering again after.
  const safe = redactDeep({ report, context, tag: options.tag ?? '' }, options.redact)
  const nowPassing = options.nowPassing === true
  for (const detail of DETAIL_LEVELS) {
    const body = options.redact(
      composeComment(safe.report, safe.context, safe.tag, detail, nowPassing)
    )
    if (byteLength(body) <= budget) return `${marker}\n${body}`
  }
  // Only a hostile context gets here (every part above is capped); the verdict alone always fits.
  const minimal = options.redact(composeMinimal(safe.report, safe.context))
  return `${marker}\n${byteLength(minimal) <= budget ? minimal : composeMinimal(report, {})}`
}

function composeComment(
  report: RunReport,
  context: ReportContext,
  tag: string,
  detail: Detail,
  nowPassing: boolean
): Markdown {
  const { policies } = report
  const violating = policies ? violatingPolicies(policies).length : 0
  return blocks(
    renderBanner(report),
    nowPassing && report.verdict.result === 'pass'
      ? markup`_An earlier run of this gate on this pull request failed; this run passes._`
      : undefined,
    renderGateLine(report, tag),
    renderSyncLine(report),
    policies && report.verdict.gate
      ? blocks(renderScopeLine(report), renderThresholdsTable(report, report.verdict.gate))
      : renderCompactNotEvaluated(report),
    policies && renderCoverageLine(report),
    policies && detail.policies > 0
      ? renderViolatingPolicies(report, policies, detail.policies)
      : policies && violating > 0
        ? markup`_${escapeText(`${violating} violating policies`)}: see the job summary._`
        : undefined,
    policies && detail.policies > 0 ? renderComparison(report, policies) : undefined,
    policies && detail.policies > 0 ? renderExceptions(report, policies) : undefined,
    renderReasons(report, detail.reasons),
    renderDetailsLink(context),
    renderFooter(report, context)
  )
}

function composeMinimal(report: RunReport, context: ReportContext): Markdown {
  const verdict =
    report.verdict.result === 'pass'
      ? markup`## ✅ CloudQuery Platform: passed`
      : markup`## ❌ CloudQuery Platform: failed`
  return blocks(
    verdict,
    context.workflowRunUrl
      ? markup`Details: ${link('the workflow run', context.workflowRunUrl)}`
      : markup`Details: the job summary of this workflow run.`
  )
}

/** Which gate this is, when the marker alone would say it: the comment tag. */
function renderGateLine(report: RunReport, tag: string): Markdown | undefined {
  if (tag.trim() === '') return undefined
  const parts = [gateName(report.syncNames), markup`tag ${codeSpan(tag, 100)}`]
  return markup`<sub>${joinInline(parts, markup` · `)}</sub>`
}

/** Which syncs the gate follows: every name, each shortened and the list capped. */
function gateName(names: readonly string[]): Markdown {
  if (names.length === 0) return markup`Policies-only gate`
  if (names.length === 1) return markup`Sync ${codeSpan(names[0], 100)}`
  const shown = names.slice(0, NAMES_SHOWN).map((name) => codeSpan(name, 60))
  const more = names.length - shown.length
  const rest = more > 0 ? markup` and ${more} more` : markup``
  return markup`Syncs ${joinInline(shown, markup`, `)}${rest}`
}

/** One line on the sync run, when there was one; with several, one short line per sync. */
function renderSyncLine(report: RunReport): Markdown | undefined {
  if (report.syncs.length > 1) return renderSyncLines(report.syncs)
  const [sync] = report.syncs
  if (!sync?.view) return undefined
  return markup`**Sync ${codeSpan(sync.syncName, 100)}** · ${renderRunStatus(sync, sync.view)}${runFigures(sync, sync.view)}`
}

function renderSyncLines(syncs: readonly SyncOutcome[]): Markdown {
  const shown = syncs.slice(0, SYNC_LINES)
  const lines = shown.map((sync) => {
    const name = codeSpan(sync.syncName, 100)
    if (!sync.view) return markup`${name} · no run`
    const status = markup`${syncStatusIcon(sync.view)} ${codeSpan(sync.view.status, 40)}`
    return markup`${name} · ${status}${runFigures(sync, sync.view)}`
  })
  return blocks(
    bulletList(lines),
    syncs.length > shown.length
      ? markup`_…and ${syncs.length - shown.length} more syncs, in the job summary._`
      : undefined
  )
}

/** ` · 1,234 rows · 5m 12s`, what of it is known. */
function runFigures(sync: SyncOutcome, view: RunView): Markdown {
  const figures: Markdown[] = []
  if (view.rows != null) figures.push(markup`${escapeCell(view.rows)} rows`)
  if (sync.durationSeconds !== undefined) {
    figures.push(escapeText(formatDuration(sync.durationSeconds * 1000)))
  }
  return figures.length > 0 ? markup` · ${joinInline(figures, markup` · `)}` : markup``
}

/** The policy gate that did not run, in one line; a passing banner already says why. */
function renderCompactNotEvaluated(report: RunReport): Markdown | undefined {
  const reason = notEvaluatedReason(report)
  if (reason === undefined || report.verdict.result === 'pass') return undefined
  return markup`**Policy gate:** not evaluated: ${escapeText(reason, REASON_LENGTH)}.`
}

/** Every failure reason (the banner shows the first), collapsed. */
function renderReasons(report: RunReport, limit: number): Markdown | undefined {
  const { reasons } = report.verdict
  if (reasons.length <= 1 || limit === 0) return undefined
  const shown = reasons.slice(0, limit)
  const more = reasons.length - shown.length
  return details(
    `Why it failed: ${reasons.length} reasons`,
    blocks(
      bulletList(shown.map((reason) => escapeText(reason.text, REASON_LENGTH))),
      more > 0 ? markup`_…and ${more} more, in the job summary._` : undefined
    )
  )
}

function renderDetailsLink(context: ReportContext): Markdown | undefined {
  if (!context.workflowRunUrl) return undefined
  return markup`📄 Full report: the job summary of ${link('this workflow run', context.workflowRunUrl)}.`
}
