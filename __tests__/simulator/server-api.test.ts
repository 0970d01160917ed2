import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Simulator } from '../../simulator/server.js'
import type { FakeClock } from '../helpers/fake-clock.js'
import { client, simulatorOnClock, type ApiResponse } from './client.js'

let sim: Simulator
let clock: FakeClock
let api: ReturnType<typeof client>

beforeAll(async () => {
  ;({ sim, clock } = await simulatorOnClock({
    syncs: ['aws-prod', 'aws-dev', { name: 'gcp-prod', displayName: 'Google production' }],
    run: { pendingMs: 0, startDelayMs: 0, durationMs: 100, ingestionDelayMs: 0 },
    policyGen: { count: 60, violating: 12, totalViolations: 500 },
    // Runs made here must not re-evaluate policies: evaluation has its own tests.
    evaluation: { mode: 'never' }
  }))
  api = client(sim)
})

afterAll(() => sim.close())

async function finishedRun(): Promise<string> {
  const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
  await clock.advance(150)
  return `/syncs/aws-prod/runs/${id}`
}

async function allPages(path: string, perPage: number): Promise<unknown[]> {
  const items: unknown[] = []
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?'
    const res: ApiResponse = await api('GET', `${path}${sep}per_page=${perPage}&page=${page}`)
    items.push(...res.body.items)
    if (page >= res.body.metadata.last_page) return items
  }
}

describe('syncs', () => {
  it('lists syncs with the fields of Sync, filtered by name or display name', async () => {
    const all = await api('GET', '/syncs')
    expect(all.body.items.map((s: { name: string }) => s.name)).toEqual([
      'aws-dev',
      'aws-prod',
      'gcp-prod'
    ])
    expect(Object.keys(all.body.items[0])).toEqual(
      expect.arrayContaining([
        'name',
        'display_name',
        'source',
        'destinations',
        'disabled',
        'schedule',
        'cpu',
        'memory',
        'created_at',
        'updated_at'
      ])
    )
    expect((await api('GET', '/syncs?filter=AWS')).body.items).toHaveLength(2)
    expect((await api('GET', '/syncs?filter=google')).body.items[0].name).toBe('gcp-prod')
    expect((await api('GET', '/syncs?filter=a%3Bb')).status).toBe(400)
    const paged = await api('GET', '/syncs?per_page=1&page=3')
    expect(paged.body).toMatchObject({
      items: [{ name: 'gcp-prod' }],
      metadata: { page_size: 1, total_count: 3, last_page: 3 }
    })
  })

  it('rejects out-of-range paging', async () => {
    expect((await api('GET', '/syncs?per_page=1001')).status).toBe(400)
    expect((await api('GET', '/syncs?page=0')).status).toBe(400)
    expect((await api('GET', '/syncs?per_page=abc')).body.field_errors).toHaveProperty('per_page')
  })
})

