// The GitHub REST endpoints `baseline-artifact` calls, added to the local fake of github-fake.ts,
// and the blob storage GitHub redirects artifact downloads to, as a second local server:
//
//   GET /repos/{owner}/{repo}                                  the repository (id, default branch)
//   GET /repos/{owner}/{repo}/actions/runs/{run_id}           a workflow run
//   GET /repos/{owner}/{repo}/actions/artifacts               the artifacts listing (paginated)
//   GET /repos/{owner}/{repo}/actions/artifacts/{id}/zip      302 to the storage's signed URL
//   GET {storage}/blobs/{id}?sig=…                            the archive (no token needed or wanted)
//
// Runs and artifacts live in memory; every request to either server is recorded. Both listen on
// 127.0.0.1 only.

import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { strToU8, zipSync } from 'fflate'
import {
  API_PATH,
  startGitHubFake,
  type Answer,
  type FakeRequest,
  type FakeRoute,
  type GitHubFake
} from './github-fake.js'

export const REPOSITORY = { owner: 'octo-org', repo: 'infra', id: 4242, defaultBranch: 'main' }
const FORK_ID = 9999

export interface FakeRun {
  id: number
  createdAt: string
  event?: string
  headBranch?: string
  /** Default: the repository's; a fork's pull request run has the fork's. */
  headRepositoryId?: number
}

export interface FakeArtifact {
  id: number
  name?: string
  createdAt: string
  runId: number
  expired?: boolean
  /** The archive the storage serves. */
  zip: Uint8Array
  /** What the listing says its size is (default: the archive's). */
  sizeInBytes?: number
  /** The download answers 410: it was deleted after it was listed. */
  gone?: boolean
}

export interface StorageRequest {
  path: string
  headers: IncomingHttpHeaders
}

export interface ActionsFake {
  github: GitHubFake
  runs: FakeRun[]
  artifacts: FakeArtifact[]
  /** Every request the storage received, with its headers. */
  storageRequests: StorageRequest[]
  /** The listing ignores `name` and returns oldest first: the action must not rely on either. */
  careless: boolean
  /** The environment the runner gives the action for this fake: API URL, repository, run. */
  env(runId: number): Record<string, string>
  close(): Promise<void>
}

/** A zip archive of one file, as actions/upload-artifact makes it. */
export function zipOf(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([name, body]) => [
        name,
        typeof body === 'string' ? strToU8(body) : body
      ])
    )
  )
}

export const FORK = { headRepositoryId: FORK_ID }

export async function startActionsFake(): Promise<ActionsFake> {
  const storage = await startStorage()
  const fake: Omit<ActionsFake, 'github' | 'close' | 'env'> = {
    runs: [],
    artifacts: [],
    storageRequests: storage.requests,
    careless: false
  }
  storage.serve = (id) => fake.artifacts.find((a) => a.id === id)?.zip
  const github = await startGitHubFake([actionsRoute(fake, storage.url)])
  return Object.assign(fake, {
    github,
    env: (runId: number) => ({
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: 'https://github.example.com',
      GITHUB_REPOSITORY: `${REPOSITORY.owner}/${REPOSITORY.repo}`,
      GITHUB_REPOSITORY_ID: String(REPOSITORY.id),
      GITHUB_RUN_ID: String(runId)
    }),
    close: async () => {
      await github.close()
      await storage.close()
    }
  })
}

const REPO_PATH = `/repos/${REPOSITORY.owner}/${REPOSITORY.repo}`
const ONE_RUN = new RegExp(`^${REPO_PATH}/actions/runs/(\\d+)$`)
const ARTIFACTS = `${REPO_PATH}/actions/artifacts`
const ZIP = new RegExp(`^${REPO_PATH}/actions/artifacts/(\\d+)/zip$`)

