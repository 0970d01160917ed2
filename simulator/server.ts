// The Platform simulator's HTTP side: a node:http (or node:https) server on 127.0.0.1 that
// authenticates, routes, injects faults, streams live logs and records every exchange, delegating
// the API's behaviour to `Platform`.

import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { systemClock, type Clock } from '../src/lib/poll.js'
import { TemplateMatcher } from './paths.js'
import { ApiError, Query, type Reply } from './operations.js'
import { Platform } from './platform.js'
import {
  evaluationAt,
  formatLogLine,
  ingestedAt,
  scheduledLogLines,
  settledAt,
  statusAt,
  terminalAt,
  type RunOrigin,
  type SimRun
} from './runs.js'
import { sendEndless, sendTrickle } from './hostile-answers.js'
import type { Fault, FaultKind, ResolvedScenario, Scenario } from './scenario.js'

const API_BASE = '/api'

export interface RecordedRequest {
  /** Arrival order, from 0. */
  seq: number
  method: string
  /** The path as received, e.g. `/api/syncs/aws-prod/runs`. */
  path: string
  /** The spec's template below `/api` (`/syncs/{sync_name}/runs`); undefined for unknown paths. */
  pathTemplate?: string
  params: Record<string, string>
  query: Record<string, string[]>
  headers: IncomingHttpHeaders
  /** The request body parsed as JSON; undefined when empty or not JSON (see `rawBody`). */
  body?: unknown
  rawBody: string
  fault?: FaultKind
  /** Undefined when the connection was destroyed without a response. */
  status?: number
  responseHeaders: Record<string, string>
  /** The response body parsed as JSON, when it was JSON. */
  responseBody?: unknown
  /** The response body when it was not JSON (live logs, HTML error pages, broken JSON). */
  responseText?: string
  startedAt: number
  /** When the response ended or the connection was destroyed; undefined while still open. */
  finishedAt?: number
}

export type SimulatorEvent =
  | { type: 'run-created'; runId: string; syncName: string; at: number }
  | {
      /**
       * The run is terminal and, when its data is going to be ingested, ingested: the moment the
       * action can act on the outcome.
       */
      type: 'run-terminal'
      runId: string
      syncName: string
      status: string
      statusReason: string | null
      ingested: boolean
      at: number
    }
  | { type: 'policies-evaluated'; runId: string; at: number }

