// Stage 2: the CloudQuery Platform REST client. It is the only module that speaks HTTP to the
// Platform: bearer auth, a User-Agent, a deadline on every request, retries of idempotent requests
// with jittered back-off and Retry-After, and one error type that says what went wrong and what a
// user can do about it.

import type { IncomingMessage } from 'node:http'
import { HttpClient } from '@actions/http-client'
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  parseRetryAfter,
  type BackoffPolicy
} from '../lib/backoff.js'
import { createRedactor, oneLine, type Redactor } from '../lib/log-safety.js'
import type {
  ListSync,
  Page,
  Policy,
  PolicyEvaluationLog,
  PolicyGroupWithCounts,
  PolicyViolation,
  PlatformErrorBody,
  SyncRun,
  SyncRunDetails,
  SyncRunTableStat,
  TableDataPage,
  ViolationsHistory
} from './types.js'
import { USER_AGENT } from '../version.js'

export type Sleep = (ms: number) => Promise<void>

export interface PlatformClientOptions {
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

/** `tls`: the Platform's certificate was rejected; retrying cannot change that. */
export type PlatformErrorKind = 'http' | 'network' | 'timeout' | 'invalid-response' | 'tls'

/** Any failure to get a usable answer from the Platform. */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly kind: PlatformErrorKind,
    /** `GET /syncs/{sync_name}/runs`-style name of the operation, with real values. */
    readonly endpoint: string,
    readonly status?: number,
    readonly serverMessage?: string,
    readonly attempts = 1
  ) {
    super(message)
    this.name = 'PlatformError'
  }

  /** The request may have reached the Platform and done its work (matters for POST). */
  get outcomeUnknown(): boolean {
    if (this.kind === 'tls') return false
    return this.kind !== 'http' || (this.status !== undefined && this.status >= 500)
  }
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])
const MAX_RETRY_AFTER_MS = 60_000

interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH'
  path: string
  query?: Record<string, string | number | boolean | readonly string[] | undefined>
  body?: unknown
  /** Only idempotent requests are retried here; POST callers decide for themselves. */
  retry: boolean
  /** Statuses that are an answer, not an error (e.g. 204 for "no logs"). */
  accept?: number[]
}

interface RawAnswer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

export class PlatformClient {
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

