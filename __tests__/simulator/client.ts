// A minimal client for the simulator tests: global fetch with the test key and parsed bodies.

import { afterEach } from '@jest/globals'
import type { Scenario } from '../../simulator/scenario.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { FakeClock } from '../helpers/fake-clock.js'

export interface ApiResponse {
  status: number
  headers: Headers
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
  body: any
}

export interface CallOptions {
  body?: unknown
  apiKey?: string | null
  signal?: AbortSignal
}

export function client(sim: Simulator) {
  return async (method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse> => {
    const apiKey = opts.apiKey === undefined ? sim.scenario.apiKey : opts.apiKey
    const headers: Record<string, string> =
      apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${sim.url}/api${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal
    })
    const text = await res.text()
    const json = (res.headers.get('content-type') ?? '').includes('json') && text !== ''
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: json ? JSON.parse(text) : undefined
    }
  }
}

/**
 * A simulator on a virtual clock that starts now and moves only when the test says
 * (`await clock.advance(ms)`): runs progress, evaluations happen and live log lines come due at
 * exact instants, in no real time.
 */
export async function simulatorOnClock(
  scenario: Scenario = {}
): Promise<{ sim: Simulator; clock: FakeClock }> {
  const clock = new FakeClock(Date.now())
  return { sim: await startSimulator(scenario, { clock: clock.follower }), clock }
}

/**
 * `start(scenario)` for one test file: a simulator on a virtual clock (`defaults` under the
 * scenario) and a client for it; the one a test started is closed after it.
 */
export function simulatorPerTest(defaults: Scenario = {}) {
  let sim: Simulator | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })
  return async (scenario: Scenario = {}) => {
    const started = await simulatorOnClock({ ...defaults, ...scenario })
    sim = started.sim
    return { sim: started.sim, clock: started.clock, api: client(started.sim) }
  }
}

/** Timings short enough for tests, long enough to observe each phase. */
export const FAST_RUN = {
  pendingMs: 60,
  startDelayMs: 60,
  durationMs: 300,
  ingestionDelayMs: 60
}
