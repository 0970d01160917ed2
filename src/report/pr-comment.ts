// The sticky pull-request comment: a compact form of the job summary, posted where reviewers look.
// `renderComment` is pure; `publishComment` finds the action's earlier comment by its hidden marker
// and updates it in place, or creates one. Commenting is best effort: any failure is a warning and
// never changes the gate's verdict. The GitHub client is loaded only when a comment is needed, so
// the runs that do not comment neither pay for loading it nor read the event payload.

import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import { formatDuration } from '../lib/duration.js'
import type { PrCommentMode, ReportConfig } from '../inputs/parse.js'
import type { Logger } from '../lib/logger.js'
import { createRedactor, type Redactor } from '../lib/log-safety.js'
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
} from './markdown.js'
import { failureReasons, violatingPolicies, type ReportContext, type RunReport } from './model.js'
import { redactDeep } from './redact.js'
import {
  renderBanner,
  renderFooter,
  renderRunStatus,
  renderThresholdsTable,
  renderViolatingPolicies
} from './summary.js'

/** GitHub rejects an issue comment longer than 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536
/** What the comment is kept within, in UTF-8 bytes (never fewer than characters), with room to spare. */
export const COMMENT_BUDGET_BYTES = 60_000
const COMMENT_POLICY_LIMIT = 10
const MARKER_PREFIX = 'cloudquery-platform-action'
const MARKER_PART_LENGTH = 100
const REASON_LENGTH = 300
const REQUEST_TIMEOUT_MS = 30_000
const PR_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

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
 * `<!-- cloudquery-platform-action:<sync name or "policies">:<comment-tag> -->`, the comment's
 * first line, by which the action finds its own comment again. Each part is redacted, then
 * percent-encoded down to `[A-Za-z0-9._-]` (so no name can close the comment, add a `:` or span
 * lines), and a long part is shortened with a hash of the whole, so the marker stays one short line
 * and different names keep different markers.
 */
export function commentMarker(report: RunReport, tag: string, redact: Redactor): string {
  const gate = report.syncName ?? report.sync?.syncName ?? 'policies'
  return `<!-- ${MARKER_PREFIX}:${markerPart(gate, redact)}:${markerPart(tag, redact)} -->`
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
    nowPassing && report.result === 'pass'
      ? markup`_An earlier run of this gate on this pull request failed; this run passes._`
      : undefined,
    renderGateLine(report, tag),
    renderSyncLine(report),
    policies ? renderThresholdsTable(policies, report.gateOn) : renderPolicyNotEvaluated(report),
    policies && detail.policies > 0
      ? renderViolatingPolicies(policies, detail.policies, report.gateOn)
      : policies && violating > 0
        ? markup`_${escapeText(`${violating} violating policies`)}: see the job summary._`
        : undefined,
    renderReasons(report, detail.reasons),
    renderDetailsLink(context),
    renderFooter(report, context)
  )
}

function composeMinimal(report: RunReport, context: ReportContext): Markdown {
  const verdict =
    report.result === 'pass'
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
  const gate = report.syncName ?? report.sync?.syncName
  const parts = [
    ...(gate === undefined ? [markup`Policies-only gate`] : [markup`Sync ${codeSpan(gate, 100)}`]),
    markup`tag ${codeSpan(tag, 100)}`
  ]
  return markup`<sub>${joinInline(parts, markup` · `)}</sub>`
}

/** One line on the sync run, when there was one. */
function renderSyncLine(report: RunReport): Markdown | undefined {
  const { sync } = report
  const run = sync?.run
  if (!sync || !run) return undefined
  const figures: Markdown[] = []
  const rows = escapeCell(run.total_rows)
  if (run.total_rows != null) figures.push(markup`${rows} rows`)
  if (sync.durationSeconds !== undefined) {
    figures.push(escapeText(formatDuration(sync.durationSeconds * 1000)))
  }
  const tail = figures.length > 0 ? markup` · ${joinInline(figures, markup` · `)}` : markup``
  return markup`**Sync ${codeSpan(sync.syncName, 100)}** · ${renderRunStatus(sync, run)}${tail}`
}