  constructor(private readonly options: PlatformClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.maxAttempts = options.maxAttempts ?? 5
    this.retryBudgetMs = options.retryBudgetMs ?? 90_000
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
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

  /** Frees the keep-alive sockets so the process can exit. */
  dispose(): void {
    this.http.dispose()
  }

  // Syncs and runs

  listSyncs(filter: string, perPage = 20): Promise<Page<ListSync>> {
    return this.json({
      method: 'GET',
      path: '/syncs',
      query: { filter, per_page: perPage },
      retry: true
    })
  }

  listRuns(syncName: string, perPage = 20, page = 1): Promise<Page<SyncRun>> {
    return this.json({
      method: 'GET',
      path: `/syncs/${enc(syncName)}/runs`,
      query: { per_page: perPage, page },
      retry: true
    })
  }

  /** Never retried here: a retry could start a second run (the sync stage reconciles instead). */
  createRun(syncName: string): Promise<SyncRun> {
    return this.json({ method: 'POST', path: `/syncs/${enc(syncName)}/runs`, retry: false })
  }

  getRun(syncName: string, runId: string): Promise<SyncRunDetails> {
    return this.json({ method: 'GET', path: runPath(syncName, runId), retry: true })
  }

  /** Setting the same status twice changes nothing, so this one is safe to retry. */
  cancelRun(syncName: string, runId: string): Promise<SyncRun> {
    return this.json({
      method: 'PATCH',
      path: runPath(syncName, runId),
      body: { status: 'cancelled' },
      retry: true
    })
  }

  listRunTables(syncName: string, runId: string, perPage = 10): Promise<Page<SyncRunTableStat>> {
    return this.json({
      method: 'GET',
      path: `${runPath(syncName, runId)}/tables`,
      query: { per_page: perPage, sort_by: ['errors'], sort_dir: ['desc'] },
      retry: true
    })
  }

  /** `undefined` when the run has no logs (204). */
  queryLogs(
    syncName: string,
    runId: string,
    page: number,
    perPage: number
  ): Promise<TableDataPage | undefined> {
    return this.json({
      method: 'GET',
      path: `${runPath(syncName, runId)}/logs/query`,
      query: { page, per_page: perPage },
      retry: true,
      accept: [204]
    })
  }

  /**
   * Opens the live log stream. The caller reads the body and must destroy it when done; the
   * stream is best-effort, so it is not retried.
   */
  async openLiveLogs(syncName: string, runId: string): Promise<IncomingMessage | undefined> {
    const path = `${runPath(syncName, runId)}/logs/live`
    const endpoint = `GET ${path}`
    this.requestCount++
    const response = await this.http
      .request('GET', this.url(path), null, { Accept: 'text/plain' })
      .catch((error: unknown) => {
        throw this.transportError(endpoint, error, 1)
      })
    const status = response.message.statusCode ?? 0
    if (status === 200) {
      // A run can log nothing for minutes: the reader's own idle timer judges a stall, not the
      // per-request socket timeout.
      response.message.socket?.setTimeout(0)
      return response.message
    }
    const body = await readBody(response.message, this.requestTimeoutMs).catch(() => '')
    if (status === 204) return undefined
    throw this.httpError(endpoint, status, body, 1)
  }

  // Policies

  listPolicies(
    filters: PolicyListFilters,
    page: number,
    perPage: number,
    sort: PolicySort = { by: 'created_at', dir: 'asc' }
  ): Promise<Page<Policy>> {
    return this.json({
      method: 'GET',
      path: '/policies',
      query: {
        status: 'active',
        severities: filters.severities,
        domain: filters.domain,
        policy_group_ids: filters.policyGroupIds,
        sort_by: sort.by,
        sort_dir: sort.dir,
        page,
        per_page: perPage
      },
      retry: true
    })
  }

  listPolicyGroups(): Promise<{ items: PolicyGroupWithCounts[] }> {
    return this.json({ method: 'GET', path: '/policy-groups', retry: true })
  }

  listPolicyViolations(policyId: string, perPage: number): Promise<Page<PolicyViolation>> {
    return this.json({
      method: 'GET',
      path: `/policies/${enc(policyId)}/violations`,
      query: { per_page: perPage, page: 1 },
      retry: true
    })
  }

  listPolicyEvaluations(
    policyId: string,
    range: { endTime?: string; startTime?: string },
    perPage: number
  ): Promise<Page<PolicyEvaluationLog>> {
    return this.json({
      method: 'GET',
      path: `/policies/${enc(policyId)}/violations-history`,
      query: { start_time: range.startTime, end_time: range.endTime, per_page: perPage, page: 1 },
      retry: true
    })
  }

  violationsHistory(
    range: { startDate: string; endDate: string },
    filters: PolicyListFilters
  ): Promise<ViolationsHistory> {
    return this.json({
      method: 'GET',
      path: '/policies/violations-history',
      query: {
        start_date: range.startDate,
        end_date: range.endDate,
        severities: filters.severities,
        domain: filters.domain,
        policy_group_ids: filters.policyGroupIds
      },
      retry: true
    })
  }

  /** Runs a saved query now. It only reads, so it is retried like a GET. */
  executeQuery(queryId: string, perPage: number): Promise<TableDataPage> {
    return this.json({
      method: 'POST',
      path: `/queries/${enc(queryId)}/execute`,
      query: { per_page: perPage, page: 1 },
      retry: true
    })
  }

  // Transport

  private async json<T>(spec: RequestSpec): Promise<T> {
    let slept = 0
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt<T>(spec, attempt)
      if ('value' in outcome) return outcome.value
      const { failure, retryAfterMs } = outcome
      const retryable =
        failure.kind === 'http'
          ? RETRYABLE_STATUSES.has(failure.status ?? 0)
          : failure.kind !== 'tls'
      // A 429 was turned away before it did anything, so even a request that must not run twice
      // (starting a run) is safe to repeat once the Platform says when.
      const refused = failure.kind === 'http' && failure.status === 429
      if (!(spec.retry || refused) || !retryable || attempt >= this.maxAttempts)
        throw withAttempts(failure, attempt)
      const delay = Math.min(
        retryAfterMs ?? backoffDelay(attempt - 1, this.backoff, this.random),
        MAX_RETRY_AFTER_MS
      )
      if (slept + delay > this.retryBudgetMs) throw withAttempts(failure, attempt)
      this.debug(`${failure.message}; retry ${attempt} of ${this.maxAttempts - 1} in ${delay} ms`)
      slept += delay
      await this.sleep(delay)
    }
  }

