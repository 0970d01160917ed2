// `baseline-artifact`: the default branch's newest baseline, found and downloaded through the GitHub
// API before any sync starts, and read exactly as `baseline-file` is. Every way this can fail is a
// BaselineProblem value saying what to do; the caller makes it an input error.

import * as core from '@actions/core'
import type { BaselineArtifactSource, BaselineFile } from '../inputs/config.js'
import {
  BASELINE_EXPECTED,
  MAX_BASELINE_BYTES,
  otherSelectionProblem,
  parseBaselineText,
  type BaselineSelection
} from '../lib/baseline-format.js'
import {
  createOctokit,
  githubApiUrl,
  loadGitHub,
  type GitHub,
  type Octokit
} from '../lib/github-client.js'
import { createRedactor, oneLine, type Redactor } from '../lib/log-safety.js'
import type { Logger } from '../lib/logger.js'
import { messageOf, plural } from '../lib/text.js'
import { baselineJsonOf } from './archive.js'
import { downloadArchive } from './download.js'
import {
  describePassedOver,
  listCandidates,
  MAX_CANDIDATES,
  repositoryOf,
  runMisfit,
  runOf,
  type Candidate,
  type Repository
} from './find.js'
import { githubProblem } from './github-errors.js'
import { BaselineProblemError, INPUT, type BaselineProblem } from './problem.js'

export interface BaselineArtifactRequest {
  name: string
  /** This workflow's selection, which the baseline must cover. */
  selection: BaselineSelection
  /** `owner/repo` and this workflow run, as the runner sets them (GITHUB_REPOSITORY, GITHUB_RUN_ID). */
  repository?: string
  runId?: string
  /** Where the PR-gate page is, for the messages. */
  docs: string
}

export interface BaselineDeps {
  octokit: Octokit
  log: Logger
  /** Takes the token out of anything said. */
  redact: Redactor
  /** Epoch ms. */
  now: () => number
}

export type BaselineArtifactResult = { baseline: BaselineFile } | { problem: BaselineProblem }

/** Connects to GitHub with `github-token`, then finds the baseline (see findBaselineArtifact). */
export async function baselineFromArtifact(
  name: string,
  { token, selection }: { token: string; selection: BaselineSelection },
  env: NodeJS.ProcessEnv,
  log: Logger
): Promise<BaselineArtifactResult> {
  core.setSecret(token)
  const redact = createRedactor([token])
  const request = {
    name,
    selection,
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    docs: docsUrl(env)
  }
  let github: GitHub
  try {
    github = await loadGitHub()
  } catch (error) {
    return problem('unavailable', `the GitHub client did not load (${messageOf(error)}).`, redact)
  }
  const octokit = createOctokit(github, token, githubApiUrl(env), (m) => log.debug(redact(m)))
  return findBaselineArtifact(request, { octokit, log, redact, now: Date.now })
}

/**
 * The newest artifact `name` of the default branch made before this workflow run (so every attempt
 * of a re-run finds the same one), downloaded, read and checked against the workflow's selection.
 */
export async function findBaselineArtifact(
  request: BaselineArtifactRequest,
  deps: BaselineDeps
): Promise<BaselineArtifactResult> {
  const { repository: fullName, runId } = request
  if (!fullName?.includes('/') || !/^\d+$/.test(runId ?? '')) {
    return problem(
      'unavailable',
      `it works in a GitHub Actions workflow run only: GITHUB_REPOSITORY and GITHUB_RUN_ID, which the runner sets, are missing.`,
      deps.redact
    )
  }
  try {
    const repository = await repositoryOf(deps.octokit, fullName)
    const thisRun = await runOf(deps.octokit, repository, Number(runId))
    const found = await newestFitting(request, repository, thisRun.createdAt, deps)
    const baseline = readBaseline(found, request, deps.now())
    deps.log.info(describeSource(baseline.artifact!, deps.now()))
    return { baseline }
  } catch (error) {
    if (error instanceof BaselineProblemError)
      return problem(error.kind, error.message, deps.redact)
    const { kind, message } = githubProblem(error, fullName)
    return problem(kind, message, deps.redact)
  }
}

interface Found {
  source: BaselineArtifactSource
  json: string
}

