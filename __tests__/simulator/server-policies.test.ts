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

const RUN = { pendingMs: 0, startDelayMs: 0, durationMs: 100, ingestionDelayMs: 50 }

const POLICIES: Scenario['policies'] = [
  { name: 'Public buckets', severity: 'critical', violationCount: 1, countAfterSync: 4 },
  { name: 'Old keys', severity: 'high', violationCount: 5, countAfterSync: 0 },
  { name: 'Paused check', severity: 'low', status: 'paused', violationCount: 9, countAfterSync: 1 },
  {
    name: 'Never evaluated',
    severity: 'medium',
    violationCount: null,
    runAt: null,
    countAfterSync: 2
  }
]

let clock: FakeClock

async function start(scenario: Scenario) {
  ;({ sim, clock } = await simulatorOnClock({ run: RUN, policies: POLICIES, ...scenario }))
  return { sim, api: client(sim) }
}

type PolicyItem = {
  name: string
  violation_count: number | null
  run_at: string | null
  id: string
}

async function policiesByName(api: ReturnType<typeof client>): Promise<Record<string, PolicyItem>> {
  const { items } = (await api('GET', '/policies?per_page=1000')).body
  return Object.fromEntries(items.map((p: PolicyItem) => [p.name, p]))
}

async function runToIngestion(api: ReturnType<typeof client>): Promise<string> {
  const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
  for (;;) {
    const run = (await api('GET', `/syncs/aws-prod/runs/${id}`)).body
    if (run.ingested || run.status === 'failed') return id
    await clock.advance(10)
  }
}

describe('policy evaluation', () => {
  it('re-evaluates active policies after a run is ingested', async () => {
    const { sim, api } = await start({ evaluation: { delayAfterIngestMs: 100 } })
    const before = await policiesByName(api)
    expect(before['Public buckets'].violation_count).toBe(1)
    expect(Date.parse(before['Public buckets'].run_at!)).toBeLessThan(clock.now() - 3_600_000)
    expect(before['Never evaluated']).toMatchObject({ violation_count: null, run_at: null })

    await runToIngestion(api)
    const justIngested = await policiesByName(api)
    expect(justIngested['Public buckets'].violation_count).toBe(1)

    await clock.advance(150)
    const after = await policiesByName(api)
    const run = sim.runs.find((r) => r.origin === 'created')!
    const evaluatedAt = new Date(run.ingestedAt! + 100).toISOString()
    expect(after['Public buckets']).toMatchObject({ violation_count: 4, run_at: evaluatedAt })
    expect(after['Old keys']).toMatchObject({ violation_count: 0, run_at: evaluatedAt })
    expect(after['Never evaluated']).toMatchObject({ violation_count: 2, run_at: evaluatedAt })
    expect(after['Paused check']).toEqual(before['Paused check'])
    expect(sim.events.filter((e) => e.type === 'policies-evaluated')).toEqual([
      { type: 'policies-evaluated', runId: run.id, at: run.ingestedAt! + 100 }
    ])

    const history = await api('GET', `/policies/${after['Public buckets'].id}/violations-history`)
    expect(history.body.items.map((e: { violation_count: number }) => e.violation_count)).toEqual([
      4, 1
    ])
    expect(history.body.items[0].run_at).toBe(evaluatedAt)
  })

  it('leaves policies stale in `never` mode', async () => {
    const { api } = await start({ evaluation: { mode: 'never' } })
    const before = await policiesByName(api)
    await runToIngestion(api)
    await clock.advance(300)
    expect(await policiesByName(api)).toEqual(before)
  })

  it('does not evaluate after a failed run', async () => {
    const { sim, api } = await start({
      run: { ...RUN, finalStatus: 'failed', statusReason: 'error' }
    })
    await runToIngestion(api)
    await clock.advance(300)
    expect((await policiesByName(api))['Public buckets'].violation_count).toBe(1)
    expect(sim.events.map((e) => e.type)).toEqual(['run-created', 'run-terminal'])
  })

  it('counts per sync with countsAfterSyncs: the data changes from one run to the next', async () => {
    const { api } = await start({
      policies: [
        { name: 'Changing', severity: 'critical', violationCount: 0, countsAfterSyncs: [3, 1] }
      ],
      evaluation: { delayAfterIngestMs: 0 }
    })
    const seen = async () => {
      const policy = (await policiesByName(api))['Changing'] as PolicyItem & { query_id: string }
      const listed = (await api('GET', `/policies/${policy.id}/violations`)).body.metadata
      const executed = (await api('POST', `/queries/${policy.query_id}/execute`)).body.metadata
      return [policy.violation_count, listed.total_count, executed.total_count]
    }
    expect(await seen()).toEqual([0, 0, 0])
    await runToIngestion(api)
    expect(await seen()).toEqual([3, 3, 3])
    await runToIngestion(api)
    expect(await seen()).toEqual([1, 1, 1])
    await runToIngestion(api)
    expect(await seen()).toEqual([1, 1, 1])
    const { id } = (await policiesByName(api))['Changing']
    const history = await api('GET', `/policies/${id}/violations-history`)
    expect(history.body.items.map((e: { violation_count: number }) => e.violation_count)).toEqual([
      1, 1, 3, 0
    ])
  })

  it('uses the generator’s after-sync counts', async () => {
    const { api } = await start({
      policies: null,
      policyGen: {
        count: 30,
        violating: 5,
        totalViolations: 50,
        afterSync: { violating: 10, totalViolations: 80 }
      },
      evaluation: { delayAfterIngestMs: 0 }
    })
    const total = async () =>
      Object.values(await policiesByName(api)).reduce((sum, p) => sum + (p.violation_count ?? 0), 0)
    expect(await total()).toBe(50)
    await runToIngestion(api)
    expect(await total()).toBe(80)
  })
})