function renderPolicyNotEvaluated(report: RunReport): Markdown | undefined {
  // A passing banner already says why; a failing one leads with the failure instead.
  if (report.thresholds === undefined || report.result === 'pass') return undefined
  const reason = report.policiesSkipped ?? 'an earlier stage did not finish'
  return markup`**Policy gate:** not evaluated: ${escapeText(reason, REASON_LENGTH)}.`
}

/** Every failure reason (the banner shows the first), collapsed. */
function renderReasons(report: RunReport, limit: number): Markdown | undefined {
  const reasons = failureReasons(report)
  if (reasons.length <= 1 || limit === 0) return undefined
  const shown = reasons.slice(0, limit)
  const more = reasons.length - shown.length
  return details(
    `Why it failed: ${reasons.length} reasons`,
    blocks(
      bulletList(shown.map((reason) => escapeText(reason, REASON_LENGTH))),
      more > 0 ? markup`_…and ${more} more, in the job summary._` : undefined
    )
  )
}

function renderDetailsLink(context: ReportContext): Markdown | undefined {
  if (!context.workflowRunUrl) return undefined
  return markup`📄 Full report: the job summary of ${link('this workflow run', context.workflowRunUrl)}.`
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

// --- Publishing -----------------------------------------------------------------------------

export type CommentSettings = Pick<ReportConfig, 'prComment' | 'githubToken' | 'commentTag'>

export interface CommentDeps {
  redact: Redactor
  log: Logger
  /** Where GITHUB_EVENT_NAME and GITHUB_API_URL are read (the GitHub client reads process.env). */
  env?: NodeJS.ProcessEnv
}

export type CommentResult =
  | { action: 'created' | 'updated'; commentId: number }
  | { action: 'skipped'; reason: string }
  | { action: 'failed'; reason: string }

interface PullRequestTarget {
  owner: string
  repo: string
  number: number
  /** The pull request's head is in another repository: its token is read-only. */
  fork: boolean
}

/**
 * Creates or updates the gate's sticky comment on the pull request that triggered the workflow.
 * Never throws: a comment that cannot be posted is a warning explaining why.
 */
export async function publishComment(
  report: RunReport,
  context: ReportContext,
  settings: CommentSettings,
  { redact, log, env = process.env }: CommentDeps
): Promise<CommentResult> {
  const mode: PrCommentMode = settings.prComment
  const skip = (reason: string): CommentResult => {
    log.debug(`Pull-request comment: nothing posted, because ${reason}.`)
    return { action: 'skipped', reason }
  }
  if (mode === 'off') return skip('"pr-comment" is "off"')
  // Masked as soon as it is known to be meant for use, whether or not this event comments.
  const token = settings.githubToken.trim()
  if (token !== '') core.setSecret(token)
  const event = env.GITHUB_EVENT_NAME ?? ''
  if (!PR_EVENTS.includes(event)) {
    return skip(
      `the workflow was triggered by ${event === '' ? 'an unknown event' : `"${event}"`}, not by pull_request or pull_request_target`
    )
  }
  const tokenRedactor = createRedactor([token])
  const safe: Redactor = (text) => tokenRedactor(redact(tokenRedactor(text)))
  const fail = (message: string): CommentResult => {
    const reason = safe(message)
    log.warning(`${reason} The gate's verdict is not affected.`)
    return { action: 'failed', reason }
  }
  if (token === '') {
    return fail(
      'Could not post the pull-request comment: "github-token" is empty. Leave it at its default (${{ github.token }}) or pass a token with the `pull-requests: write` permission.'
    )
  }
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  let github: typeof import('@actions/github')
  try {
    // Bundled into dist/index.js ("eager": no separate chunk, which ncc's licenses.txt would miss)
    // but evaluated only here, so runs that do not comment pay nothing for it at start-up.
    github = await import(/* webpackMode: "eager" */ '@actions/github')
  } catch (error) {
    return fail(
      `Could not post the pull-request comment: the GitHub client did not load (${messageOf(error)}).`
    )
  }
  let target: PullRequestTarget | undefined
  try {
    target = pullRequestOf(github.context)
    if (target === undefined) {
      return fail(
        `Could not post the pull-request comment: the "${event}" event's payload (GITHUB_EVENT_PATH) names no pull request.`
      )
    }
    const { owner, repo, number } = target
    const octokit = github.getOctokit(token, {
      // The client's default is read from GITHUB_API_URL when it loads; passing it is explicit.
      baseUrl: apiUrl,
      log: {
        debug: (message: string) => log.debug(safe(message)),
        info: (message: string) => log.debug(safe(message)),
        warn: (message: string) => log.debug(safe(message)),
        error: (message: string) => log.debug(safe(message))
      }
    })
    // No request may hang the step: each (every page included) gets its own deadline.
    octokit.hook.wrap('request', (request, options) =>
      request({
        ...options,
        request: { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
      })
    )

    const marker = commentMarker(report, settings.commentTag, safe)
    let existing: number | undefined
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100
    })
    for await (const { data } of pages) {
      existing = data.find((comment) => isOwnComment(comment.body, marker))?.id
      if (existing !== undefined) break
    }

    const failing = report.result === 'fail'
    if (mode === 'on-failure' && !failing && existing === undefined) {
      return skip('the gate passed, "pr-comment" is "on-failure", and there is no earlier comment')
    }
    const body = renderComment(report, context, {
      redact: safe,
      tag: settings.commentTag,
      nowPassing: mode === 'on-failure' && !failing
    })
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing,
        body
      })
      log.info(safe(`Updated the comment on pull request #${number}: ${data.html_url}`))
      return { action: 'updated', commentId: existing }
    }
    const { data } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body
    })
    log.info(safe(`Commented on pull request #${number}: ${data.html_url}`))
    return { action: 'created', commentId: data.id }
  } catch (error) {
    return fail(commentFailureMessage(error, apiUrl, target))
  }
}

