// Drives every simulator operation (successes and errors) and checks each exchange against the
// Platform's published OpenAPI spec, so the simulator cannot drift from the real API.

import { afterAll, beforeAll, expect, it } from '@jest/globals'
import {
  contractViolations,
  loadSpec,
  validateRequest,
  validateResponse,
  type ContractSpec
} from '../../simulator/contract.js'
import { contractSpec } from '../helpers/spec.js'
import { Platform } from '../../simulator/platform.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { FakeClock } from '../helpers/fake-clock.js'

const { specPath, describeContract } = contractSpec('contract tests')

const UNKNOWN_UUID = '5b0c1b8e-6c1a-4c53-9d1e-0d5f6f0e7a11'

describeContract('simulator against the Platform OpenAPI spec', () => {
  let spec: ContractSpec
  let sim: Simulator
  const clock = new FakeClock(Date.now())

  async function call(
    method: string,
    path: string,
    opts: { body?: unknown; apiKey?: string } = {}
  ) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.apiKey ?? sim.scenario.apiKey}`
    }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${sim.url}/api${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
    })
    const text = await res.text()
    return {
      status: res.status,
      body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined
    }
  }

  /** Exchanges recorded since `from`, with everything the contract finds wrong in them. */
  function problemsSince(from: number): string[] {
    return contractViolations(spec, sim.requests.slice(from))
  }

  beforeAll(async () => {
    spec = loadSpec(specPath as string)
    sim = await startSimulator(
      {
        syncs: ['aws-prod', 'aws-dev', { name: 'gcp-prod', displayName: 'Producción GCP' }],
        run: { pendingMs: 20, startDelayMs: 20, durationMs: 250, ingestionDelayMs: 20 },
        previousRuns: 2,
        whileActive: 'reject',
        evaluation: { delayAfterIngestMs: 20 },
        externalSyncs: [{ invocationId: UNKNOWN_UUID, startedMs: 150, finalizingMs: 150 }],
        policies: [
          {
            name: 'Public buckets',
            severity: 'critical',
            groups: ['CIS AWS Foundations'],
            violationCount: 3,
            countAfterSync: 5
          },
          { name: 'Old keys', severity: 'high', domain: 'security', violationCount: 0 },
          {
            name: 'Paused',
            severity: 'low',
            status: 'paused',
            violationCount: 2,
            groups: ['Cost hygiene']
          },
          {
            name: 'Never evaluated',
            severity: 'medium',
            status: 'paused',
            violationCount: null,
            runAt: null
          }
        ]
      },
      { clock: clock.follower }
    )
  })

  afterAll(() => sim?.close())

  it('answers every operation with spec-valid responses', async () => {
    const from = sim.requests.length
    const syncs = await call('GET', '/syncs?filter=prod&per_page=10&page=1')
    expect(syncs.body.items).toHaveLength(2)
    const created = await call('POST', '/syncs/aws-prod/runs')
    const run = `/syncs/aws-prod/runs/${created.body.id}`
    // During the run, then after it: different optional fields appear.
    for (const phase of ['during', 'after']) {
      if (phase === 'after') await clock.advance(400)
      await call('GET', '/syncs/aws-prod/runs?per_page=2')
      await call('GET', run)
      await call('GET', `${run}/logs/query?per_page=5&page=1`)
      await call('GET', `${run}/tables?sort_by=errors&sort_dir=desc&per_page=3`)
      await call('GET', `${run}/stats`)
      // started, then completed; a list with every status and table_progress.
      const external = await call('GET', '/external-sync-runs?per_page=10&page=1')
      await call('GET', `/external-sync-runs/${external.body.items[0].id}`)
    }
    await call('GET', '/external-sync-runs?status=completed')
    await call('GET', `${run}/logs/live`)
    await call('GET', '/syncs')
    expect((await call('GET', '/platform-info')).body.version).toBe('v1.42.0-simulator')

    const policies = await call(
      'GET',
      '/policies?per_page=1000&page=1&status=active&severities=high&severities=critical&domain=security&search=e&sort_by=violation_count&sort_dir=desc'
    )
    expect(policies.body.items.length).toBeGreaterThan(0)
    const all = (await call('GET', '/policies?sort_by=last_run_at')).body.items
    expect(all.some((p: { run_at: unknown }) => p.run_at === null)).toBe(true)
    const groups = (await call('GET', '/policy-groups?search=c&severities=critical')).body.items
    await call('GET', `/policies?policy_group_ids=${groups[0].id}`)
    await call('GET', `/policy-groups/${groups[0].id}?per_page=10&page=1&sort_by=name&sort_dir=asc`)
    for (const policy of all) {
      await call('GET', `/policies/${policy.id}`)
      await call('GET', `/policies/${policy.id}/violations?per_page=2&page=1`)
      await call(
        'GET',
        `/policies/${policy.id}/violations-history?per_page=10&start_time=2020-01-01T00:00:00Z&end_time=2099-01-01T00:00:00Z`
      )
      await call('POST', `/queries/${policy.query_id}/execute?per_page=2&page=1`)
      const columns = await call('POST', '/queries/columns', { body: { query: policy.query } })
      expect(columns.body.top_level_tables).toHaveLength(1)
    }
    await call(
      'GET',
      '/policies/violations-history?start_date=2026-01-01&end_date=2026-01-31&severities=critical&domain=security'
    )
    await call('GET', `/policies/violations-history?policy_group_ids=${groups[0].id}`)

    const exchanged = sim.requests.slice(from)
    expect(exchanged.every((r) => r.status !== undefined && r.status < 300)).toBe(true)
    const exercised = new Set(exchanged.map((r) => `${r.method} ${r.pathTemplate}`))
    const served = Object.entries(new Platform({}, 0).routes).flatMap(([template, ops]) =>
      Object.keys(ops).map((method) => `${method} ${template}`)
    )
    expect([...exercised].sort()).toEqual(
      served.filter((op) => op !== 'PATCH /syncs/{sync_name}/runs/{sync_run_id}').sort()
    )
    expect(problemsSince(from)).toEqual([])
  })

  it('answers cancellation and conflicts with spec-valid bodies', async () => {
    const from = sim.requests.length
    const created = await call('POST', '/syncs/aws-dev/runs')
    expect(created.status).toBe(201)
    expect((await call('POST', '/syncs/aws-dev/runs')).status).toBe(422)
    const run = `/syncs/aws-dev/runs/${created.body.id}`
    expect((await call('PATCH', run, { body: { status: 'cancelled' } })).status).toBe(200)
    expect((await call('PATCH', run, { body: { status: 'cancelled' } })).status).toBe(422)
    expect((await call('PATCH', run, { body: { status: 'started' } })).status).toBe(400)
    expect(problemsSince(from)).toEqual([])
  })

  it('answers 404s, 401s and 403s with spec-valid bodies', async () => {
    const from = sim.requests.length
    const run = `/syncs/aws-prod/runs/${UNKNOWN_UUID}`
    const notFound = [
      ['GET', '/syncs/unknown/runs'],
      ['GET', run],
      ['PATCH', run],
      ['GET', `${run}/logs/query`],
      ['GET', `${run}/logs/live`],
      ['GET', `${run}/tables`],
      ['GET', `${run}/stats`],
      ['GET', `/policies/${UNKNOWN_UUID}/violations`],
      ['GET', `/policies/${UNKNOWN_UUID}/violations-history`],
      ['GET', `/policy-groups/${UNKNOWN_UUID}`],
      ['POST', `/queries/${UNKNOWN_UUID}/execute`],
      ['GET', `/external-sync-runs/${UNKNOWN_UUID}`]
    ]
    for (const [method, path] of notFound) {
      const body = method === 'PATCH' ? { status: 'cancelled' } : undefined
      expect([method, path, (await call(method, path, { body })).status]).toEqual([
        method,
        path,
        404
      ])
    }

    // The spec declares 401 everywhere but on PATCH .../runs/{id}.
    const withAuth = [
      '/syncs',
      '/syncs/aws-prod/runs',
      '/policies',
      '/policy-groups',
      '/policies/violations-history',
      '/external-sync-runs',
      `/external-sync-runs/${UNKNOWN_UUID}`
    ]
    for (const path of withAuth)
      expect((await call('GET', path, { apiKey: 'wrong' })).status).toBe(401)
    expect((await call('POST', '/syncs/aws-prod/runs', { apiKey: 'wrong' })).status).toBe(401)

    // 403 only where the spec declares it.
    const policy = (await call('GET', '/policies?per_page=1')).body.items[0]
    const group = (await call('GET', '/policy-groups')).body.items[0]
    sim.setScenario({
      forbidden: [
        '/policies',
        '/policies/{policy_id}/violations',
        '/policies/{policy_id}/violations-history',
        '/policies/violations-history',
        '/policy-groups',
        '/policy-groups/{policy_group_id}',
        '/queries/{query_id}/execute',
        'PATCH /syncs/{sync_name}/runs/{sync_run_id}'
      ]
    })
    const forbidden = [
      ['GET', '/policies'],
      ['GET', `/policies/${policy.id}/violations`],
      ['GET', `/policies/${policy.id}/violations-history`],
      ['GET', '/policies/violations-history'],
      ['GET', '/policy-groups'],
      ['GET', `/policy-groups/${group.id}`],
      ['POST', `/queries/${policy.query_id}/execute`],
      ['PATCH', run]
    ]
    try {
      for (const [method, path] of forbidden) {
        const body = method === 'PATCH' ? { status: 'cancelled' } : undefined
        expect([method, path, (await call(method, path, { body })).status]).toEqual([
          method,
          path,
          403
        ])
      }
    } finally {
      sim.setScenario({ forbidden: [] })
    }
    expect(problemsSince(from)).toEqual([])
  })

  it("answers a query's tables, and 400 for what is not a SELECT", async () => {
    const from = sim.requests.length
    const tables = async (query: string) =>
      (await call('POST', '/queries/columns', { body: { query } })).body.top_level_tables
    expect(
      await tables(
        'SELECT b.name, count(*) FROM db.aws_s3_buckets AS b /* FROM x */ LEFT JOIN "aws_iam_users" u ON true, aws_ec2_instances GROUP BY 1'
      )
    ).toEqual(['aws_s3_buckets', 'aws_iam_users', 'aws_ec2_instances'])
    // A subquery's tables are not top-level: the Platform lists none.
    expect(await tables('SELECT * FROM (SELECT name FROM aws_s3_buckets) AS t')).toEqual([])
    expect(
      (await call('POST', '/queries/columns', { body: { query: 'DELETE FROM t' } })).status
    ).toBe(400)
    expect(problemsSince(from)).toEqual([])
  })

  it('answers 404 for a run of an unknown sync, a status the spec forgot to declare', async () => {
    const from = sim.requests.length
    expect((await call('POST', '/syncs/unknown/runs')).status).toBe(404)
    expect(problemsSince(from)).toEqual([
      '#0 POST /api/syncs/unknown/runs: POST /syncs/{sync_name}/runs: status 404 is not declared (declared: 201, 400, 401, 422, 500)'
    ])
  })

  it('answers invalid parameters with the spec’s 400 where one is declared', async () => {
    const from = sim.requests.length
    expect((await call('GET', '/syncs?filter=%3Cscript%3E')).status).toBe(400)
    expect((await call('GET', '/syncs/aws-prod/runs?per_page=5000')).status).toBe(400)
    const requestProblems = sim.requests.slice(from).map((r) => validateRequest(spec, r))
    // The requests are wrong on purpose; the responses must still be what the spec declares,
    // except that ListSyncRuns declares no 400.
    expect(requestProblems.every((r) => !r.ok)).toBe(true)
    const responses = sim.requests.slice(from).map((r) => validateResponse(spec, r))
    expect(responses[0]).toEqual({ ok: true, operation: 'GET /syncs', errors: [] })
    expect(responses[1].errors).toEqual([
      'GET /syncs/{sync_name}/runs: status 400 is not declared (declared: 200, 401, 404, 500)'
    ])
  })
})

describeContract('the contract checker', () => {
  let spec: ContractSpec
  beforeAll(() => {
    spec = loadSpec(specPath as string)
  })

  const syncRun = {
    id: '12345678-1234-4234-9234-1234567890ab',
    sync_name: 'aws-prod',
    status: 'completed',
    created_at: '2026-01-01T00:00:00Z',
    total_rows: 1,
    warnings: 0,
    errors: 0,
    migration: false,
    ingested: true
  }
  const response = (method: string, path: string, status: number, body: unknown) => ({
    method,
    path,
    status,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: body
  })

  it('accepts SyncRun with `migration` although the spec requires `migrate`', () => {
    expect(
      validateResponse(spec, response('POST', '/api/syncs/a/runs', 201, syncRun)).errors
    ).toEqual([])
  })

  it('reports missing fields, bad enums and undeclared statuses readably', () => {
    const { total_rows: _dropped, ...missing } = syncRun
    expect(
      validateResponse(
        spec,
        response('GET', '/api/syncs/a/runs/x', 200, { ...missing, status: 'queued' })
      ).errors
    ).toEqual([
      "GET /syncs/{sync_name}/runs/{sync_run_id} → 200: body at /: must have required property 'total_rows'",
      'GET /syncs/{sync_name}/runs/{sync_run_id} → 200: body at /status: must be equal to one of the allowed values (completed, failed, started, cancelled, created, pending), got "queued"'
    ])
    expect(validateResponse(spec, response('GET', '/api/syncs', 418, {})).errors).toEqual([
      'GET /syncs: status 418 is not declared (declared: 200, 400, 401, 404, 500)'
    ])
    expect(
      validateResponse(spec, { ...response('GET', '/api/syncs', 429, {}), fault: '429' })
    ).toMatchObject({
      ok: true,
      skipped: 'injected fault 429'
    })
  })

  it('treats PolicyGroupWithCounts as one closed object', () => {
    const group = {
      id: '12345678-1234-4234-9234-1234567890ab',
      name: 'g',
      description: '',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      policy_count: 1,
      violation_count_low: 0,
      violation_count_medium: 0,
      violation_count_high: 0,
      violation_count_critical: 0
    }
    expect(
      validateResponse(spec, response('GET', '/api/policy-groups', 200, { items: [group] })).errors
    ).toEqual([])
    expect(
      validateResponse(
        spec,
        response('GET', '/api/policy-groups', 200, { items: [{ ...group, extra: 1 }] })
      ).errors
    ).toEqual([
      'GET /policy-groups → 200: body at /items/0: must NOT have additional properties "extra"'
    ])
  })

  it('checks query parameter names and values, and request bodies', () => {
    const check = (path: string, query: Record<string, string[]>, body?: unknown) =>
      validateRequest(spec, {
        method: path.startsWith('PATCH ') ? 'PATCH' : 'GET',
        path: path.replace(/^PATCH /, ''),
        query,
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body,
        rawBody: body === undefined ? '' : JSON.stringify(body)
      }).errors
    expect(
      check('/api/policies', { severities: ['high', 'critical'], per_page: ['1000'] })
    ).toEqual([])
    expect(check('/api/policies', { severity: ['high'] })[0]).toMatch(
      /unknown query parameter "severity"/
    )
    expect(check('/api/policies', { per_page: ['1001'] })).toEqual([
      'GET /policies: query parameter per_page at /: must be <= 1000, got 1001'
    ])
    expect(check('/api/policies', { severities: ['high,critical'] })).toContain(
      'GET /policies: query parameter severities: lists are sent repeated (severities=a&severities=b), not comma-separated'
    )
    expect(check('/api/syncs', { filter: ['Producción'] })).toEqual([])
    expect(check('/api/syncs/a/runs/not-a-uuid', {})[0]).toMatch(
      /path parameter sync_run_id at \/: must match format "uuid"/
    )
    expect(check(`PATCH /api/syncs/a/runs/${UNKNOWN_UUID}`, {}, { status: 'cancelled' })).toEqual(
      []
    )
    expect(check(`PATCH /api/syncs/a/runs/${UNKNOWN_UUID}`, {}, { status: 'stopped' })[0]).toMatch(
      /request body at \/status: must be equal to one of the allowed values/
    )
    expect(validateRequest(spec, { method: 'GET', path: '/api/nope' }).errors).toEqual([
      'GET /api/nope: no such operation in the spec'
    ])
  })

  it('flags the hostile data the simulator can produce on purpose', async () => {
    const sim = await startSimulator({
      run: { nullFields: ['total_rows'], extraFields: { shard: 1 } }
    })
    try {
      const res = await fetch(`${sim.url}/api/syncs/aws-prod/runs`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-api-key' }
      })
      expect(res.status).toBe(201)
      expect(contractViolations(spec, sim.requests)).toEqual([
        '#0 POST /api/syncs/aws-prod/runs: POST /syncs/{sync_name}/runs → 201: body at /total_rows: must be integer, got null'
      ])
    } finally {
      await sim.close()
    }
  })
})