describe('query execution', () => {
  it('returns the current violation count and the first violating rows', async () => {
    const { api } = await start({ evaluation: { delayAfterIngestMs: 0 } })
    const policy = (await policiesByName(api))['Public buckets'] as PolicyItem & {
      query_id: string
      query: string
    }
    const before = await api('POST', `/queries/${policy.query_id}/execute?per_page=10`)
    expect(before.status).toBe(200)
    expect(before.body.metadata).toEqual({ page_size: 10, total_count: 1, last_page: 1 })
    expect(before.body.data.query).toBe(policy.query)
    expect(before.body.data.rows).toHaveLength(1)

    await runToIngestion(api)
    const after = await api('POST', `/queries/${policy.query_id}/execute?per_page=3`)
    expect(after.body.metadata.total_count).toBe(4)
    expect(after.body.data.rows).toHaveLength(3)
    const columns = after.body.data.columns.map((c: { name: string }) => c.name)
    const violations = (await api('GET', `/policies/${policy.id}/violations?per_page=3`)).body.items
    expect(
      after.body.data.rows.map((row: string[]) => row[columns.indexOf('_cq_platform_id')])
    ).toEqual(violations.map((v: { _cq_platform_id: string }) => v._cq_platform_id))
    expect(
      (await api('POST', '/queries/00000000-0000-4000-8000-000000000000/execute')).status
    ).toBe(404)
  })

  it('reads the ingested data even when the Platform never re-evaluates the policy', async () => {
    const { api } = await start({ evaluation: { mode: 'never' } })
    const policy = (await policiesByName(api))['Public buckets'] as PolicyItem & {
      query_id: string
    }
    await runToIngestion(api)
    const executed = await api('POST', `/queries/${policy.query_id}/execute?per_page=1`)
    expect(executed.body.metadata.total_count).toBe(4)
    expect((await policiesByName(api))['Public buckets'].violation_count).toBe(1)
  })
})

describe('a large catalog', () => {
  it('serves 10,000 policies and 200,000 violations generated on demand', async () => {
    // How fast is `npm run bench`'s business; this checks what is served.
    const { api } = await start({
      policies: null,
      policyGen: { count: 10_000, violating: 2_500, totalViolations: 200_000 }
    })

    let total = 0
    let seen = 0
    for (let page = 1; page <= 10; page++) {
      const res = await api('GET', `/policies?per_page=1000&page=${page}`)
      expect(res.body.metadata).toMatchObject({
        page_size: 1000,
        total_count: 10_000,
        last_page: 10
      })
      seen += res.body.items.length
      total += res.body.items.reduce(
        (sum: number, p: PolicyItem) => sum + (p.violation_count ?? 0),
        0
      )
    }
    expect(seen).toBe(10_000)
    expect(total).toBe(200_000)

    const worst = (await api('GET', '/policies?sort_by=violation_count&sort_dir=desc&per_page=1'))
      .body.items[0]
    const lastPage = Math.ceil(worst.violation_count / 100)
    const deep = await api('GET', `/policies/${worst.id}/violations?per_page=100&page=${lastPage}`)
    expect(deep.body.items).toHaveLength(worst.violation_count - (lastPage - 1) * 100)
    expect(deep.body.metadata.total_count).toBe(worst.violation_count)
  })
})
