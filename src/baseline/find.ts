// Finding the default branch's baseline artifact through the GitHub REST API. The listing is
// filtered and ordered here (GitHub's `name` filter and its order are asked for, not relied upon),
// within bounds, and each candidate's run is looked up before the artifact is downloaded.

import { oneLine } from '../lib/log-safety.js'
import type { Octokit } from '../lib/github-client.js'
import { plural } from '../lib/text.js'

/** Pages of the artifacts listing read at most (100 artifacts a page). */
const MAX_LISTING_PAGES = 5
const PAGE_SIZE = 100
/** Candidates whose run is looked up (and, if it fits, downloaded) at most. */
export const MAX_CANDIDATES = 10
/** The runs a default branch's baseline comes from: not a pull request's, nor one another run set off. */
const BASELINE_EVENTS: readonly string[] = ['push', 'schedule', 'workflow_dispatch']

export interface Repository {
  owner: string
  repo: string
  id: number
  defaultBranch: string
}

export interface Candidate {
  id: number
  name: string
  createdAt: string
  sizeInBytes: number
  runId: number
}

export interface RunFacts {
  id: number
  createdAt: string
  event: string
  headBranch: string
  headRepositoryId?: number
  repositoryId?: number
  url: string
}

/** The artifact looked for, and what makes one too new or expired. */
export interface Wanted {
  name: string
  /** This workflow run's creation (ISO 8601): the same for every attempt of a re-run. */
  before: string
  /** Epoch ms, from the clock. */
  now: number
}

/** What the listing held: the candidates, newest first, and what was passed over and why. */
export interface Listing {
  candidates: Candidate[]
  looked: number
  passedOver: Map<string, number>
  /** The listing had more pages than MAX_LISTING_PAGES. */
  cutShort: boolean
}

export async function repositoryOf(octokit: Octokit, fullName: string): Promise<Repository> {
  const [owner, repo] = fullName.split('/')
  const { data } = await octokit.rest.repos.get({ owner, repo })
  return { owner, repo, id: data.id, defaultBranch: data.default_branch }
}

export async function runOf(
  octokit: Octokit,
  repository: Repository,
  runId: number
): Promise<RunFacts> {
  const { owner, repo } = repository
  const { data } = await octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId })
  return {
    id: data.id,
    createdAt: data.created_at,
    event: String(data.event),
    headBranch: String(data.head_branch ?? ''),
    headRepositoryId: data.head_repository?.id,
    repositoryId: data.repository?.id,
    url: data.html_url
  }
}

type ListedArtifact = Awaited<
  ReturnType<Octokit['rest']['actions']['listArtifactsForRepo']>
>['data']['artifacts'][number]

/**
 * The artifacts named `name` that fit, newest first: made on the default branch by a run of this
 * repository, not expired, and created before `before` (this run's creation, the same for every
 * attempt of a re-run).
 */
export async function listCandidates(
  octokit: Octokit,
  repository: Repository,
  wanted: Wanted
): Promise<Listing> {
  const { owner, repo } = repository
  const listing: Listing = { candidates: [], looked: 0, passedOver: new Map(), cutShort: false }
  for (let page = 1; page <= MAX_LISTING_PAGES; page++) {
    const { data } = await octokit.rest.actions.listArtifactsForRepo({
      owner,
      repo,
      name: wanted.name,
      per_page: PAGE_SIZE,
      page
    })
    const items = Array.isArray(data.artifacts) ? data.artifacts : []
    for (const artifact of items) {
      listing.looked++
      const reason = whyNot(artifact, repository, wanted)
      if (reason === undefined) listing.candidates.push(candidateOf(artifact))
      else if (reason !== '')
        listing.passedOver.set(reason, (listing.passedOver.get(reason) ?? 0) + 1)
    }
    const more = items.length === PAGE_SIZE && page * PAGE_SIZE < Number(data.total_count ?? 0)
    if (!more) break
    if (page === MAX_LISTING_PAGES) listing.cutShort = true
  }
  listing.candidates.sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id
  )
  return listing
}

/** Why an artifact is passed over ('' for another name, which is not worth mentioning). */
function whyNot(
  artifact: ListedArtifact,
  repository: Repository,
  { name, before, now }: Wanted
): string | undefined {
  const run = artifact.workflow_run
  if (artifact.name !== name) return ''
  if (artifact.expired || (artifact.expires_at && Date.parse(artifact.expires_at) <= now))
    return 'expired'
  if (!run || typeof run.id !== 'number') return 'made by no known run'
  if (run.head_repository_id !== repository.id || run.repository_id !== repository.id)
    return 'made for a fork'
  if (run.head_branch !== repository.defaultBranch) return 'made on another branch'
  const created = Date.parse(String(artifact.created_at))
  if (Number.isNaN(created) || created >= Date.parse(before))
    return 'made after this workflow run was created'
  return undefined
}

function candidateOf(artifact: ListedArtifact): Candidate {
  return {
    id: artifact.id,
    name: artifact.name,
    createdAt: String(artifact.created_at),
    sizeInBytes: artifact.size_in_bytes,
    runId: artifact.workflow_run!.id!
  }
}

/** Why the run that made a candidate cannot have made the default branch's baseline. */
export function runMisfit(run: RunFacts, repository: Repository): string | undefined {
  if (!BASELINE_EVENTS.includes(run.event))
    return `run ${run.id} was triggered by "${oneLine(run.event, 40)}", not by a push, a schedule or workflow_dispatch`
  if (run.headBranch !== repository.defaultBranch)
    return `run ${run.id} ran on "${oneLine(run.headBranch, 100)}", not on the default branch`
  if (run.headRepositoryId !== repository.id || run.repositoryId !== repository.id)
    return `run ${run.id} ran for a fork`
  return undefined
}

/** `3 passed over: 2 expired, 1 made for a fork`, for the message that none fits. */
export function describePassedOver(listing: Listing): string {
  const total = [...listing.passedOver.values()].reduce((sum, n) => sum + n, 0)
  if (total === 0) return ''
  const why = [...listing.passedOver].map(([reason, n]) => `${n} ${reason}`).join(', ')
  return ` (${plural(total, 'artifact')} of that name passed over: ${why})`
}
