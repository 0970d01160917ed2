// A small local fake of the GitHub REST endpoints the pull-request comment calls, served under a
// GitHub Enterprise Server-style base path (`/api/v3`) so that GITHUB_API_URL is really honoured:
//
//   GET   /repos/{owner}/{repo}/issues/{number}/comments   (paginated, with a Link header)
//   POST  /repos/{owner}/{repo}/issues/{number}/comments
//   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
//
// It keeps the comments in memory, records every request, and can answer any request with an
// error (403 from a fork's read-only token, 404…). Listens on 127.0.0.1 only.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

export const API_PATH = '/api/v3'
export const BOT_LOGIN = 'github-actions[bot]'

export interface FakeComment {
  id: number
  /** `owner/repo`. */
  repository: string
  issueNumber: number
  body: string
  user: { login: string; type: string }
  createdAt: string
  updatedAt: string
}

export interface FakeRequest {
  method: string
  /** Below the API base, without the query: `/repos/o/r/issues/42/comments`. */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  body?: unknown
  status: number
}

/** Answers matching requests with `status` instead of serving them. */
export interface FakeFailure {
  status: number
  message?: string
  /** Only these methods (default: every method). */
  methods?: string[]
  /** Only paths (below the API base) that match (default: every path). */
  path?: RegExp
}

/** More endpoints (see github-actions-fake.ts): serves the request and says so, or declines. */
export type FakeRoute = (request: FakeRequest, answer: Answer, origin: string) => boolean

export interface GitHubFake {
  /** The API base to put in GITHUB_API_URL: `http://127.0.0.1:PORT/api/v3`. */
  readonly apiUrl: string
  readonly requests: FakeRequest[]
  readonly comments: FakeComment[]
  /** Most comments per page, whatever `per_page` asks (GitHub's maximum is 100). */
  pageSize: number
  failure: FakeFailure | undefined
  /** Adds a comment as if someone (by default another user) had written it. */
  seed(
    issueNumber: number,
    body: string,
    options?: { repository?: string; login?: string }
  ): FakeComment
  commentsOn(issueNumber: number, repository?: string): FakeComment[]
  requestsTo(method: string, pattern: RegExp): FakeRequest[]
  /** Forgets the comments and the requests; the failure is cleared too. */
  reset(): void
  close(): Promise<void>
}

const REPOSITORY = 'octo-org/infra'
const MAX_BODY_CHARS = 65_536
const COMMENTS_ON_ISSUE = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/
const ONE_COMMENT = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/

/** What the request handlers share with the fake the test holds. */
interface FakeState {
  readonly fake: GitHubFake
  /** `http://127.0.0.1:PORT`, known once the server listens; the answers' URLs are built on it. */
  origin: string
  /** A clock that moves one second a call, so that creation and edit times differ and order. */
  now(): string
  routes: FakeRoute[]
}

/** How a handler answers: `send` also notes the status on the recorded request. */
export interface Answer {
  send(status: number, payload: unknown, headers?: Record<string, string>): void
  error(status: number, message: string): void
}