async function newestFitting(
  request: BaselineArtifactRequest,
  repository: Repository,
  before: string,
  deps: BaselineDeps
): Promise<Found> {
  const { octokit, log } = deps
  const wanted = { name: request.name, before, now: deps.now() }
  const listing = await listCandidates(octokit, repository, wanted)
  for (const candidate of listing.candidates.slice(0, MAX_CANDIDATES)) {
    const what = `artifact "${oneLine(candidate.name, 100)}" (id ${candidate.id})`
    const run = await runOf(octokit, repository, candidate.runId).catch((error: unknown) => {
      if ((error as { status?: unknown }).status === 404) return undefined
      throw error
    })
    const misfit = run ? runMisfit(run, repository) : `its run ${candidate.runId} is gone`
    if (misfit || !run) {
      log.info(`Baseline: passed over ${what}: ${misfit}.`)
      continue
    }
    const zip = await downloadArchive(octokit, repository, candidate.id, what)
    if (zip === 'gone') {
      log.info(`Baseline: passed over ${what}: it expired or was deleted since it was listed.`)
      continue
    }
    const json = baselineJsonOf(zip, MAX_BASELINE_BYTES, what)
    return { source: sourceOf(candidate, run, repository), json }
  }
  throw notFound(request, repository, before, listing)
}

function sourceOf(
  candidate: Candidate,
  run: { id: number; url: string; event: string },
  repository: Repository
): BaselineArtifactSource {
  return {
    name: candidate.name,
    id: candidate.id,
    createdAt: candidate.createdAt,
    runId: run.id,
    runUrl: run.url,
    branch: repository.defaultBranch,
    event: run.event
  }
}

/** The artifact's JSON read as `baseline-file` reads a file, then held to the workflow's selection. */
function readBaseline(
  { source, json }: Found,
  request: BaselineArtifactRequest,
  now: number
): BaselineFile {
  const what = `artifact "${oneLine(source.name, 100)}" (id ${source.id}) of run ${source.runId}`
  const parsed = parseBaselineText(() => json, now)
  if ('problem' in parsed) {
    throw new BaselineProblemError(
      'not-a-baseline',
      `${what} is not a baseline: it ${parsed.problem}. Expected ${BASELINE_EXPECTED}. Upload the file "baseline-write" writes, and only it, under this name.`
    )
  }
  const baseline = {
    path: `${source.name} (artifact ${source.id})`,
    ...parsed.baseline,
    artifact: source
  }
  const other = otherSelectionProblem('baseline-artifact', what, baseline, request.selection)
  if (other) throw new BaselineProblemError('other-selection', other)
  return baseline
}

function notFound(
  request: BaselineArtifactRequest,
  repository: Repository,
  before: string,
  listing: Awaited<ReturnType<typeof listCandidates>>
): BaselineProblemError {
  const branch = oneLine(repository.defaultBranch, 100)
  const tried =
    listing.candidates.length > 0
      ? ` ${plural(Math.min(listing.candidates.length, MAX_CANDIDATES), 'newer artifact')} of that name did not fit (see the log).`
      : ''
  return new BaselineProblemError(
    'not-found',
    `no baseline artifact named "${oneLine(request.name, 100)}" fits: one made on the default branch "${branch}" of ${repository.owner}/${repository.repo} by a push, schedule or workflow_dispatch run, not expired, and created before this workflow run (${before}).${describePassedOver(listing)}${tried}${listing.cutShort ? ' Only the newest artifacts were looked at.' : ''} To bootstrap: run the baseline workflow once on "${branch}" (Actions → the workflow → Run workflow), wait for it to upload "${oneLine(request.name, 100)}", then re-run this job. See ${request.docs}.`
  )
}

/** `Baseline: artifact "x" (id 1) uploaded by run 2 (https://…) on main (schedule), 5 hours old.` */
function describeSource(source: BaselineArtifactSource, now: number): string {
  const hours = Math.max(0, Math.floor((now - Date.parse(source.createdAt)) / 3_600_000))
  return `Baseline: artifact "${oneLine(source.name, 100)}" (id ${source.id}), uploaded by run ${source.runId} (${source.runUrl}) on ${oneLine(source.branch, 100)} (${oneLine(source.event, 40)}), made ${source.createdAt}, ${plural(hours, 'hour')} ago.`
}

function problem(
  kind: BaselineProblem['kind'],
  message: string,
  redact: Redactor
): { problem: BaselineProblem } {
  // Every message names the input; the selection's comes named already (it is shared with the file).
  const named = message.startsWith(INPUT) ? message : `${INPUT}: ${message}`
  return { problem: { kind, message: redact(named) } }
}

/** The PR-gate page of the action's own repository and version, when the runner says which. */
function docsUrl(env: NodeJS.ProcessEnv): string {
  const {
    GITHUB_SERVER_URL: server,
    GITHUB_ACTION_REPOSITORY: action,
    GITHUB_ACTION_REF: ref
  } = env
  return server && action && ref
    ? `${server}/${action}/blob/${ref}/docs/pr-gate.md`
    : "docs/pr-gate.md in the action's repository"
}
