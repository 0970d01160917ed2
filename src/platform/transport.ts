// The HTTP transport under the Platform client: bearer auth, a User-Agent, a deadline on every
// request (headers and body), retries of idempotent requests with jittered back-off and
// Retry-After, and errors that name the request and never carry the key.

import type { IncomingMessage } from 'node:http'
import { HttpClient } from '@actions/http-client'
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  parseRetryAfter,
  type BackoffPolicy
} from '../lib/backoff.js'
import { createRedactor, oneLine, type Redactor } from '../lib/log-safety.js'
import { abortableSleep, type Sleep } from '../lib/poll.js'
import { messageOf } from '../lib/text.js'
import { USER_AGENT } from '../lib/version.js'
import {
  classifyTransportFailure,
  hintFor,
  isPermanent,
  PlatformError,
  serverMessageOf,
  withAttempts
} from './errors.js'
import { BodyTooLargeError, header, readBody, withDeadline } from './http.js'
import { shapeProblem, type AnswerShape } from './shape.js'

export interface TransportOptions {
  /** Ends in `/api`, no trailing slash. */
  apiBaseUrl: string
  apiKey: string
  /** Longest wait for one answer, headers and body together. */
  requestTimeoutMs?: number
  /** Most tries of one idempotent request. */
  maxAttempts?: number
  /** Most time spent sleeping between retries of one request. */
  retryBudgetMs?: number
  backoff?: BackoffPolicy
  sleep?: Sleep
  now?: () => number
  random?: () => number
  /** Debug lines (already free of the key). */
  debug?: (message: string) => void
}

/**
 * An instant by which a request must have ended, retries included, and what sets it, for the
 * message: `the 10s of "timeout"`.
 */
export interface Deadline {
  /** Epoch ms, by the transport's clock. */
  at: number
  what: string
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])
const MAX_RETRY_AFTER_MS = 60_000

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH'
  path: string
  query?: Record<string, string | number | boolean | readonly string[] | undefined>
  body?: unknown
  /** Only idempotent requests are retried here; POST callers decide for themselves. */
  retry: boolean
  /** Statuses that are an answer, not an error (e.g. 204 for "no logs"). */
  accept?: number[]
  /** What the answer must look like before anyone reads it; unchecked when absent. */
  shape?: AnswerShape
  /** Makes a body smaller before it is parsed (a map the spec leaves unbounded, cut). */
  beforeParse?: (body: string) => string
  /** What is wrong with an answer of the right shape for this request, in words (see shape). */
  check?: (answer: unknown) => string | undefined
}

interface RawAnswer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

export class Transport {
  private readonly http: HttpClient
  /** Longest wait for one answer; also how long a timed-out POST may still be at work. */
  readonly requestTimeoutMs: number
  private readonly maxAttempts: number
  private readonly retryBudgetMs: number
  private readonly backoff: BackoffPolicy
  private readonly sleep: Sleep
  private readonly now: () => number
  private readonly random: () => number
  private readonly debug: (message: string) => void
  private readonly redact: Redactor
  /** Requests sent, retries included; the benchmark and tests read it. */
  requestCount = 0
  /** Aborted by dispose(): a request abandoned at a deadline must not retry on for minutes. */
  private readonly disposed = new AbortController()