function actionsRoute(
  fake: Omit<ActionsFake, 'github' | 'close' | 'env'>,
  storageUrl: string
): FakeRoute {
  return (request: FakeRequest, answer: Answer, origin: string) => {
    if (request.method !== 'GET') return false
    if (request.path === REPO_PATH) {
      answer.send(200, {
        id: REPOSITORY.id,
        name: REPOSITORY.repo,
        full_name: `${REPOSITORY.owner}/${REPOSITORY.repo}`,
        default_branch: REPOSITORY.defaultBranch
      })
      return true
    }
    const run = ONE_RUN.exec(request.path)
    if (run) {
      const found = fake.runs.find((r) => r.id === Number(run[1]))
      if (found) answer.send(200, runJson(found))
      else answer.error(404, 'Not Found')
      return true
    }
    if (request.path === ARTIFACTS) {
      answer.send(200, listing(fake, request.query, origin))
      return true
    }
    const zip = ZIP.exec(request.path)
    if (zip) {
      const artifact = fake.artifacts.find((a) => a.id === Number(zip[1]))
      if (!artifact || artifact.gone) answer.error(410, 'Gone')
      else {
        const location = `${storageUrl}/blobs/${artifact.id}?sig=signed-${artifact.id}`
        answer.send(302, '', { location })
      }
      return true
    }
    return false
  }
}

function runJson(run: FakeRun): Record<string, unknown> {
  return {
    id: run.id,
    created_at: run.createdAt,
    event: run.event ?? 'schedule',
    head_branch: run.headBranch ?? REPOSITORY.defaultBranch,
    head_repository: { id: run.headRepositoryId ?? REPOSITORY.id },
    repository: { id: REPOSITORY.id },
    html_url: `https://github.example.com/${REPOSITORY.owner}/${REPOSITORY.repo}/actions/runs/${run.id}`
  }
}

/** One page, newest first (or, when careless, oldest first and every name), 100 at most. */
function listing(
  fake: Omit<ActionsFake, 'github' | 'close' | 'env'>,
  query: Record<string, string>,
  origin: string
): Record<string, unknown> {
  const named = fake.careless
    ? [...fake.artifacts]
    : fake.artifacts.filter(
        (a) => query.name === undefined || (a.name ?? 'cloudquery-baseline') === query.name
      )
  const ordered = named.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  if (!fake.careless) ordered.reverse()
  const perPage = Math.min(Number(query.per_page ?? 30) || 30, 100)
  const page = Math.max(1, Number(query.page ?? 1) || 1)
  return {
    total_count: ordered.length,
    artifacts: ordered.slice((page - 1) * perPage, page * perPage).map((artifact) => {
      const run = fake.runs.find((r) => r.id === artifact.runId)
      return {
        id: artifact.id,
        name: artifact.name ?? 'cloudquery-baseline',
        size_in_bytes: artifact.sizeInBytes ?? artifact.zip.length,
        archive_download_url: `${origin}${API_PATH}${ARTIFACTS}/${artifact.id}/zip`,
        expired: artifact.expired ?? false,
        created_at: artifact.createdAt,
        expires_at: new Date(Date.parse(artifact.createdAt) + 90 * 86_400_000).toISOString(),
        workflow_run: run && {
          id: run.id,
          repository_id: REPOSITORY.id,
          head_repository_id: run.headRepositoryId ?? REPOSITORY.id,
          head_branch: run.headBranch ?? REPOSITORY.defaultBranch,
          head_sha: 'abc123'
        }
      }
    })
  }
}

interface Storage {
  url: string
  requests: StorageRequest[]
  serve: (id: number) => Uint8Array | undefined
  close(): Promise<void>
}

async function startStorage(): Promise<Storage> {
  const storage: Storage = {
    url: '',
    requests: [],
    serve: () => undefined,
    close: async () => undefined
  }
  const server = createServer((req, res) => {
    storage.requests.push({ path: req.url ?? '', headers: req.headers })
    const id = /^\/blobs\/(\d+)\?sig=signed-\1$/.exec(req.url ?? '')?.[1]
    const body = id === undefined ? undefined : storage.serve(Number(id))
    if (body === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': String(body.length)
    })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  storage.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  storage.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return storage
}
