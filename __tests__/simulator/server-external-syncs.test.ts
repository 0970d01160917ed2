import { describe, expect, it } from '@jest/globals'
import { EXTERNAL_INVOCATION_ID, preset } from '../../simulator/presets.js'
import { simulatorPerTest } from './client.js'

const INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
const ID = '0d4b3c1e-2f6a-4b7c-8d9e-0f1a2b3c4d5e'
const LIST = '/external-sync-runs'

const start = simulatorPerTest()

describe('external syncs over HTTP', () => {
  it('passes through started and finalizing to completed, rows growing, finished_at at the end', async () => {
    const { clock, api } = await start({
      externalSyncs: [
        {
          invocationId: INVOCATION,
          id: ID,
          startedMs: 1000,
          finalizingMs: 500,
          tables: { a: 60, b: 40 }
        }
      ]
    })
    const at = async () => (await api('GET', `${LIST}/${ID}`)).body
    const started = await at()
    expect(started).toMatchObject({ id: ID, invocation_id: INVOCATION, status: 'started', rows: 0 })
    expect(started.finished_at).toBeUndefined()
    await clock.advance(500)
    expect(await at()).toMatchObject({
      status: 'started',
      rows: 50,
      table_progress: { a: 30, b: 20 }
    })
    await clock.advance(600)
    const finalizing = await at()
    expect(finalizing).toMatchObject({ status: 'finalizing', rows: 100 })
    expect(finalizing.finished_at).toBeUndefined()
    await clock.advance(500)
    const completed = await at()
    expect(completed).toMatchObject({ status: 'completed', rows: 100 })
    expect(Date.parse(completed.finished_at) - Date.parse(completed.created_at)).toBe(1500)
    expect(completed.updated_at).toBe(completed.finished_at)
  })

  it('fails straight from started, and can stay finalizing for ever', async () => {
    const { clock, api } = await start({
      externalSyncs: [
        { invocationId: INVOCATION, id: ID, finalStatus: 'failed', rows: 7 },
        { invocationId: INVOCATION, finalizingMs: null }
      ]
    })
    await clock.advance(3_600_000)
    const items = (await api('GET', LIST)).body.items
    expect(items.map((i: { status: string }) => i.status).slice(0, 2)).toEqual([
      'failed',
      'finalizing'
    ])
    expect(items[0]).toMatchObject({ id: ID, rows: 7 })
    expect(items[0].finished_at).toBeDefined()
    expect(items[1].finished_at).toBeUndefined()
  })

  it('lists newest first with older CLI runs of other invocations, paged and filtered', async () => {
    const { api } = await start({ externalSyncs: [{ invocationId: INVOCATION, id: ID }] })
    const all = (await api('GET', `${LIST}?per_page=100`)).body
    expect(all.metadata).toEqual({ page_size: 100, total_count: 4, last_page: 1 })
    expect(all.items[0].invocation_id).toBe(INVOCATION)
    const created = all.items.map((i: { created_at: string }) => i.created_at)
    expect([...created].sort().reverse()).toEqual(created)
    expect(new Set(all.items.map((i: { invocation_id: string }) => i.invocation_id)).size).toBe(4)
    const second = (await api('GET', `${LIST}?per_page=2&page=2`)).body
    expect(second.items).toEqual(all.items.slice(2, 4))
    expect(second.metadata.last_page).toBe(2)
    const done = (await api('GET', `${LIST}?status=completed`)).body.items
    expect(done).toHaveLength(3)
    expect((await api('GET', `${LIST}?status=paused`)).status).toBe(400)
    expect((await api('GET', `${LIST}?per_page=0`)).status).toBe(400)
  })

  it('shows one only once it appears, and never one that never does', async () => {
    const { clock, api } = await start({
      olderExternalSyncs: 0,
      externalSyncs: [
        { invocationId: INVOCATION, id: ID, appearAfterMs: 5000 },
        { invocationId: '11111111-2222-4333-8444-555555555555', appearAfterMs: null }
      ]
    })
    expect((await api('GET', `${LIST}/${ID}`)).status).toBe(404)
    expect((await api('GET', LIST)).body.items).toEqual([])
    await clock.advance(5000)
    expect((await api('GET', `${LIST}/${ID}`)).body.status).toBe('started')
    await clock.advance(3_600_000)
    expect((await api('GET', LIST)).body.items).toHaveLength(1)
    expect((await api('GET', `${LIST}/not-a-uuid`)).status).toBe(404)
  })

  it('triggers a policy evaluation when one completes, none when one fails', async () => {
    const { clock, api } = await start({
      externalSyncs: [
        { invocationId: INVOCATION, id: ID, startedMs: 1000, finalizingMs: 1000 },
        { invocationId: INVOCATION, finalStatus: 'failed', startedMs: 500 }
      ],
      evaluation: { delayAfterIngestMs: 300 }
    })
    const runAt = async () =>
      (await api('GET', '/policies?per_page=1&sort_by=last_run_at&sort_dir=desc')).body.items[0]
        .run_at
    const before = await runAt()
    await clock.advance(2200)
    expect(await runAt()).toBe(before)
    await clock.advance(200)
    const finished = (await api('GET', `${LIST}/${ID}`)).body.finished_at
    expect(await runAt()).toBe(new Date(Date.parse(finished) + 300).toISOString())
  })

  it('needs the key, and takes faults like every route', async () => {
    const { sim, api } = await start({
      faults: [{ match: { path: '/external-sync-runs' }, kind: '503', count: 1 }]
    })
    expect((await api('GET', LIST, { apiKey: 'wrong' })).status).toBe(503)
    expect((await api('GET', LIST, { apiKey: 'wrong' })).status).toBe(401)
    expect(sim.requestsTo('GET', LIST).map((r) => r.fault)).toEqual(['503', undefined])
  })

  it('serves the external-sync preset: a CLI run that appears, finalizes and completes', async () => {
    const { clock, api } = await start(preset('external-sync'))
    const find = async () =>
      (await api('GET', LIST)).body.items.find(
        (i: { invocation_id: string }) => i.invocation_id === EXTERNAL_INVOCATION_ID
      )
    expect(await find()).toBeUndefined()
    const seen: string[] = []
    for (let t = 0; t < 14_000; t += 500) {
      await clock.advance(500)
      const status = (await find())?.status
      if (status && seen.at(-1) !== status) seen.push(status)
    }
    expect(seen).toEqual(['started', 'finalizing', 'completed'])
  })
})
