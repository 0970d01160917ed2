import { describe, expect, it } from '@jest/globals'
import { FAST_RUN, simulatorPerTest } from './client.js'

const start = simulatorPerTest({ run: FAST_RUN })

describe('sync runs over HTTP', () => {
  it('creates a run and follows it to completion and ingestion', async () => {
    const { sim, clock, api } = await start()
    const created = await api('POST', '/syncs/aws-prod/runs')
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      sync_name: 'aws-prod',
      status: 'created',
      ingested: false
    })
    const id = created.body.id as string
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    const seen: string[] = []
    let polls = 0
    let run
    do {
      run = (await api('GET', `/syncs/aws-prod/runs/${id}`)).body
      polls++
      if (seen.at(-1) !== run.status) seen.push(run.status)
      await clock.advance(10)
    } while (!run.ingested)
    expect(seen).toEqual(['created', 'pending', 'started', 'completed'])
    expect(run).toMatchObject({ total_rows: 12_480, warnings: 3, errors: 0, cpu_seconds: 41.5 })

    expect(sim.runsStarted()).toBe(1)
    const terminal = sim.events.find((e) => e.type === 'run-terminal')
    const snapshot = sim.runs.find((r) => r.id === id)
    expect(terminal).toMatchObject({ runId: id, status: 'completed', ingested: true })
    expect(terminal?.at).toBe(snapshot?.ingestedAt)
    expect(sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}')).toHaveLength(polls)
    expect(sim.requestsTo('POST', '/syncs/{sync_name}/runs')[0]).toMatchObject({
      path: '/api/syncs/aws-prod/runs',
      params: { sync_name: 'aws-prod' },
      status: 201,
      responseBody: { id }
    })
  })

  it('lists runs newest first, history included, with page metadata', async () => {
    const { api } = await start({ previousRuns: 3 })
    await api('POST', '/syncs/aws-prod/runs')
    const page1 = await api('GET', '/syncs/aws-prod/runs?per_page=2')
    expect(page1.body.metadata).toEqual({ page_size: 2, total_count: 4, last_page: 2 })
    expect(page1.body.items[0].status).toBe('created')
    const page2 = await api('GET', '/syncs/aws-prod/runs?per_page=2&page=2')
    const all = [...page1.body.items, ...page2.body.items]
    const created = all.map((r) => Date.parse(r.created_at))
    expect(created).toEqual([...created].sort((a, b) => b - a))
    const history = all.slice(1)
    expect(history.every((r) => r.status === 'completed' && r.ingested)).toBe(true)
    const durations = history.map((r) => Date.parse(r.completed_at) - Date.parse(r.created_at))
    expect(durations.every((d) => d > 0)).toBe(true)
  })

  it('answers 404 for unknown syncs and runs', async () => {
    const { api } = await start()
    const unknownSync = await api('GET', '/syncs/nope/runs')
    expect(unknownSync.status).toBe(404)
    expect(unknownSync.body).toEqual({ message: 'sync not found', status: 404 })
    expect((await api('POST', '/syncs/nope/runs')).status).toBe(404)
    const unknownRun = await api('GET', '/syncs/aws-prod/runs/5b0c1b8e-6c1a-4c53-9d1e-0d5f6f0e7a11')
    expect(unknownRun.status).toBe(404)
    expect((await api('GET', '/nothing-here')).status).toBe(404)
  })

  it('starts another run while one is active, or rejects it, as the scenario says', async () => {
    const permissive = await start({ activeRun: { durationMs: 5000 } })
    expect((await permissive.api('POST', '/syncs/aws-prod/runs')).status).toBe(201)
    expect(permissive.sim.runsStarted()).toBe(1)
    await permissive.sim.close()

    const { sim, api } = await start({ activeRun: { durationMs: 5000 }, whileActive: 'reject' })
    const rejected = await api('POST', '/syncs/aws-prod/runs')
    expect(rejected.status).toBe(422)
    expect(rejected.body).toEqual({ message: 'sync already has an active run', status: 422 })
    expect(sim.runsStarted()).toBe(0)
    expect((await api('POST', '/syncs/aws-dev/runs')).status).toBe(201)
  })

  it('lets an already-active run finish on its own schedule', async () => {
    const { sim, clock, api } = await start({
      activeRun: { ageMs: 1000, pendingMs: 0, startDelayMs: 0, durationMs: 1100 }
    })
    const active = sim.runs.find((r) => r.origin === 'active')
    const list = await api('GET', '/syncs/aws-prod/runs')
    expect(list.body.items[0]).toMatchObject({ id: active?.id, status: 'started' })
    await clock.advance(99)
    const before = await api('GET', `/syncs/aws-prod/runs/${active?.id}`)
    expect(before.body.status).toBe('started')
    await clock.advance(1)
    const after = await api('GET', `/syncs/aws-prod/runs/${active?.id}`)
    expect(after.body.status).toBe('completed')
  })

  it('cancels an active run and refuses to cancel a terminal one', async () => {
    const { sim, api } = await start({ run: { ...FAST_RUN, durationMs: 5000 } })
    const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
    const path = `/syncs/aws-prod/runs/${id}`
    expect((await api('PATCH', path, { body: { status: 'completed' } })).status).toBe(400)
    const cancelled = await api('PATCH', path, { body: { status: 'cancelled' } })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled' })
    expect(cancelled.body.completed_at).toBeDefined()
    const again = await api('PATCH', path, { body: { status: 'cancelled' } })
    expect(again.status).toBe(422)
    expect(again.body.status).toBe(422)
    expect(sim.events.find((e) => e.type === 'run-terminal')).toMatchObject({ status: 'cancelled' })

    const res = await fetch(`${sim.url}/api${path}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer test-api-key', 'content-type': 'application/json' },
      body: '{"status":'
    })
    expect(res.status).toBe(400)
  })

  it('generates the same IDs for the same seed', async () => {
    const ids = async (seed: number) => {
      const { sim, api } = await start({ seed })
      const run = (await api('POST', '/syncs/aws-prod/runs')).body.id
      const policy = (await api('GET', '/policies?per_page=1')).body.items[0].id
      await sim.close()
      return [run, policy]
    }
    const first = await ids(7)
    expect(await ids(7)).toEqual(first)
    expect(await ids(8)).not.toEqual(first)
  })

  it('applies scenario changes to what happens next', async () => {
    const { sim, clock, api } = await start()
    sim.setScenario({ run: { finalStatus: 'failed', statusReason: 'error', durationMs: 50 } })
    const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
    await clock.advance(250)
    const run = (await api('GET', `/syncs/aws-prod/runs/${id}`)).body
    expect(run).toMatchObject({ status: 'failed', status_reason: 'error' })
    expect(sim.scenario.run.pendingMs).toBe(FAST_RUN.pendingMs)
  })
})