interface GitHubContextLike {
  payload: { pull_request?: unknown; number?: unknown }
  repo: { owner: string; repo: string }
}

function pullRequestOf(context: GitHubContextLike): PullRequestTarget | undefined {
  const pr = (context.payload.pull_request ?? {}) as {
    number?: unknown
    head?: { repo?: { full_name?: unknown } | null }
    base?: { repo?: { full_name?: unknown } | null }
  }
  const number = typeof pr.number === 'number' ? pr.number : context.payload.number
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return undefined
  const head = pr.head?.repo?.full_name
  const base = pr.base?.repo?.full_name
  const { owner, repo } = context.repo
  return { owner, repo, number, fork: typeof head === 'string' && head !== base }
}

interface RequestErrorLike {
  status?: unknown
  message?: unknown
  response?: unknown
}

/** Why the comment could not be posted, and what to do about it. */
export function commentFailureMessage(
  error: unknown,
  apiUrl: string,
  target?: PullRequestTarget
): string {
  const { status, message, response } = (error ?? {}) as RequestErrorLike
  const detail = String(message ?? error).trim()
  const where = target ? `pull request #${target.number} in ${target.owner}/${target.repo}` : ''
  const lead = 'Could not post the pull-request comment:'
  const permission =
    'The token in "github-token" needs the `pull-requests: write` permission: add `permissions: { contents: read, pull-requests: write }` to the job.'
  if (typeof status !== 'number' || response === undefined) {
    return `${lead} no answer from the GitHub API at ${apiUrl} (${detail}).`
  }
  switch (status) {
    case 401:
      return `${lead} GitHub rejected the token (401: ${detail}). Check the "github-token" input.`
    case 403: {
      const fork = target?.fork
        ? " This pull request comes from a fork, and workflows run for a fork's pull request get a read-only token whatever the permissions say, so no comment can be posted on it (the job summary still has the report)."
        : ' Pull requests from forks get a read-only token, so no comment can be posted on those.'
      return `${lead} GitHub refused it (403: ${detail}). ${permission}${fork}`
    }
    case 404:
      return `${lead} GitHub answered 404 (${detail}) for ${where || 'the pull request'} at ${apiUrl}. GitHub answers 404 rather than 403 when the token may not see the repository: ${permission} Also check that GITHUB_API_URL is this repository's GitHub.`
    default:
      return `${lead} GitHub answered ${status} (${detail}) for ${where || 'the pull request'} at ${apiUrl}.`
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