export interface RunSnapshot {
  id: string
  syncName: string
  origin: RunOrigin
  status: string
  statusReason: string | null
  createdAt: number
  startedAt: number
  /** When the run became (or will become) terminal. */
  terminalAt: number
  cancelledAt: number | null
  ingestedAt: number | null
  evaluatedAt: number | null
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` (or https), without the `/api` base path. */
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Every run, as of now. */
  readonly runs: RunSnapshot[]
  /** Lifecycle events that have happened by now, oldest first. */
  readonly events: SimulatorEvent[]
  readonly scenario: ResolvedScenario
  /** Runs created through `POST /syncs/{sync_name}/runs`. */
  runsStarted(): number
  requestsTo(method: string, pathTemplate: string): RecordedRequest[]
  /** Changes the scenario for what happens from now on (faults restart their counts). */
  setScenario(patch: Scenario): void
  /** Stops listening and destroys every open connection, live log streams included. */
  close(): Promise<void>
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  tls?: { key: string | Buffer; cert: string | Buffer }
  /** Keep parsed response bodies in `requests` (default true); off for long benchmarks. */
  recordResponseBodies?: boolean
  /**
   * Where the simulator's time comes from (default: the system clock): run schedules, recorded
   * times, `Retry-After` dates, fault delays and the pace of live log streams all follow it. A test
   * gives it the virtual clock the code under test sleeps on (`FakeClock.follower` in
   * `__tests__/helpers/fake-clock.ts`), so that a sleep of the code moves the simulated Platform on.
   */
  clock?: Clock
}

const MAX_BODY = 1 << 20

const PROXY_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** Decides, per request, which configured fault (if any) hits it. */
class FaultInjector {
  private readonly seen = new Map<Fault, number>()

  constructor(
    private readonly faults: Fault[],
    private readonly templates: Set<string>
  ) {}

  take(method: string, apiPath: string, template: string | undefined): Fault | undefined {
    for (const fault of this.faults) {
      if (!this.matches(fault, method, apiPath, template)) continue
      const n = this.seen.get(fault) ?? 0
      this.seen.set(fault, n + 1)
      const after = fault.after ?? 0
      const count = fault.count === 'always' ? Infinity : (fault.count ?? 1)
      if (n >= after && n < after + count) return fault
    }
    return undefined
  }

  private matches(fault: Fault, method: string, apiPath: string, template?: string): boolean {
    const { method: m, path } = fault.match
    if (m !== undefined && m.toUpperCase() !== method) return false
    if (path === undefined) return true
    // A known template names exactly one operation; anything else is a regular expression.
    return this.templates.has(path) ? path === template : new RegExp(path).test(apiPath)
  }
}

function retryAfterHeader(fault: Fault, now: number): Record<string, string> {
  if (fault.retryAfter === undefined) return {}
  if (fault.retryAfter === 'http-date') {
    // HTTP-dates have one-second resolution: round up so the date is never in the past.
    return { 'retry-after': new Date(Math.ceil((now + 1000) / 1000) * 1000).toUTCString() }
  }
  if (fault.retryAfter === 'http-date-now') {
    return { 'retry-after': new Date(Math.floor(now / 1000) * 1000).toUTCString() }
  }
  return { 'retry-after': String(fault.retryAfter) }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      // Past the limit the body is drained, not kept, so the 413 can still be answered.
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () =>
      size > MAX_BODY
        ? reject(new ApiError(413, 'request body too large'))
        : resolve(Buffer.concat(chunks).toString('utf8'))
    )
    req.on('error', reject)
  })
}

class SimulatorServer implements Simulator {
  url = ''
  readonly requests: RecordedRequest[] = []
  private readonly platform: Platform
  private readonly server: Server
  private readonly matcher: TemplateMatcher
  private readonly templates: Set<string>
  private faults: FaultInjector
  private readonly sockets = new Set<Socket>()
  /** Pending sleeps on the clock (fault delays, live log ticks); aborting one cancels it. */
  private readonly timers = new Set<AbortController>()
  private readonly liveStreams = new Map<SimRun, Set<() => void>>()
  private readonly recordBodies: boolean
  private readonly clock: Clock

  constructor(scenario: Scenario, opts: SimulatorOptions) {
    this.clock = opts.clock ?? systemClock
    this.platform = new Platform(scenario, this.clock.now())
    this.platform.onCancel = (run) => this.liveStreams.get(run)?.forEach((wake) => wake())
    this.templates = new Set(Object.keys(this.platform.routes))
    this.matcher = new TemplateMatcher(this.templates)
    this.faults = new FaultInjector(this.platform.scenario.faults, this.templates)
    this.recordBodies = opts.recordResponseBodies ?? true
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const rec = this.record(req)
      this.handle(req, res, rec).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.sendJson(res, rec, 500, { message: String(err), status: 500 })
        }
      })
    }
    this.server = opts.tls ? createHttpsServer(opts.tls, handler) : createHttpServer(handler)
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  get scenario(): ResolvedScenario {
    return this.platform.scenario
  }

  async listen(port: number, tls: boolean): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    const address = this.server.address() as AddressInfo
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${address.port}`
  }

  get runs(): RunSnapshot[] {
    const now = this.clock.now()
    return this.platform.runs.map((run) => ({
      id: run.id,
      syncName: run.syncName,
      origin: run.origin,
      status: statusAt(run, now),
      statusReason: run.cancelledAt === null ? run.statusReason : null,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      terminalAt: terminalAt(run),
      cancelledAt: run.cancelledAt,
      ingestedAt: ingestedAt(run),
      evaluatedAt: evaluationAt(run)
    }))
  }

  get events(): SimulatorEvent[] {
    const now = this.clock.now()
    const events: SimulatorEvent[] = []
    for (const run of this.platform.runs) {
      if (run.origin === 'previous') continue
      const { id: runId, syncName } = run
      if (run.origin === 'created')
        events.push({ type: 'run-created', runId, syncName, at: run.createdAt })
      const settled = settledAt(run)
      if (settled <= now) {
        events.push({
          type: 'run-terminal',
          runId,
          syncName,
          status: statusAt(run, settled),
          statusReason: run.cancelledAt === null ? run.statusReason : null,
          ingested: ingestedAt(run) !== null,
          at: settled
        })
      }
      const evaluated = evaluationAt(run)
      if (evaluated !== null && evaluated <= now) {
        events.push({ type: 'policies-evaluated', runId, at: evaluated })
      }
    }
    return events.sort((a, b) => a.at - b.at)
  }

  runsStarted(): number {
    return this.platform.runs.filter((r) => r.origin === 'created').length
  }

  requestsTo(method: string, pathTemplate: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method.toUpperCase() && r.pathTemplate === pathTemplate
    )
  }

  setScenario(patch: Scenario): void {
    this.platform.update(patch)
    if (patch.faults) this.faults = new FaultInjector(this.platform.scenario.faults, this.templates)
  }

  async close(): Promise<void> {
    for (const timer of this.timers) timer.abort()
    this.timers.clear()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  /** Calls `fn` once `ms` have passed on the clock, unless cancelled (or the server closed) first. */
  private later(ms: number, fn: () => void): AbortController {
    const timer = new AbortController()
    this.timers.add(timer)
    void this.clock.sleep(ms, timer.signal).then(() => {
      if (this.timers.delete(timer)) fn()
    })
    return timer
  }

  private cancel(timer: AbortController): void {
    this.timers.delete(timer)
    timer.abort()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve))
  }

  private record(req: IncomingMessage): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const apiPath = apiPathOf(url.pathname)
    const match = apiPath === undefined ? undefined : this.matcher.match(apiPath)
    const query: Record<string, string[]> = {}
    for (const [key, value] of url.searchParams) (query[key] ??= []).push(value)
    const rec: RecordedRequest = {
      seq: this.requests.length,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      pathTemplate: match?.template,
      params: match?.params ?? {},
      query,
      headers: req.headers,
      rawBody: '',
      responseHeaders: {},
      startedAt: this.clock.now()
    }
    this.requests.push(rec)
    return rec
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest
  ): Promise<void> {
    res.on('close', () => (rec.finishedAt ??= this.clock.now()))
    const { method, pathTemplate } = rec
    let bodyError: string | undefined
    try {
      rec.rawBody = await readBody(req)
    } catch (err) {
      if (err instanceof ApiError) return this.sendJson(res, rec, err.status, err.toJSON())
      throw err
    }
    if (rec.rawBody.trim() !== '') {
      try {
        rec.body = JSON.parse(rec.rawBody)
      } catch {
        bodyError = 'request body is not valid JSON'
      }
    }

    const fault = this.faults.take(method, apiPathOf(rec.path) ?? rec.path, pathTemplate)
    if (fault) {
      rec.fault = fault.kind
      const finish = (): void => void (rec.finishedAt = this.clock.now())
      const delay =
        fault.kind === 'late-answer' ? 0 : (fault.delayMs ?? (fault.kind === 'slow' ? 1000 : 0))
      if (delay > 0) await this.sleep(delay)
      switch (fault.kind) {
        case '429':
          return this.sendJson(
            res,
            rec,
            429,
            { message: fault.message ?? 'rate limit exceeded', status: 429 },
            retryAfterHeader({ retryAfter: 1, ...fault }, this.clock.now())
          )
        case '503':
          return this.sendJson(
            res,
            rec,
            503,
            { message: fault.message ?? 'service unavailable', status: 503 },
            retryAfterHeader(fault, this.clock.now())
          )
        case '502-html':
          return this.sendText(res, rec, 502, PROXY_ERROR_PAGE, 'text/html')
        case 'malformed-json':
          return this.sendText(res, rec, 200, '{"items": [{"id": "', 'application/json')
        case 'reset':
          return this.destroy(res, rec)
        case 'endless-body':
          rec.status = 200
          return sendEndless(res, finish)
        case 'trickle':
          rec.status = 200
          return sendTrickle(
            res,
            { later: (ms, fn) => this.later(ms, fn), cancel: (t) => this.cancel(t) },
            finish
          )
        case 'silent':
          // Headers never come; the socket stays open until the client gives up.
          res.on('close', finish)
          return
      }
    }

    const now = this.clock.now()
    let reply: Reply
    try {
      reply = this.dispatch(req, rec, bodyError, now)
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      reply = { status: err.status, json: err.toJSON() }
      if (this.platform.scenario.echoKeyInErrors) {
        const header = req.headers.authorization ?? '(none)'
        const sent =
          this.platform.scenario.echoKeyInErrors === 'basic'
            ? `Basic ${Buffer.from(`token:${header.replace(/^Bearer\s+/i, '')}`).toString('base64')}`
            : header
        reply.json = { ...err.toJSON(), message: `${err.message} (Authorization: ${sent})` }
      }
    }
    if (fault?.kind === 'reset-after-create') return this.destroy(res, rec)
    if (fault?.kind === 'late-answer') await this.sleep(fault.delayMs ?? 5_000)
    if (reply.liveLog) return this.streamLiveLog(res, rec, reply.liveLog)
    if (reply.json === undefined) return this.sendText(res, rec, reply.status, '', undefined)
    if (fault?.kind === 'truncated') return this.sendTruncated(res, rec, reply)
    this.sendJson(res, rec, reply.status, reply.json, reply.headers)
  }

  private dispatch(
    req: IncomingMessage,
    rec: RecordedRequest,
    bodyError: string | undefined,
    now: number
  ): Reply {
    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    if (!auth) throw new ApiError(401, 'missing bearer token')
    if (auth[1].trim() !== this.platform.scenario.apiKey) throw new ApiError(401, 'invalid API key')
    const { method, pathTemplate: template } = rec
    if (template === undefined) throw new ApiError(404, 'not found')
    const operations = this.platform.routes[template]
    const handler = operations[method]
    if (!handler) {
      return {
        status: 405,
        json: { message: 'method not allowed', status: 405 },
        headers: { allow: Object.keys(operations).join(', ') }
      }
    }
    const forbidden = this.platform.scenario.forbidden
    if (forbidden.includes(template) || forbidden.includes(`${method} ${template}`)) {
      throw new ApiError(403, 'forbidden: the API key lacks the permission for this operation')
    }
    const query = new Query(rec.query)
    return handler({ params: rec.params, query, body: rec.body, bodyError, now })
  }

  private sendJson(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ): void {
    const text = JSON.stringify(body)
    rec.status = status
    // Re-parsed so the record holds exactly what went over the wire.
    if (this.recordBodies) rec.responseBody = JSON.parse(text)
    this.writeResponse(res, rec, status, text, { 'content-type': 'application/json', ...headers })
  }

  private sendText(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    text: string,
    contentType: string | undefined
  ): void {
    rec.status = status
    if (text !== '') rec.responseText = text
    this.writeResponse(res, rec, status, text, contentType ? { 'content-type': contentType } : {})
  }

  private writeResponse(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    text: string,
    headers: Record<string, string>
  ): void {
    const all = { ...headers, 'content-length': String(Buffer.byteLength(text)) }
    rec.responseHeaders = all
    res.writeHead(status, all)
    res.end(text)
  }

  private sendTruncated(res: ServerResponse, rec: RecordedRequest, reply: Reply): void {
    const bytes = Buffer.from(JSON.stringify(reply.json))
    const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length) }
    rec.status = reply.status
    rec.responseHeaders = headers
    rec.responseText = bytes.subarray(0, bytes.length >> 1).toString('utf8')
    res.writeHead(reply.status, headers)
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy())
  }

  private destroy(res: ServerResponse, rec: RecordedRequest): void {
    rec.finishedAt = this.clock.now()
    res.socket?.destroy()
  }

  /**
   * Writes the run's log lines as their time comes and ends the response when the run turns
   * terminal (or is cancelled). The `stall` and `drop` modes misbehave half-way through.
   */
  private streamLiveLog(res: ServerResponse, rec: RecordedRequest, run: SimRun): void {
    const mode = this.platform.scenario.liveLogs
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }
    rec.status = 200
    rec.responseHeaders = headers
    rec.responseText = ''
    res.writeHead(200, headers)
    res.flushHeaders()
    const cutoff = Math.ceil(scheduledLogLines(run).length / 2)
    let sent = 0
    let timer: AbortController | undefined
    const wakers = this.liveStreams.get(run) ?? new Set<() => void>()
    this.liveStreams.set(run, wakers)
    const cancelTimer = (): void => {
      if (timer) this.cancel(timer)
      timer = undefined
    }
    const stop = (): void => {
      cancelTimer()
      wakers.delete(wake)
      if (wakers.size === 0) this.liveStreams.delete(run)
    }
    const misbehave = (): void => {
      stop()
      if (mode === 'drop') this.destroy(res, rec)
    }
    const tick = (): void => {
      timer = undefined
      const now = this.clock.now()
      const lines = scheduledLogLines(run)
      for (; sent < lines.length && lines[sent].at <= now; sent++) {
        if (mode !== 'close-at-end' && sent >= cutoff) return misbehave()
        const text = formatLogLine(lines[sent])
        rec.responseText += text
        res.write(text)
      }
      const end = terminalAt(run)
      if (now >= end) {
        if (mode !== 'close-at-end') return misbehave()
        stop()
        res.end()
        return
      }
      const next = Math.min(lines[sent]?.at ?? Infinity, end)
      timer = this.later(Math.max(1, Math.ceil(next - now)), tick)
    }
    const wake = (): void => {
      cancelTimer()
      tick()
    }
    wakers.add(wake)
    res.on('close', stop)
    tick()
  }
}

function apiPathOf(pathname: string): string | undefined {
  return pathname.startsWith(`${API_BASE}/`) ? pathname.slice(API_BASE.length) : undefined
}

export async function startSimulator(
  scenario: Scenario = {},
  opts: SimulatorOptions = {}
): Promise<Simulator> {
  const sim = new SimulatorServer(scenario, opts)
  await sim.listen(opts.port ?? 0, opts.tls !== undefined)
  return sim
}