export async function startGitHubFake(routes: FakeRoute[] = []): Promise<GitHubFake> {
  const state = createFakeState(routes)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handleRequest(state, req, res, Buffer.concat(chunks).toString('utf8')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // The fake was handed its methods before the port was known; the URL and close come now.
  Object.assign(state.fake, {
    apiUrl: `${state.origin}${API_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
  return state.fake
}

/** The in-memory comments and requests, and the methods a test uses to seed and inspect them. */
function createFakeState(routes: FakeRoute[]): FakeState {
  const comments: FakeComment[] = []
  const requests: FakeRequest[] = []
  let nextId = 1000
  let clock = Date.parse('2026-11-27T10:00:00Z')
  const now = (): string => new Date((clock += 1000)).toISOString()
  const fake: GitHubFake = {
    apiUrl: '',
    requests,
    comments,
    pageSize: 100,
    failure: undefined,
    seed(issueNumber, body, options = {}) {
      const login = options.login ?? 'octocat'
      const time = now()
      const comment: FakeComment = {
        id: nextId++,
        repository: options.repository ?? REPOSITORY,
        issueNumber,
        body,
        user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
        createdAt: time,
        updatedAt: time
      }
      comments.push(comment)
      return comment
    },
    commentsOn(issueNumber, repository = REPOSITORY) {
      return comments.filter((c) => c.issueNumber === issueNumber && c.repository === repository)
    },
    requestsTo(method, pattern) {
      return requests.filter((r) => r.method === method && pattern.test(r.path))
    },
    reset() {
      comments.length = 0
      requests.length = 0
      fake.failure = undefined
      fake.pageSize = 100
    },
    close: async () => undefined
  }
  return { fake, origin: '', now, routes }
}

/**
 * Records the request, then turns away what GitHub would turn away before routing: a path outside
 * the API base (so a client that ignores GITHUB_API_URL's path fails loudly), a request without a
 * token, and whatever failure the test injected.
 */
function handleRequest(
  state: FakeState,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: string
): void {
  const url = new URL(req.url ?? '/', state.origin)
  const record = recordRequest(state.fake, req, url, rawBody)
  const answer = answerFor(res, record)
  if (!url.pathname.startsWith(`${API_PATH}/`)) return answer.error(404, 'Not Found')
  if (!/^token \S+$/.test(req.headers.authorization ?? '')) {
    return answer.error(401, 'Requires authentication')
  }
  const failure = state.fake.failure
  if (
    failure &&
    (!failure.methods || failure.methods.includes(record.method)) &&
    (!failure.path || failure.path.test(record.path))
  ) {
    return answer.error(failure.status, failure.message ?? defaultMessage(failure.status))
  }
  routeRequest(state, record, url, answer)
}

function recordRequest(
  fake: GitHubFake,
  req: IncomingMessage,
  url: URL,
  rawBody: string
): FakeRequest {
  const record: FakeRequest = {
    method: req.method ?? 'GET',
    path: url.pathname.startsWith(API_PATH) ? url.pathname.slice(API_PATH.length) : url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: parseBody(rawBody),
    // Filled in when the answer goes out.
    status: 0
  }
  fake.requests.push(record)
  return record
}

/** JSON when it parses; otherwise the raw text, so a test can still see what a client sent. */
function parseBody(raw: string): unknown {
  if (raw === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

function answerFor(res: ServerResponse, record: FakeRequest): Answer {
  const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
    record.status = status
    reply(res, status, payload, headers)
  }
  return {
    send,
    // GitHub's error shape, which Octokit's RequestError reads the message from.
    error: (status, message) =>
      send(status, {
        message,
        documentation_url: 'https://docs.github.com/rest',
        status: `${status}`
      })
  }
}

function routeRequest(state: FakeState, record: FakeRequest, url: URL, answer: Answer): void {
  const list = COMMENTS_ON_ISSUE.exec(record.path)
  const one = ONE_COMMENT.exec(record.path)
  if (list && record.method === 'GET') {
    return listComments(
      state,
      { repository: list[1], issueNumber: Number(list[2]) },
      record,
      url,
      answer
    )
  }
  if (list && record.method === 'POST') {
    return createComment(
      state,
      { repository: list[1], issueNumber: Number(list[2]) },
      record,
      answer
    )
  }
  if (one && record.method === 'PATCH') {
    return updateComment(state, { repository: one[1], id: Number(one[2]) }, record, answer)
  }
  if (state.routes.some((route) => route(record, answer, state.origin))) return
  answer.error(404, 'Not Found')
}

/** GET …/issues/{number}/comments: one page, capped by the fake's page size as well as per_page. */
function listComments(
  state: FakeState,
  issue: { repository: string; issueNumber: number },
  { query }: FakeRequest,
  url: URL,
  answer: Answer
): void {
  const all = state.fake.commentsOn(issue.issueNumber, issue.repository)
  const perPage = Math.min(state.fake.pageSize, Number(query.per_page ?? 30) || 30, 100)
  const page = Math.max(1, Number(query.page ?? 1) || 1)
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const link = paginationLink(url, { page, last, perPage })
  answer.send(
    200,
    all.slice((page - 1) * perPage, page * perPage).map((c) => commentJson(c, state.origin)),
    link === undefined ? {} : { link }
  )
}

/**
 * The Link header GitHub pages with (next/last ahead, first/prev behind), or none on a lone page:
 * the client under test must follow it rather than count pages itself.
 */
function paginationLink(
  url: URL,
  { page, last, perPage }: { page: number; last: number; perPage: number }
): string | undefined {
  const pageUrl = (n: number): string => {
    const target = new URL(url.href)
    target.searchParams.set('page', String(n))
    target.searchParams.set('per_page', String(perPage))
    return target.href
  }
  const links: string[] = []
  if (page < last)
    links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`)
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
  return links.length > 0 ? links.join(', ') : undefined
}

/** POST …/issues/{number}/comments: written as the Actions bot, whose token the action holds. */
function createComment(
  state: FakeState,
  issue: { repository: string; issueNumber: number },
  record: FakeRequest,
  answer: Answer
): void {
  const text = acceptedBody(record.body, answer)
  if (text === undefined) return
  const comment = state.fake.seed(issue.issueNumber, text, {
    repository: issue.repository,
    login: BOT_LOGIN
  })
  answer.send(201, commentJson(comment, state.origin))
}

/** PATCH …/issues/comments/{id}: only a comment of that repository, as GitHub scopes the id. */
function updateComment(
  state: FakeState,
  target: { repository: string; id: number },
  record: FakeRequest,
  answer: Answer
): void {
  const comment = state.fake.comments.find(
    (c) => c.id === target.id && c.repository === target.repository
  )
  if (!comment) return answer.error(404, 'Not Found')
  const text = acceptedBody(record.body, answer)
  if (text === undefined) return
  comment.body = text
  comment.updatedAt = state.now()
  answer.send(200, commentJson(comment, state.origin))
}

/**
 * The comment text, or undefined once a 422 has been sent: missing, or longer than GitHub's
 * 65,536-character limit (the action must shorten its report before it gets here).
 */
function acceptedBody(body: unknown, answer: Answer): string | undefined {
  const text = (body as { body?: unknown } | undefined)?.body
  if (typeof text !== 'string') {
    answer.error(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
    return undefined
  }
  if (text.length > MAX_BODY_CHARS) {
    answer.error(422, 'Body is too long (maximum is 65536 characters)')
    return undefined
  }
  return text
}

/** A comment as the REST API returns it: the fields Octokit's types and the action read. */
function commentJson(comment: FakeComment, origin: string): Record<string, unknown> {
  const repoApi = `${origin}${API_PATH}/repos/${comment.repository}`
  return {
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${repoApi}/issues/comments/${comment.id}`,
    html_url: `https://github.example.com/${comment.repository}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: { login: comment.user.login, id: 41898282, type: comment.user.type },
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER'
  }
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Bad credentials'
    case 403:
      return 'Resource not accessible by integration'
    case 404:
      return 'Not Found'
    default:
      return 'Server Error'
  }
}

function reply(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string>
): void {
  const text = JSON.stringify(payload)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-github-media-type': 'github.v3; format=json',
    ...headers
  })
  res.end(text)
}
