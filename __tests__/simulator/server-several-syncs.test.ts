import { describe, expect, it } from '@jest/globals'
import { preset } from '../../simulator/presets.js'
import { FAST_RUN, simulatorPerTest } from './client.js'

const start = simulatorPerTest({ run: FAST_RUN })

describe('several managed syncs', () => {
  it('gives each sync its own behaviour for new runs', async () => {
    const { clock, api } = await start({
      syncRuns: {
        'gcp-prod': { finalStatus: 'failed', statusReason: 'error', errors: 3 },
        'aws-dev': { durationMs: 900, totalRows: 10 }
      }
    })
    const ids: Record<string, string> = {}
    for (const name of ['aws-prod', 'aws-dev', 'gcp-prod']) {
      ids[name] = (await api('POST', `/syncs/${name}/runs`)).body.id
    }
    await clock.advance(600)
    const at = async (name: string) => (await api('GET', `/syncs/${name}/runs/${ids[name]}`)).body
    expect(await at('aws-prod')).toMatchObject({ status: 'completed', total_rows: 12_480 })
    expect(await at('aws-dev')).toMatchObject({ status: 'started' })
    expect(await at('gcp-prod')).toMatchObject({
      status: 'failed',
      status_reason: 'error',
      errors: 3
    })
    await clock.advance(1000)
    expect(await at('aws-dev')).toMatchObject({ status: 'completed', total_rows: 10 })
  })

  it('leaves the history of a sync with its own behaviour as it was', async () => {
    const { api } = await start({ syncRuns: { 'aws-prod': { finalStatus: 'failed' } } })
    const history = (await api('GET', '/syncs/aws-prod/runs')).body.items
    expect(history.map((r: { status: string }) => r.status)).toEqual([
      'completed',
      'completed',
      'completed'
    ])
  })

  it('starts with an active run of each sync given', async () => {
    const { sim, clock, api } = await start({
      activeRun: [
        { syncName: 'aws-prod', ageMs: 100 },
        { syncName: 'gcp-prod', durationMs: 2000 }
      ],
      whileActive: 'reject'
    })
    expect(sim.runs.filter((r) => r.origin === 'active').map((r) => r.syncName)).toEqual([
      'aws-prod',
      'gcp-prod'
    ])
    expect((await api('POST', '/syncs/aws-prod/runs')).status).toBe(422)
    expect((await api('POST', '/syncs/gcp-prod/runs')).status).toBe(422)
    expect((await api('POST', '/syncs/aws-dev/runs')).status).toBe(201)
    await clock.advance(400)
    expect((await api('POST', '/syncs/aws-prod/runs')).status).toBe(201)
  })

  it('evaluates the policies after each ingested run', async () => {
    const { sim, clock, api } = await start({
      syncRuns: { 'aws-dev': { durationMs: 2000 } },
      evaluation: { delayAfterIngestMs: 50 }
    })
    await api('POST', '/syncs/aws-prod/runs')
    await api('POST', '/syncs/aws-dev/runs')
    const runAt = async () =>
      (await api('GET', '/policies?per_page=1&sort_by=last_run_at&sort_dir=desc')).body.items[0]
        .run_at
    await clock.advance(600)
    const first = sim.runs.find((r) => r.syncName === 'aws-prod' && r.origin === 'created')
    expect(await runAt()).toBe(new Date(first!.evaluatedAt!).toISOString())
    await clock.advance(2000)
    const second = sim.runs.find((r) => r.syncName === 'aws-dev' && r.origin === 'created')
    expect(second!.evaluatedAt).toBeGreaterThan(first!.evaluatedAt!)
    expect(await runAt()).toBe(new Date(second!.evaluatedAt!).toISOString())
    expect(sim.events.filter((e) => e.type === 'policies-evaluated')).toHaveLength(2)
  })

  it('serves the several-syncs preset: three syncs, gcp-prod failing', async () => {
    const { clock, api } = await start(preset('several-syncs'))
    const ids: Record<string, string> = {}
    for (const name of ['aws-prod', 'aws-dev', 'gcp-prod']) {
      ids[name] = (await api('POST', `/syncs/${name}/runs`)).body.id
    }
    await clock.advance(20_000)
    const statuses: Record<string, string> = {}
    for (const [name, id] of Object.entries(ids)) {
      statuses[name] = (await api('GET', `/syncs/${name}/runs/${id}`)).body.status
    }
    expect(statuses).toEqual({
      'aws-prod': 'completed',
      'aws-dev': 'completed',
      'gcp-prod': 'failed'
    })
  })
})
