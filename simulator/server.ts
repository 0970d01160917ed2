// The Platform simulator's HTTP side: a node:http (or node:https) server on 127.0.0.1 that
// authenticates, routes, injects faults, streams live logs and records every exchange, delegating
// the API's behaviour to `Platform`.

import {
  createServer as createHttpServer,
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
import { FaultInjector, PROXY_ERROR_PAGE, readBody, retryAfterHeader } from './faults.js'
import { sendEndless, sendTrickle } from './hostile-answers.js'
import { streamLiveLog } from './live-log-stream.js'
import { sendJson, sendText, sendTruncated } from './responses.js'
import { evaluationAt, ingestedAt, settledAt, statusAt, terminalAt, type SimRun } from './runs.js'
import type { Fault, ResolvedScenario, Scenario } from './scenario.js'
import type {
  RecordedRequest,
  RunSnapshot,
  Simulator,
  SimulatorEvent,
  SimulatorOptions
} from './simulator-types.js'

export type {
  RecordedRequest,
  RunSnapshot,
  Simulator,
  SimulatorEvent,
  SimulatorOptions
} from './simulator-types.js'

const API_BASE = '/api'

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
          sendJson(this.recordBodies, res, rec, 500, { message: String(err), status: 500 })
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

  /** The clock, as the answers that never end pace themselves on it. */
  private readonly answerTimers = {
    later: (ms: number, fn: () => void): AbortController => this.later(ms, fn),
    cancel: (timer: AbortController): void => this.cancel(timer)
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
    const bodyError = await this.readRequestBody(req, res, rec)
    if (bodyError === false) return
    const fault = this.faults.take(rec.method, apiPathOf(rec.path) ?? rec.path, rec.pathTemplate)
    if (fault) {
      rec.fault = fault.kind
      const delay =
        fault.kind === 'late-answer' ? 0 : (fault.delayMs ?? (fault.kind === 'slow' ? 1000 : 0))
      if (delay > 0) await this.sleep(delay)
      if (this.answerFault(fault, res, rec)) return
    }
    const reply = this.apiReply(req, rec, bodyError)
    if (fault?.kind === 'reset-after-create') return this.destroy(res, rec)
    if (fault?.kind === 'late-answer') await this.sleep(fault.delayMs ?? 5_000)
    if (reply.liveLog) {
      return streamLiveLog(res, rec, reply.liveLog, {
        mode: this.platform.scenario.liveLogs,
        clock: this.clock,
        later: (ms, fn) => this.later(ms, fn),
        cancel: (timer) => this.cancel(timer),
        destroy: () => this.destroy(res, rec),
        streams: this.liveStreams
      })
    }
    if (reply.json === undefined) return sendText(res, rec, reply.status, '', undefined)
    if (fault?.kind === 'truncated') return sendTruncated(res, rec, reply)
    sendJson(this.recordBodies, res, rec, reply.status, reply.json, reply.headers)
  }

  /**
   * Reads and parses the request's body into `rec`; returns why it is not JSON (for the handler to
   * refuse), or false when a 413 was already answered.
   */
  private async readRequestBody(
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest
  ): Promise<string | undefined | false> {
    try {
      rec.rawBody = await readBody(req)
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      sendJson(this.recordBodies, res, rec, err.status, err.toJSON())
      return false
    }
    if (rec.rawBody.trim() === '') return undefined
    try {
      rec.body = JSON.parse(rec.rawBody)
      return undefined
    } catch {
      return 'request body is not valid JSON'
    }
  }

  /** Answers a fault that replaces the Platform's answer; false for one that only alters it. */
  private answerFault(fault: Fault, res: ServerResponse, rec: RecordedRequest): boolean {
    const finish = (): void => void (rec.finishedAt = this.clock.now())
    const error = (status: number, fallback: string, headers: Record<string, string>): void =>
      sendJson(
        this.recordBodies,
        res,
        rec,
        status,
        { message: fault.message ?? fallback, status },
        headers
      )
    switch (fault.kind) {
      case '429':
        error(
          429,
          'rate limit exceeded',
          retryAfterHeader({ retryAfter: 1, ...fault }, this.clock.now())
        )
        return true
      case '503':
        error(503, 'service unavailable', retryAfterHeader(fault, this.clock.now()))
        return true
      case '502-html':
        sendText(res, rec, 502, PROXY_ERROR_PAGE, 'text/html')
        return true
      case 'malformed-json':
        sendText(res, rec, 200, '{"items": [{"id": "', 'application/json')
        return true
      case 'reset':
        this.destroy(res, rec)
        return true
      case 'endless-body':
        rec.status = 200
        sendEndless(res, this.answerTimers, finish)
        return true
      case 'trickle':
        rec.status = 200
        sendTrickle(res, this.answerTimers, finish)
        return true
      case 'silent':
        // Headers never come; the socket stays open until the client gives up.
        res.on('close', finish)
        return true
      default:
        return false
    }
  }

  /** The Platform's answer, or its error (which may quote the key back, when asked to). */
  private apiReply(req: IncomingMessage, rec: RecordedRequest, bodyError?: string): Reply {
    try {
      return this.dispatch(req, rec, bodyError, this.clock.now())
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      const reply: Reply = { status: err.status, json: err.toJSON() }
      if (this.platform.scenario.echoKeyInErrors) {
        const header = req.headers.authorization ?? '(none)'
        const sent =
          this.platform.scenario.echoKeyInErrors === 'basic'
            ? `Basic ${Buffer.from(`token:${header.replace(/^Bearer\s+/i, '')}`).toString('base64')}`
            : header
        reply.json = { ...err.toJSON(), message: `${err.message} (Authorization: ${sent})` }
      }
      return reply
    }
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

  private destroy(res: ServerResponse, rec: RecordedRequest): void {
    rec.finishedAt = this.clock.now()
    res.socket?.destroy()
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
