// Posting the sticky pull-request comment (its text is rendered by pr-comment-body.ts):
// `publishComment` finds the action's earlier comment by its hidden marker and updates it in place,
// or creates one. Commenting is best effort: any failure is a warning and
// never changes the gate's verdict. The GitHub client is loaded only when a comment is needed, so
// the runs that do not comment neither pay for loading it nor read the event payload.

import * as core from '@actions/core'
import type { PrCommentMode, ReportConfig } from '../../inputs/config.js'
import type { Logger } from '../../lib/logger.js'
import { createRedactor, type Redactor } from '../../lib/log-safety.js'
import { messageOf } from '../../lib/text.js'
import {
  createOctokit,
  githubApiUrl,
  loadGitHub,
  type GitHub,
  type Octokit
} from '../../lib/github-client.js'
import type { ReportContext, RunReport } from '../model.js'
import { commentMarker, isOwnComment, renderComment } from './body.js'

const PR_EVENTS: readonly string[] = ['pull_request', 'pull_request_target']

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
  const apiUrl = githubApiUrl(env)
  let github: GitHub
  try {
    github = await loadGitHub()
  } catch (error) {
    return fail(
      `Could not post the pull-request comment: the GitHub client did not load (${messageOf(error)}).`
    )
  }
  const job = { github, token, event, apiUrl, safe, skip, fail }
  return postComment(report, context, settings, job, log)
}

/** What publishComment settled before any request: the client, the token and how to report. */
interface CommentJob {
  github: GitHub
  token: string
  event: string
  apiUrl: string
  safe: Redactor
  skip: (reason: string) => CommentResult
  fail: (message: string) => CommentResult
}

async function postComment(
  report: RunReport,
  context: ReportContext,
  settings: CommentSettings,
  { github, token, event, apiUrl, safe, skip, fail }: CommentJob,
  log: Logger
): Promise<CommentResult> {
  const mode = settings.prComment
  let target: PullRequestTarget | undefined
  try {
    target = pullRequestOf(github.context)
    if (target === undefined) {
      return fail(
        `Could not post the pull-request comment: the "${event}" event's payload (GITHUB_EVENT_PATH) names no pull request.`
      )
    }
    const octokit = createOctokit(github, token, apiUrl, (message) => log.debug(safe(message)))
    const existing = await findOwnComment(
      octokit,
      target,
      commentMarker(report, settings.commentTag, safe)
    )
    const failing = report.verdict.result === 'fail'
    if (mode === 'on-failure' && !failing && existing === undefined) {
      return skip('the gate passed, "pr-comment" is "on-failure", and there is no earlier comment')
    }
    const body = renderComment(report, context, {
      redact: safe,
      tag: settings.commentTag,
      nowPassing: mode === 'on-failure' && !failing
    })
    return await upsertComment(octokit, target, existing, body, (message) =>
      log.info(safe(message))
    )
  } catch (error) {
    return fail(commentFailureMessage(error, apiUrl, target))
  }
}

/** The id of this gate's earlier comment on the pull request, found by its marker. */
async function findOwnComment(
  octokit: Octokit,
  { owner, repo, number }: PullRequestTarget,
  marker: string
): Promise<number | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100
  })
  for await (const { data } of pages) {
    const found = data.find((comment) => isOwnComment(comment.body, marker))
    if (found) return found.id
  }
  return undefined
}

/** Updates the earlier comment in place, or creates the first one. */
async function upsertComment(
  octokit: Octokit,
  { owner, repo, number }: PullRequestTarget,
  existing: number | undefined,
  body: string,
  info: (message: string) => void
): Promise<CommentResult> {
  if (existing !== undefined) {
    const { data } = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: existing,
      body
    })
    info(`Updated the comment on pull request #${number}: ${data.html_url}`)
    return { action: 'updated', commentId: existing }
  }
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: number,
    body
  })
  info(`Commented on pull request #${number}: ${data.html_url}`)
  return { action: 'created', commentId: data.id }
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