  /** One try: the parsed answer, or the failure and how long the server asked us to wait. */
  private async attempt<T>(
    spec: RequestSpec,
    attempt: number
  ): Promise<{ value: T } | { failure: PlatformError; retryAfterMs?: number }> {
    const endpoint = `${spec.method} ${spec.path}`
    let answer: RawAnswer
    try {
      answer = await this.send(spec)
    } catch (error) {
      return { failure: this.transportError(endpoint, error, attempt) }
    }
    if (answer.status < 200 || answer.status >= 300) {
      return {
        failure: this.httpError(endpoint, answer.status, answer.body, attempt),
        retryAfterMs: parseRetryAfter(header(answer.headers['retry-after']), this.now())
      }
    }
    if (spec.accept?.includes(answer.status)) return { value: undefined as T }
    try {
      return { value: JSON.parse(answer.body) as T }
    } catch {
      const message = `${endpoint} answered ${answer.status} with a body that is not valid JSON${describeBody(answer)}`
      return {
        failure: new PlatformError(
          message,
          'invalid-response',
          endpoint,
          answer.status,
          undefined,
          attempt
        )
      }
    }
  }

  private async send(spec: RequestSpec): Promise<RawAnswer> {
    const url = this.url(spec.path, spec.query)
    this.requestCount++
    this.debug(`→ ${spec.method} ${url.slice(this.options.apiBaseUrl.length)}`)
    const body = spec.body === undefined ? null : JSON.stringify(spec.body)
    const headers = body === null ? {} : { 'Content-Type': 'application/json' }
    const started = this.now()
    const response = await withDeadline(
      this.http.request(spec.method, url, body, headers),
      this.requestTimeoutMs,
      (late) => late.message.destroy()
    )
    const remaining = Math.max(1, this.requestTimeoutMs - (this.now() - started))
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

  private httpError(
    endpoint: string,
    status: number,
    body: string,
    attempts: number
  ): PlatformError {
    const serverMessage = serverMessageOf(body)
    const said = serverMessage === undefined ? '' : `: ${oneLine(this.redact(serverMessage), 300)}`
    const hint = hintFor(status)
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
    const cause = error instanceof Error ? error.message : String(error)
    const hint = certificateHint(error)
    const kind: PlatformErrorKind =
      hint !== '' ? 'tls' : /timeout/i.test(cause) ? 'timeout' : 'network'
    return new PlatformError(
      this.redact(`${endpoint} could not reach the Platform: ${oneLine(cause, 200)}${hint}`),
      kind,
      endpoint,
      undefined,
      undefined,
      attempts
    )
  }
}

export interface PolicyListFilters {
  severities?: readonly string[]
  domain?: string
  policyGroupIds?: readonly string[]
}

/** `created_at` keeps pages stable while reading them all; `last_run_at` puts fresh results first. */
export interface PolicySort {
  by: 'created_at' | 'last_run_at'
  dir: 'asc' | 'desc'
}

/** What a user can do about an HTTP status, in their words. */
function hintFor(status: number): string {
  switch (status) {
    case 401:
      return 'The API key was rejected: it is wrong, expired or revoked. Create a new key in the Platform (Settings → API keys) and update the secret passed as "api-key".'
    case 403:
      return 'The API key\'s role lacks permission for this request: starting and cancelling sync runs needs a key with the "ci" role (or admin); reading policies needs a role that can read policies (a read-only role suffices).'
    default:
      return ''
  }
}

/** Why retrying did not help, said only once the retries have run out. */
function exhaustedHint(error: PlatformError): string {
  if (error.status === 429) return ' The Platform is rate-limiting this key.'
  if (error.status === 502 || error.status === 503 || error.status === 504) {
    return ' The Platform (or a proxy in front of it) was unavailable.'
  }
  return ''
}

/** Node's codes for a certificate chain that does not lead to a CA the runner trusts. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT'
])

/** What to do about a TLS certificate the runner rejected; OpenSSL's own words say little. */
function certificateHint(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code
  if (typeof code !== 'string') return ''
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return ` (${code}): the Platform's TLS certificate is not signed by a CA this runner trusts. If the Platform uses a self-signed certificate or an internal CA, set the NODE_EXTRA_CA_CERTS environment variable of the step to a PEM file with that CA's certificate.`
  }
  if (code === 'CERT_HAS_EXPIRED') return ` (${code}): the Platform's TLS certificate has expired.`
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return ` (${code}): the Platform's TLS certificate is not issued for the host in "platform-url"; use a host name the certificate names.`
  }
  return ''
}

