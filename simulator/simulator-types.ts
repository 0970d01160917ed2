// What the simulator offers its callers: the recorded exchanges, its events, and its options.

import type { IncomingHttpHeaders } from 'node:http'
import type { Clock } from '../src/lib/poll.js'
import type { RunOrigin } from './runs.js'
import type { FaultKind, ResolvedScenario, Scenario } from './scenario.js'

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