describe('run details', () => {
  it('pages the log with timestamp/level/message columns, and answers 204 before any line', async () => {
    sim.setScenario({
      run: { pendingMs: 200, startDelayMs: 0, durationMs: 100, ingestionDelayMs: 0 }
    })
    const { id } = (await api('POST', '/syncs/aws-prod/runs')).body
    sim.setScenario({ run: { pendingMs: 0 } })
    const early = await api('GET', `/syncs/aws-prod/runs/${id}/logs/query`)
    expect(early.status).toBe(204)
    expect(early.text).toBe('')

    const path = await finishedRun()
    const first = await api('GET', `${path}/logs/query?per_page=5`)
    expect(first.body.data.columns).toEqual([
      { name: 'timestamp', type: 'timestamp' },
      { name: 'level', type: 'string' },
      { name: 'message', type: 'string' }
    ])
    expect(first.body.data.rows).toHaveLength(5)
    expect(first.body.metadata).toEqual({ page_size: 5, total_count: 12, last_page: 3 })
    const last = await api('GET', `${path}/logs/query?per_page=5&page=3`)
    expect(last.body.data.rows.at(-1)[2]).toMatch(/^Sync completed/)
  })

  it('sorts table stats as asked and sums them in stats', async () => {
    const path = await finishedRun()
    const byResources = await api('GET', `${path}/tables?sort_by=resources&sort_dir=desc`)
    const resources = byResources.body.items.map((t: { resources: number }) => t.resources)
    expect(resources).toEqual([...resources].sort((a, b) => b - a))
    const byName = await api('GET', `${path}/tables?sort_by=name&sort_dir=asc&per_page=2`)
    expect(byName.body.items.map((t: { name: string }) => t.name)).toEqual([
      'aws_ec2_instances',
      'aws_iam_roles'
    ])
    expect(byName.body.metadata.total_count).toBe(5)
    expect((await api('GET', `${path}/tables?sort_by=colour`)).status).toBe(400)

    const stats = await api('GET', `${path}/stats`)
    expect(stats.body).toMatchObject({
      completed_tables: 5,
      resources: 12_480,
      errors: 0,
      panics: 0
    })
    expect(stats.body.last_completed_at).toBeDefined()
  })
})

