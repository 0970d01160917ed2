import { afterEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import type { Scenario } from '../../simulator/scenario.js'
import { client, sleep } from './client.js'

let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const RUN = { pendingMs: 30, startDelayMs: 30, durationMs: 400, ingestionDelayMs: 0 }

async function startRun(scenario: Scenario = {}) {
  sim = await startSimulator({ run: RUN, ...scenario })
  const api = client(sim)
  const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
  return { sim, api, id: id as string, path: `/syncs/aws-prod/runs/${id}` }
}

interface StreamResult {
  status: number
  chunks: { at: number; text: string }[]
  endedAt?: number
  error?: unknown
}

/** Reads a live log response chunk by chunk, noting when each chunk and the end arrived. */
async function readStream(
  sim: Simulator,
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
      result.chunks.push({ at: Date.now(), text: decoder.decode(value) })
    }
    result.endedAt = Date.now()
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

describe('live logs', () => {
  it('streams lines while the run progresses and ends when the run is terminal', async () => {
    const { sim, path } = await startRun()
    const stream = await readStream(sim, path)
    const run = sim.runs[sim.runs.length - 1]
    expect(stream.status).toBe(200)
    expect(stream.error).toBeUndefined()
    expect(lines(stream)).toHaveLength(12)
    expect(lines(stream)[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INF Starting sync aws-prod/)
    expect(lines(stream).at(-1)).toMatch(/INF Sync completed/)
    expect(stream.chunks[0].at).toBeLessThan(run.terminalAt)
    expect(stream.endedAt).toBeGreaterThanOrEqual(run.terminalAt)
    expect(stream.endedAt! - run.terminalAt).toBeLessThan(100)
    const recorded = sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}/logs/live')[0]
    expect(recorded.responseText?.split('\n').filter(Boolean)).toEqual(lines(stream))
    expect(recorded.finishedAt).toBeDefined()
  })

  it('sends the whole log at once for a finished run', async () => {
    const { sim, path } = await startRun()
    await sleep(500)
    const started = Date.now()
    const stream = await readStream(sim, path)
    expect(lines(stream)).toHaveLength(12)
    expect(Date.now() - started).toBeLessThan(100)
  })

  it('ends the stream as soon as the run is cancelled', async () => {
    const { sim, api, path } = await startRun({ run: { ...RUN, durationMs: 10_000 } })
    const streaming = readStream(sim, path)
    await sleep(150)
    const cancelledAt = Date.now()
    await api('PATCH', path, { body: { status: 'cancelled' } })
    const stream = await streaming
    expect(stream.error).toBeUndefined()
    expect(stream.endedAt! - cancelledAt).toBeLessThan(100)
    expect(lines(stream).at(-1)).toMatch(/WAR Sync run cancelled$/)
  })

  it('stalls half-way when the scenario says so', async () => {
    const { sim, path } = await startRun({ liveLogs: 'stall' })
    const abort = new AbortController()
    const streaming = readStream(sim, path, abort.signal)
    await sleep(600)
    abort.abort()
    const stream = await streaming
    expect(stream.endedAt).toBeUndefined()
    expect(lines(stream)).toHaveLength(6)
  })

  it('drops the connection half-way when the scenario says so', async () => {
    const { sim, path } = await startRun({ liveLogs: 'drop' })
    const stream = await readStream(sim, path)
    expect(stream.status).toBe(200)
    expect(stream.error).toBeDefined()
    expect(lines(stream)).toHaveLength(6)
  })

  it('answers 204 when live logs are unsupported, or before the run starts if asked', async () => {
    const unsupported = await startRun({ liveLogs: 'unsupported' })
    expect((await unsupported.api('GET', `${unsupported.path}/logs/live`)).status).toBe(204)
    await unsupported.sim.close()

    const { api, path } = await startRun({ liveLogsBeforeStart: 'no-content' })
    expect((await api('GET', `${path}/logs/live`)).status).toBe(204)
    await sleep(100)
    expect((await api('GET', `${path}/logs/live`)).status).toBe(200)
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
    const { sim, path } = await startRun({ liveLogs: 'stall' })
    const streaming = readStream(sim, path)
    await sleep(100)
    const closing = Date.now()
    await sim.close()
    const stream = await streaming
    expect(stream.error).toBeDefined()
    expect(Date.now() - closing).toBeLessThan(200)
  })
})
