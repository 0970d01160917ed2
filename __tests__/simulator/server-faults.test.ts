import { afterEach, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import type { Fault } from '../../simulator/scenario.js'
import { client, simulatorOnClock } from './client.js'

let sim: Simulator | undefined

async function withFaults(...faults: Fault[]) {
  const started = await simulatorOnClock({ faults })
  sim = started.sim
  return { sim, clock: started.clock, api: client(sim) }
}

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const AUTH = { authorization: 'Bearer test-api-key' }

/** A raw GET that reports what arrived before the connection ended, even when it broke. */
function rawGet(
  url: string
): Promise<{ status?: number; headers?: Record<string, unknown>; body: string; error?: string }> {
  return new Promise((resolve) => {
    let status: number | undefined
    let headers: Record<string, unknown> | undefined
    let body = ''
    const req = request(url, { headers: { ...AUTH, connection: 'close' } }, (res) => {
      status = res.statusCode
      headers = res.headers
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status, headers, body }))
      res.on('error', (err) => resolve({ status, headers, body, error: err.message }))
    })
    req.on('error', (err) => resolve({ status, headers, body, error: err.message }))
    req.end()
  })
}

describe('authentication and authorization', () => {
  it('answers 401 BasicError without a bearer token or with the wrong key', async () => {
    const { sim, api } = await withFaults()
    const missing = await api('GET', '/syncs', { apiKey: null })
    expect(missing.status).toBe(401)
    expect(missing.body).toEqual({ message: 'missing bearer token', status: 401 })
    const wrong = await api('GET', '/policies', { apiKey: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ message: 'invalid API key', status: 401 })
    expect(sim.requests.map((r) => r.status)).toEqual([401, 401])
  })

  it('answers 403 for forbidden operations, by template or by method and template', async () => {
    sim = await startSimulator({ forbidden: ['/policies', 'POST /syncs/{sync_name}/runs'] })
    const api = client(sim)
    const policies = await api('GET', '/policies')
    expect(policies.status).toBe(403)
    expect(policies.body).toMatchObject({ status: 403 })
    expect((await api('POST', '/syncs/aws-prod/runs')).status).toBe(403)
    expect((await api('GET', '/syncs/aws-prod/runs')).status).toBe(200)
  })
})

describe('fault injection', () => {
  it('429 with Retry-After in seconds, then answers normally', async () => {
    const { sim, api } = await withFaults({ match: { path: '/syncs' }, kind: '429', retryAfter: 2 })
    const limited = await api('GET', '/syncs')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    expect(limited.body).toEqual({ message: 'rate limit exceeded', status: 429 })
    expect((await api('GET', '/syncs')).status).toBe(200)
    expect(sim.requests.map((r) => r.fault)).toEqual(['429', undefined])
  })

  it('429 with Retry-After as an HTTP-date in the future', async () => {
    const { clock, api } = await withFaults({ match: {}, kind: '429', retryAfter: 'http-date' })
    await clock.advance(1234)
    const limited = await api('GET', '/syncs')
    const date = Date.parse(limited.headers.get('retry-after') ?? '')
    // The next whole second after a second from now: 1 to 2 s after the simulator's now.
    expect(date % 1000).toBe(0)
    expect(date - clock.now()).toBeGreaterThanOrEqual(1000)
    expect(date - clock.now()).toBeLessThan(2000)
  })

  it('429 with Retry-After as an HTTP-date of the current second', async () => {
    const { clock, api } = await withFaults({ match: {}, kind: '429', retryAfter: 'http-date-now' })
    await clock.advance(1234)
    const limited = await api('GET', '/syncs')
    const date = Date.parse(limited.headers.get('retry-after') ?? '')
    expect(date % 1000).toBe(0)
    expect(clock.now() - date).toBeGreaterThanOrEqual(0)
    expect(clock.now() - date).toBeLessThan(1000)
  })

  it('503 as BasicError, counted and skipping the first matches', async () => {
    const { api } = await withFaults({
      match: { method: 'GET', path: '/policies' },
      kind: '503',
      after: 1,
      count: 2
    })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await api('GET', '/policies?per_page=1')).status)
    expect(statuses).toEqual([200, 503, 503, 200])
    expect((await api('GET', '/syncs')).status).toBe(200)
  })

  it('502 with an HTML proxy page', async () => {
    const { api } = await withFaults({ match: { path: '^/syncs$' }, kind: '502-html' })
    const res = await api('GET', '/syncs')
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(res.text).toContain('502 Bad Gateway')
  })

  it('resets the connection without a response', async () => {
    const { sim } = await withFaults({ match: {}, kind: 'reset' })
    const res = await rawGet(`${sim.url}/api/syncs`)
    expect(res.status).toBeUndefined()
    expect(res.error).toBeDefined()
    expect(sim.requests[0].fault).toBe('reset')
    expect(sim.requests[0].status).toBeUndefined()
    expect(sim.requests[0].finishedAt).toBeDefined()
  })

  it('answers 200 with broken JSON', async () => {
    const { sim } = await withFaults({ match: {}, kind: 'malformed-json' })
    const res = await fetch(`${sim.url}/api/syncs`, { headers: AUTH })
    expect(res.status).toBe(200)
    await expect(res.json()).rejects.toThrow()
  })

  it('truncates the body short of its Content-Length', async () => {
    const { sim } = await withFaults({ match: {}, kind: 'truncated' })
    const res = await rawGet(`${sim.url}/api/policies`)
    expect(res.status).toBe(200)
    expect(Number(res.headers?.['content-length'])).toBeGreaterThan(res.body.length)
    expect(res.error).toBeDefined()
  })

  it('answers slowly but normally', async () => {
    const { sim, clock, api } = await withFaults({ match: {}, kind: 'slow', delayMs: 150 })
    let answered = false
    const answer = api('GET', '/syncs').finally(() => (answered = true))
    await clock.advance(149)
    expect(answered).toBe(false)
    await clock.advance(1)
    const res = await answer
    expect(res.status).toBe(200)
    expect(sim.requests[0]).toMatchObject({ fault: 'slow', status: 200 })
    expect(sim.requests[0].finishedAt! - sim.requests[0].startedAt).toBe(150)
  })

  it('creates the run, then resets the connection', async () => {
    const { sim, api } = await withFaults({
      match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
      kind: 'reset-after-create'
    })
    await expect(api('POST', '/syncs/aws-prod/runs')).rejects.toThrow()
    expect(sim.runsStarted()).toBe(1)
    const runs = await api('GET', '/syncs/aws-prod/runs')
    expect(runs.body.items[0].id).toBe(sim.runs.find((r) => r.origin === 'created')?.id)
  })

  it('applies `always` faults until the scenario changes', async () => {
    const { sim, api } = await withFaults({
      match: { path: '/syncs' },
      kind: '503',
      count: 'always'
    })
    for (let i = 0; i < 3; i++) expect((await api('GET', '/syncs')).status).toBe(503)
    sim.setScenario({ faults: [] })
    expect((await api('GET', '/syncs')).status).toBe(200)
  })
})
