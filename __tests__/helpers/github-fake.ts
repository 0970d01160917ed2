// A small local fake of the GitHub REST endpoints the pull-request comment calls, served under a
// GitHub Enterprise Server-style base path (`/api/v3`) so that GITHUB_API_URL is really honoured:
//
//   GET   /repos/{owner}/{repo}/issues/{number}/comments   (paginated, with a Link header)
//   POST  /repos/{owner}/{repo}/issues/{number}/comments
//   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
//
// It keeps the comments in memory, records every request, and can answer any request with an
// error (403 from a fork's read-only token, 404…). Listens on 127.0.0.1 only.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
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
}

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

export async function startGitHubFake(): Promise<GitHubFake> {
  const comments: FakeComment[] = []
  const requests: FakeRequest[] = []
  let nextId = 1000
  let clock = Date.parse('2026-11-27T10:00:00Z')
  const now = (): string => new Date((clock += 1000)).toISOString()
  let origin = ''

  const toJson = (comment: FakeComment): Record<string, unknown> => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${origin}${API_PATH}/repos/${comment.repository}/issues/comments/${comment.id}`,
    html_url: `https://github.example.com/${comment.repository}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${origin}${API_PATH}/repos/${comment.repository}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: { login: comment.user.login, id: 41898282, type: comment.user.type },
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER'
  })

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

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin)
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      try {
        body = raw === '' ? undefined : JSON.parse(raw)
      } catch {
        body = raw
      }
      const record: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.startsWith(API_PATH)
          ? url.pathname.slice(API_PATH.length)
          : url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        status: 0
      }
      requests.push(record)
      const send = (
        status: number,
        payload: unknown,
        headers: Record<string, string> = {}
      ): void => {
        record.status = status
        reply(res, status, payload, headers)
      }
      const error = (status: number, message: string): void =>
        send(status, {
          message,
          documentation_url: 'https://docs.github.com/rest',
          status: `${status}`
        })

      if (!url.pathname.startsWith(`${API_PATH}/`)) return error(404, 'Not Found')
      if (!/^token \S+$/.test(req.headers.authorization ?? '')) {
        return error(401, 'Requires authentication')
      }
      const failure = fake.failure
      if (failure && (!failure.methods || failure.methods.includes(record.method))) {
        return error(failure.status, failure.message ?? defaultMessage(failure.status))
      }

      const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(record.path)
      const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(record.path)
      if (list && record.method === 'GET') {
        const [, repository, issue] = list
        const all = fake.commentsOn(Number(issue), repository)
        const perPage = Math.min(fake.pageSize, Number(record.query.per_page ?? 30) || 30, 100)
        const page = Math.max(1, Number(record.query.page ?? 1) || 1)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const pageUrl = (n: number): string => {
          const next = new URL(url.href)
          next.searchParams.set('page', String(n))
          next.searchParams.set('per_page', String(perPage))
          return next.href
        }
        const links: string[] = []
        if (page < last)
          links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`)
        if (page > 1)
          links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
        return send(
          200,
          all.slice((page - 1) * perPage, page * perPage).map(toJson),
          links.length > 0 ? { link: links.join(', ') } : {}
        )
      }
      if (list && record.method === 'POST') {
        const text = bodyText(body)
        if (text === undefined) return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
        if (text.length > MAX_BODY_CHARS)
          return error(422, 'Body is too long (maximum is 65536 characters)')
        const comment = fake.seed(Number(list[2]), text, { repository: list[1], login: BOT_LOGIN })
        return send(201, toJson(comment))
      }
      if (one && record.method === 'PATCH') {
        const comment = comments.find((c) => c.id === Number(one[2]) && c.repository === one[1])
        if (!comment) return error(404, 'Not Found')
        const text = bodyText(body)
        if (text === undefined) return error(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
        if (text.length > MAX_BODY_CHARS)
          return error(422, 'Body is too long (maximum is 65536 characters)')
        comment.body = text
        comment.updatedAt = now()
        return send(200, toJson(comment))
      }
      return error(404, 'Not Found')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  Object.assign(fake, {
    apiUrl: `${origin}${API_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
  return fake
}

function bodyText(body: unknown): string | undefined {
  const text = (body as { body?: unknown } | undefined)?.body
  return typeof text === 'string' ? text : undefined
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