  constructor(private readonly options: TransportOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.maxAttempts = options.maxAttempts ?? 5
    this.retryBudgetMs = options.retryBudgetMs ?? 90_000
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
    this.sleep = options.sleep ?? abortableSleep
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.redact = createRedactor([options.apiKey])
    const debug = options.debug ?? (() => undefined)
    this.debug = (message) => debug(this.redact(message))
    this.http = new HttpClient(USER_AGENT, [], {
      allowRetries: false,
      allowRedirects: false,
      keepAlive: true,
      socketTimeout: this.requestTimeoutMs,
      headers: { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' }
    })
  }

  /** Ends in `/api`, no trailing slash. */
  get apiBaseUrl(): string {
    return this.options.apiBaseUrl
  }

  /** Frees the keep-alive sockets and ends any retry still waiting, so the process can exit. */
  dispose(): void {
    this.disposed.abort()
    this.http.dispose()
  }

  /**
   * Opens a streamed GET (the live log). The caller reads the body and must destroy it when done;
   * a stream is best-effort, so it is not retried. `undefined` when the answer is 204.
   */
  async openStream(path: string): Promise<IncomingMessage | undefined> {
    const endpoint = `GET ${path}`
    this.requestCount++
    const response = await this.http
      .request('GET', this.url(path), null, { Accept: 'text/plain' })
      .catch((error: unknown) => {
        throw this.transportError(endpoint, error, 1)
      })
    const status = response.message.statusCode ?? 0
    if (status === 200) {
      // A stream can be silent for minutes: the reader's own idle timer judges a stall, not the
      // per-request socket timeout.
      response.message.socket?.setTimeout(0)
      return response.message
    }
    const body = await readBody(response.message, this.requestTimeoutMs).catch(() => '')
    if (status === 204) return undefined
    throw this.httpError(endpoint, status, body, 1, response.message.headers)
  }

  /**
   * Sends `spec`, retried as it allows. With a `deadline`, each try is given only the time left,
   * and no retry is slept for beyond it: the request fails, saying so, when the time is up.
   */
  async json<T>(spec: RequestSpec, deadline?: Deadline): Promise<T> {
    let slept = 0
    for (let attempt = 1; ; attempt++) {
      const left = deadline ? deadline.at - this.now() : Infinity
      if (left <= 0) throw outOfTime(deadline!, this.noTimeLeft(spec, deadline!), attempt - 1)
      const timeoutMs = Math.min(this.requestTimeoutMs, Math.ceil(left))
      const outcome = await this.attempt<T>(spec, attempt, timeoutMs)
      if ('value' in outcome) return outcome.value
      const { failure, retryAfterMs } = outcome
      const retryable =
        failure.kind === 'http'
          ? RETRYABLE_STATUSES.has(failure.status ?? 0)
          : !isPermanent(failure.kind)
      // A 429 was turned away before it did anything, so even a request that must not run twice
      // (starting a run) is safe to repeat once the Platform says when.
      const refused = failure.kind === 'http' && failure.status === 429
      if (!(spec.retry || refused) || !retryable || attempt >= this.maxAttempts)
        throw withAttempts(failure, attempt)
      if (this.disposed.signal.aborted) throw withAttempts(failure, attempt)
      const delay = Math.min(
        retryAfterMs ?? backoffDelay(attempt - 1, this.backoff, this.random),
        MAX_RETRY_AFTER_MS
      )
      if (slept + delay > this.retryBudgetMs) throw withAttempts(failure, attempt)
      if (deadline && this.now() + delay >= deadline.at) throw outOfTime(deadline, failure, attempt)
      this.debug(`${failure.message}; retry ${attempt} of ${this.maxAttempts - 1} in ${delay} ms`)
      slept += delay
      await this.sleep(delay, this.disposed.signal)
    }
  }

  /** One try: the parsed answer, or the failure and how long the server asked us to wait. */
  private async attempt<T>(
    spec: RequestSpec,
    attempt: number,
    timeoutMs: number
  ): Promise<{ value: T } | { failure: PlatformError; retryAfterMs?: number }> {
    const endpoint = `${spec.method} ${spec.path}`
    let answer: RawAnswer
    try {
      answer = await this.send(spec, timeoutMs)
    } catch (error) {
      return { failure: this.transportError(endpoint, error, attempt) }
    }
    if (answer.status < 200 || answer.status >= 300) {
      return {
        failure: this.httpError(endpoint, answer.status, answer.body, attempt, answer.headers),
        retryAfterMs: parseRetryAfter(header(answer.headers['retry-after']), this.now())
      }
    }
    if (spec.accept?.includes(answer.status)) return { value: undefined as T }
    let value: unknown
    try {
      value = JSON.parse(spec.beforeParse ? spec.beforeParse(answer.body) : answer.body)
    } catch {
      const message = `${endpoint} answered ${answer.status} with a body that is not valid JSON${describeBody(answer, this.redact)}`
      // A web page where JSON was expected is a wrong URL or a login page, not a glitch.
      const html = /text\/html/i.test(header(answer.headers['content-type']) ?? '')
      return {
        failure: new PlatformError(
          message,
          html ? 'html' : 'invalid-response',
          endpoint,
          answer.status,
          undefined,
          attempt
        )
      }
    }
    const problem = (spec.shape && shapeProblem(value, spec.shape)) || spec.check?.(value)
    if (!problem) return { value: value as T }
    // Redacted before it is cut, like every text the Platform sends.
    const sent = oneLine(this.redact(answer.body), 80)
    return {
      failure: new PlatformError(
        `The Platform answered ${sent} for ${endpoint}, ${problem}: the answer cannot be used.`,
        'invalid-response',
        endpoint,
        answer.status,
        undefined,
        attempt
      )
    }
  }

  private async send(spec: RequestSpec, timeoutMs: number): Promise<RawAnswer> {
    const url = this.url(spec.path, spec.query)
    this.requestCount++
    this.debug(`→ ${spec.method} ${url.slice(this.options.apiBaseUrl.length)}`)
    const body = spec.body === undefined ? null : JSON.stringify(spec.body)
    const headers = body === null ? {} : { 'Content-Type': 'application/json' }
    const started = this.now()
    const response = await withDeadline(
      this.http.request(spec.method, url, body, headers),
      timeoutMs,
      (late) => late.message.destroy()
    )
    const remaining = Math.max(1, timeoutMs - (this.now() - started))
    const text = await readBody(response.message, remaining)
    return {
      status: response.message.statusCode ?? 0,
      headers: response.message.headers,
      body: text
    }
  }

  private url(path: string, query?: RequestSpec['query']): string {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === '') continue
      if (Array.isArray(value)) for (const item of value) params.append(name, item)
      else params.append(name, String(value))
    }
    const search = params.toString()
    return `${this.options.apiBaseUrl}${path}${search === '' ? '' : `?${search}`}`
  }

  /** A request whose deadline had passed before it was sent at all. */
  private noTimeLeft(spec: RequestSpec, deadline: Deadline): PlatformError {
    const endpoint = `${spec.method} ${spec.path}`
    return new PlatformError(
      `${endpoint} was not sent: ${deadline.what} had run out`,
      'timeout',
      endpoint
    )
  }

  private httpError(
    endpoint: string,
    status: number,
    body: string,
    attempts: number,
    headers?: IncomingMessage['headers']
  ): PlatformError {
    const serverMessage = serverMessageOf(body)
    const said = serverMessage === undefined ? '' : `: ${oneLine(this.redact(serverMessage), 300)}`
    const hint = REDIRECTS.has(status)
      ? redirectHint(this.redact(header(headers?.location) ?? ''))
      : hintFor(status)
    return new PlatformError(
      this.redact(`${endpoint} failed with HTTP ${status}${said}${hint === '' ? '' : `. ${hint}`}`),
      'http',
      endpoint,
      status,
      serverMessage === undefined ? undefined : this.redact(serverMessage),
      attempts
    )
  }

  private transportError(endpoint: string, error: unknown, attempts: number): PlatformError {
    if (error instanceof PlatformError) return error
    // Redacted before it is cut: a cut can split the key and leave part of it unredacted.
    const cause = oneLine(this.redact(messageOf(error)), 200)
    if (error instanceof BodyTooLargeError) {
      return new PlatformError(
        `${endpoint} answered with ${cause}`,
        'invalid-response',
        endpoint,
        undefined,
        undefined,
        attempts
      )
    }
    const { kind, hint } = classifyTransportFailure(error, this.options.apiBaseUrl)
    return new PlatformError(
      this.redact(`${endpoint} could not reach the Platform: ${cause}${hint}`),
      kind,
      endpoint,
      undefined,
      undefined,
      attempts
    )
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The request's last failure, and that the deadline leaves no time for another try. */
function outOfTime(deadline: Deadline, failure: PlatformError, attempts: number): PlatformError {
  if (attempts === 0) return failure
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`
  return new PlatformError(
    `${failure.message}; ${deadline.what} ran out after ${tries}`,
    failure.kind,
    failure.endpoint,
    failure.status,
    failure.serverMessage,
    attempts
  )
}

/**
 * Where a redirect pointed (redacted, one line) and why it is not followed: the request carries the
 * key, which must never go to another origin.
 */
function redirectHint(location: string): string {
  const where = location === '' ? 'without a Location' : `to ${oneLine(location, 200)}`
  return `The Platform redirected ${where}; the action never follows redirects, so that the API key is never sent anywhere but "platform-url". Set "platform-url" to the address the API answers at (for example https:// instead of http://, or the host it redirects to if you trust it).`
}

function describeBody(answer: RawAnswer, redact: Redactor): string {
  const type = header(answer.headers['content-type'])
  return type ? ` (Content-Type ${oneLine(redact(type), 80)})` : ''
}
