import { afterEach, describe, expect, it } from '@jest/globals'
import type { Simulator } from '../../simulator/server.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { FakeClock } from '../helpers/fake-clock.js'
import { client, simulatorOnClock } from './client.js'

let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const RUN = { pendingMs: 30, startDelayMs: 30, durationMs: 400, ingestionDelayMs: 0 }

async function startRun(scenario: Scenario = {}) {
  const started = await simulatorOnClock({ run: RUN, ...scenario })
  sim = started.sim
  const api = client(sim)
  const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
  return { sim, clock: started.clock, api, id: id as string, path: `/syncs/aws-prod/runs/${id}` }
}

interface StreamResult {
  status: number
  /** Each chunk and the (virtual) instant it arrived. */
  chunks: { at: number; text: string }[]
  endedAt?: number
  error?: unknown
}

/** Reads a live log response chunk by chunk, noting when (on `clock`) each chunk and the end arrived. */
async function readStream(
  sim: Simulator,
  clock: FakeClock,
  path: string,
  signal?: AbortSignal
): Promise<StreamResult> {
  const res = await fetch(`${sim.url}/api${path}/logs/live`, {
    headers: { authorization: 'Bearer test-api-key' },
    signal
  })
  const result: StreamResult = { status: res.status, chunks: [] }
  if (!res.body) return result
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      result.chunks.push({ at: clock.now(), text: decoder.decode(value) })
    }
    result.endedAt = clock.now()
  } catch (err) {
    result.error = err
  }
  return result
}

const lines = (r: StreamResult): string[] =>
  r.chunks
    .map((c) => c.text)
    .join('')
    .split('\n')
    .filter((l) => l !== '')

/** For each complete line: the instant it says it was logged, and the instant it arrived. */
function lineTimes(r: StreamResult): { logged: number; arrived: number }[] {
  const times: { logged: number; arrived: number }[] = []
  let text = ''
  for (const chunk of r.chunks) {
    text += chunk.text
    const complete = text.split('\n')
    text = complete.pop() ?? ''
    for (const line of complete) {
      times.push({ logged: Date.parse(line.split(' ')[0]), arrived: chunk.at })
    }
  }
  return times
}

describe('live logs', () => {
  it('streams each line at its instant and ends at the instant the run is terminal', async () => {
    const { sim, clock, path } = await startRun()
    const streaming = readStream(sim, clock, path)
    await clock.advance(1000)
    const stream = await streaming
    const run = sim.runs[sim.runs.length - 1]
    expect(stream.status).toBe(200)
    expect(stream.error).toBeUndefined()
    expect(lines(stream)).toHaveLength(12)
    expect(lines(stream)[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INF Starting sync aws-prod/)
    expect(lines(stream).at(-1)).toMatch(/INF Sync completed/)
    // Paced by the clock: no line early, none late (a line due between two milliseconds shows the
    // earlier one and is sent at the later one), and the end neither.
    for (const { logged, arrived } of lineTimes(stream)) {
      expect(arrived - logged).toBeGreaterThanOrEqual(0)
      expect(arrived - logged).toBeLessThanOrEqual(1)
    }
    expect(lineTimes(stream)[0].logged).toBe(run.startedAt)
    expect(stream.endedAt).toBe(run.terminalAt)
    const recorded = sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}/logs/live')[0]
    expect(recorded.responseText?.split('\n').filter(Boolean)).toEqual(lines(stream))
    expect(recorded.finishedAt).toBe(run.terminalAt)
  })

  it('sends the whole log at once for a finished run', async () => {
    const { sim, clock, path } = await startRun()
    await clock.advance(500)
    const asked = clock.now()
    // Nothing moves the clock now: the stream can only end if it does not wait for anything.
    const stream = await readStream(sim, clock, path)
    expect(lines(stream)).toHaveLength(12)
    expect(stream.endedAt).toBe(asked)
  })

  it('ends the stream as soon as the run is cancelled', async () => {
    const { sim, clock, api, path } = await startRun({ run: { ...RUN, durationMs: 10_000 } })
    const streaming = readStream(sim, clock, path)
    await clock.advance(150)
    const cancelledAt = clock.now()
    await api('PATCH', path, { body: { status: 'cancelled' } })
    // Time goes on: a stream that waited for its next line would end later than the cancel.
    await clock.advance(1000)
    const stream = await streaming
    expect(stream.error).toBeUndefined()
    expect(stream.endedAt).toBe(cancelledAt)
    expect(lines(stream).at(-1)).toMatch(/WAR Sync run cancelled$/)
  })

  it('stalls half-way when the scenario says so', async () => {
    const { sim, clock, path } = await startRun({ liveLogs: 'stall' })
    const abort = new AbortController()
    const streaming = readStream(sim, clock, path, abort.signal)
    await clock.advance(600)
    abort.abort()
    const stream = await streaming
    expect(stream.endedAt).toBeUndefined()
    expect(lines(stream)).toHaveLength(6)
  })

  it('drops the connection half-way when the scenario says so', async () => {
    const { sim, clock, path } = await startRun({ liveLogs: 'drop' })
    const streaming = readStream(sim, clock, path)
    await clock.advance(600)
    const stream = await streaming
    expect(stream.status).toBe(200)
    expect(stream.error).toBeDefined()
    expect(lines(stream)).toHaveLength(6)
  })

  it('answers 204 when live logs are unsupported, or before the run starts if asked', async () => {
    const unsupported = await startRun({ liveLogs: 'unsupported' })
    expect((await unsupported.api('GET', `${unsupported.path}/logs/live`)).status).toBe(204)
    await unsupported.sim.close()

    const { api, clock, path } = await startRun({ liveLogsBeforeStart: 'no-content' })
    expect((await api('GET', `${path}/logs/live`)).status).toBe(204)
    await clock.advance(RUN.pendingMs + RUN.startDelayMs)
    // Open now, and held open until the run ends.
    const live = api('GET', `${path}/logs/live`)
    await clock.advance(RUN.durationMs)
    expect((await live).status).toBe(200)
  })

  it('answers 404 for an unknown run', async () => {
    const { api } = await startRun()
    const res = await api(
      'GET',
      '/syncs/aws-prod/runs/5b0c1b8e-6c1a-4c53-9d1e-0d5f6f0e7a11/logs/live'
    )
    expect(res.status).toBe(404)
  })

  it('destroys open streams on close', async () => {
    const { sim, clock, path } = await startRun({ liveLogs: 'stall' })
    const streaming = readStream(sim, clock, path)
    await clock.advance(300)
    // The stream has stalled for good: close() returns (and the reader sees the connection cut)
    // only because close() destroys it instead of waiting for it to end.
    await sim.close()
    const stream = await streaming
    expect(stream.endedAt).toBeUndefined()
    expect(stream.error).toBeDefined()
  })
})