function withAttempts(error: PlatformError, attempts: number): PlatformError {
  if (attempts <= 1) return error
  return new PlatformError(
    `${error.message} (gave up after ${attempts} attempts).${exhaustedHint(error)}`,
    error.kind,
    error.endpoint,
    error.status,
    error.serverMessage,
    attempts
  )
}

function runPath(syncName: string, runId: string): string {
  return `/syncs/${enc(syncName)}/runs/${enc(runId)}`
}

function enc(segment: string): string {
  return encodeURIComponent(segment)
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function serverMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as PlatformErrorBody
    if (parsed && typeof parsed.message === 'string' && parsed.message !== '') {
      const details = [
        ...(parsed.errors ?? []),
        ...Object.entries(parsed.field_errors ?? {}).map(([k, v]) => `${k}: ${v}`)
      ]
      return details.length > 0 ? `${parsed.message} (${details.join('; ')})` : parsed.message
    }
  } catch {
    // Not JSON: a proxy's HTML page says nothing useful beyond its status.
  }
  return undefined
}

function describeBody(answer: RawAnswer): string {
  const type = header(answer.headers['content-type'])
  return type ? ` (Content-Type ${oneLine(type, 80)})` : ''
}

/** Reads a whole body, failing (instead of hanging) when the peer resets, stalls or cuts it short. */
function readBody(message: IncomingMessage, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      message.destroy()
      reject(new Error(`body not received within ${timeoutMs / 1000}s (timeout)`))
    }, timeoutMs)
    const settle = (error?: Error): void => {
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    }
    message.on('data', (chunk: Buffer) => chunks.push(chunk))
    message.on('end', () =>
      message.complete ? settle() : settle(new Error('the answer was cut short'))
    )
    message.on('aborted', () => settle(new Error('the answer was cut short')))
    message.on('error', (error) => settle(error))
    message.on('close', () => {
      if (!message.complete)
        settle(new Error('the connection closed before the answer was complete'))
    })
  })
}

/**
 * Rejects when `promise` has not settled within `ms`; an answer that arrives later is handed to
 * `discard` so that its socket does not stay open unread.
 */
function withDeadline<T>(promise: Promise<T>, ms: number, discard: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      reject(new Error(`no answer within ${ms / 1000}s (timeout)`))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        if (expired) discard(value)
        else resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })
}