describe('policies', () => {
  it('carries every required field of Policy', async () => {
    const { items } = (await api('GET', '/policies?per_page=1')).body
    expect(Object.keys(items[0]).sort()).toEqual(
      [
        'created_at',
        'created_by',
        'description',
        'domain',
        'id',
        'name',
        'policy_groups',
        'query',
        'query_id',
        'run_at',
        'severity',
        'status',
        'team_name',
        'updated_at',
        'violation_count'
      ].sort()
    )
  })

  it('pages through every policy exactly once', async () => {
    const items = (await allPages('/policies', 7)) as { id: string }[]
    expect(items).toHaveLength(60)
    expect(new Set(items.map((p) => p.id)).size).toBe(60)
  })

  it('filters by severities (repeated or comma-separated), domain, status, group and search', async () => {
    const repeated = (await allPages('/policies?severities=high&severities=critical', 100)) as {
      severity: string
    }[]
    const comma = await allPages('/policies?severities=high,critical', 100)
    expect(repeated.length).toBeGreaterThan(0)
    expect(repeated.every((p) => ['high', 'critical'].includes(p.severity))).toBe(true)
    expect(comma).toEqual(repeated)

    const finops = (await api('GET', '/policies?domain=finops&per_page=1000')).body.items
    expect(finops.length).toBeGreaterThan(0)
    expect(finops.every((p: { domain: string }) => p.domain === 'finops')).toBe(true)

    expect((await api('GET', '/policies?status=paused')).body.metadata.total_count).toBe(0)

    const groups = (await api('GET', '/policy-groups')).body.items
    const inGroup = (await api('GET', `/policies?policy_group_ids=${groups[0].id}&per_page=1000`))
      .body
    expect(inGroup.metadata.total_count).toBe(groups[0].policy_count)

    const search = (await api('GET', '/policies?search=EBS&per_page=1000')).body.items
    expect(search.length).toBeGreaterThan(0)
    expect(search.every((p: { name: string }) => p.name.includes('EBS'))).toBe(true)

    expect((await api('GET', '/policies?severities=urgent')).status).toBe(400)
    expect((await api('GET', '/policies?domain=weather')).status).toBe(400)
    expect((await api('GET', '/policies?per_page=5000')).status).toBe(400)
  })

  it('sorts by severity rank and by violation count', async () => {
    const rank = ['low', 'medium', 'high', 'critical']
    const bySeverity = (await api('GET', '/policies?sort_by=severity&sort_dir=desc&per_page=1000'))
      .body.items
    const ranks = bySeverity.map((p: { severity: string }) => rank.indexOf(p.severity))
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
    const byCount = (
      await api('GET', '/policies?sort_by=violation_count&sort_dir=desc&per_page=12')
    ).body.items
    expect(byCount.every((p: { violation_count: number }) => p.violation_count > 0)).toBe(true)
    const total = (await allPages('/policies', 100)).reduce(
      (sum: number, p) => sum + (p as { violation_count: number }).violation_count,
      0
    )
    expect(total).toBe(500)
  })

  it('lists groups with counts and the policies of one group', async () => {
    const groups = (await api('GET', '/policy-groups')).body.items
    expect(groups.map((g: { name: string }) => g.name)).toEqual([
      'CIS AWS Foundations',
      'Cost hygiene',
      'Operational excellence'
    ])
    expect((await api('GET', '/policy-groups?search=cost')).body.items).toHaveLength(1)
    const group = groups[1]
    const members = await api('GET', `/policy-groups/${group.id}?per_page=1000`)
    expect(members.body.metadata.total_count).toBe(group.policy_count)
    const names = members.body.items.map((p: { name: string }) => p.name)
    expect(names).toEqual([...names].sort())
    const critical = members.body.items
      .filter((p: { severity: string }) => p.severity === 'critical')
      .reduce((sum: number, p: { violation_count: number }) => sum + p.violation_count, 0)
    expect(group.violation_count_critical).toBe(critical)
    expect((await api('GET', '/policy-groups/00000000-0000-4000-8000-000000000000')).status).toBe(
      404
    )
  })

  it('generates violations per page, the same on every request', async () => {
    const policy = (await api('GET', '/policies?sort_by=violation_count&sort_dir=desc&per_page=1'))
      .body.items[0]
    const all = (await allPages(`/policies/${policy.id}/violations`, 10)) as {
      _cq_platform_id: string
      name: string
    }[]
    expect(all).toHaveLength(policy.violation_count)
    expect(new Set(all.map((v) => v._cq_platform_id)).size).toBe(all.length)
    const again = await api('GET', `/policies/${policy.id}/violations?per_page=10&page=2`)
    expect(again.body.items).toEqual(all.slice(10, 20))
    expect(again.body.items[0]).toEqual({
      cloud: expect.any(String),
      resource_type_label: expect.any(String),
      _cq_account_name: expect.any(String),
      account_id: expect.any(String),
      name: expect.any(String),
      region: expect.any(String),
      _cq_platform_id: expect.any(String),
      tags: expect.any(Array)
    })
    const found = await api('GET', `/policies/${policy.id}/violations?search=${all[3].name}`)
    expect(found.body.items).toEqual([all[3]])
    expect(
      (await api('GET', '/policies/00000000-0000-4000-8000-000000000000/violations')).status
    ).toBe(404)
  })

  it('keeps a violations history per policy and daily totals overall', async () => {
    const policy = (await api('GET', '/policies?per_page=1')).body.items[0]
    const history = await api('GET', `/policies/${policy.id}/violations-history`)
    expect(history.body.items).toEqual([
      {
        id: expect.any(String),
        policy_id: policy.id,
        violation_count: policy.violation_count,
        run_at: policy.run_at
      }
    ])
    const future = encodeURIComponent(new Date(clock.now() + 3_600_000).toISOString())
    expect(
      (await api('GET', `/policies/${policy.id}/violations-history?start_time=${future}`)).body
        .items
    ).toEqual([])

    const today = new Date(clock.now()).toISOString().slice(0, 10)
    const daily = await api('GET', `/policies/violations-history?end_date=${today}`)
    expect(daily.body.metadata).toMatchObject({ interval: '1', end_date: today })
    expect(daily.body.items).toHaveLength(30)
    expect(daily.body.items.at(-1)).toEqual({ date: today, violation_count: 500 })
    const high = await api(
      'GET',
      `/policies/violations-history?end_date=${today}&start_date=${today}&severities=high`
    )
    expect(high.body.items).toHaveLength(1)
    expect(high.body.items[0].violation_count).toBeLessThan(500)
    expect((await api('GET', '/policies/violations-history?start_date=yesterday')).status).toBe(400)
  })
})
