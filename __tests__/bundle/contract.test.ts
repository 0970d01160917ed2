// The action against the Platform's contract: the bundle runs through the scenarios that make it
// use every operation it knows (and every parameter it sends), and every request it made is
// checked against ../shared/platform-openapi.json (or $PLATFORM_OPENAPI_SPEC) with a JSON-schema
// validator: method, path template, path and query parameters (names and values) and body.
//
// The requests are the action's and must be fully valid. The responses are the simulator's: they
// are checked too, so that a test passing here means something, but a status the spec does not
// declare (the simulator answers 404 for a POST to an unknown sync, 422 to a second run while one
// is active, and the spec lists neither) is a gap in the spec, not in the action: such responses
// are reported on the console and do not fail the test. Any other response problem does.

import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  loadSpec,
  validateRequest,
  validateResponse,
  type ContractSpec
} from '../../simulator/contract.js'
import { contractSpec } from '../helpers/spec.js'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  requestLog,
  runAll,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'

const { specPath, describeContract } = contractSpec('bundle contract tests')

/** Every operation PlatformClient can call (src/platform/client.ts); the scenarios must use them all. */
const CLIENT_OPERATIONS = [
  'GET /syncs',
  'GET /platform-info',
  'GET /syncs/{sync_name}/runs',
  'POST /syncs/{sync_name}/runs',
  'GET /syncs/{sync_name}/runs/{sync_run_id}',
  'PATCH /syncs/{sync_name}/runs/{sync_run_id}',
  'GET /syncs/{sync_name}/runs/{sync_run_id}/logs/query',
  'GET /syncs/{sync_name}/runs/{sync_run_id}/logs/live',
  'GET /syncs/{sync_name}/runs/{sync_run_id}/tables',
  'GET /policies',
  'GET /policy-groups',
  'GET /policies/{policy_id}/violations',
  'GET /policies/{policy_id}/violations-history',
  'GET /policies/violations-history',
  'POST /queries/{query_id}/execute',
  'GET /external-sync-runs',
  'GET /external-sync-runs/{external_sync_id}',
  'POST /queries/columns'
]

const EXTERNAL_INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
const EXTERNAL_ID = '0d4b3c1e-2f6a-4b7c-8d9e-0f1a2b3c4d5e'

const POLICIES: PolicySpec[] = [
  {
    name: 'Public S3 buckets',
    severity: 'critical',
    domain: 'security',
    groups: ['CIS AWS Foundations'],
    violationCount: 1,
    countAfterSync: 3
  },
  { name: 'Old access keys', severity: 'high', domain: 'security', violationCount: 2 },
  { name: 'Idle volumes', severity: 'low', domain: 'finops', violationCount: 5, countAfterSync: 4 },
  { name: 'Never evaluated', severity: 'medium', violationCount: null, runAt: null }
]
const base: Scenario = { ...FAST, policies: POLICIES }
/**
 * Already underway when the action starts, and still active however slowly a busy machine starts
 * it; the action follows it for `FOLLOW` only (what matters here is what it sends).
 */
const ACTIVE = { ...FAST_RUN, durationMs: 60_000 }
const FOLLOW = { timeout: '2s' }

/** Holds the baseline of GATE_ON_NEW (made before the runs, removed after). */
let dir: string
const baselineFile = (): string => join(dir, 'baseline.json')

/**
 * A baseline of a default branch without violations: `gate-on: new` compares with it, so the action
 * reads every page of its counted policies' violating resources (1,000 a page, the spec's most).
 */
function writeBaseline(): void {
  dir = mkdtempSync(join(tmpdir(), 'cq-contract-'))
  const baseline = {
    format: 'cloudquery-platform-baseline',
    version: 1,
    createdAt: new Date().toISOString(),
    policies: []
  }
  writeFileSync(baselineFile(), JSON.stringify({ baseline }))
}
const GATE_ON_NEW = 'gate-on new against a baseline, one domain'

const SCENARIOS: Record<string, () => Promise<BundleRun>> = {
  'success, live logs, group, severity and domain filters': () =>
    runBundle(base, {
      'sync-logs': 'always',
      'policy-groups': 'CIS AWS Foundations',
      severities: 'critical, high, medium, low',
      domains: 'security\nfinops',
      'max-critical-violations': '',
      'max-high-violations': ''
    }),
  'failed run with logs': () =>
    runBundle({ ...base, run: { ...FAST_RUN, finalStatus: 'failed', statusReason: 'error' } }),
  [GATE_ON_NEW]: () =>
    runBundle(base, { 'gate-on': 'new', 'baseline-file': baselineFile(), domains: 'security' }),
  'policy-evaluation execute': () =>
    runBundle({ ...base, evaluation: { mode: 'never' } }, { 'policy-evaluation': 'execute' }),
  'policy-evaluation wait for slow evaluations': () =>
    runBundle(
      { ...base, evaluation: { delayAfterIngestMs: 1_500 } },
      { 'policy-evaluation': 'wait', 'evaluation-timeout': '20s' }
    ),
  'timeout and cancel': () =>
    runBundle({ ...base, run: { ...FAST_RUN, durationMs: 60_000 } }, { timeout: '3s' }),
  'if-running attach': () => runBundle({ ...base, activeRun: ACTIVE }, FOLLOW),
  'if-running start': () => runBundle({ ...base, activeRun: ACTIVE }, { 'if-running': 'start' }),
  'if-running start, refused with 422': () =>
    runBundle(
      { ...base, activeRun: ACTIVE, whileActive: 'reject' },
      { ...FOLLOW, 'if-running': 'start', 'evaluate-policies': 'false' }
    ),
  'if-running fail': () => runBundle({ ...base, activeRun: ACTIVE }, { 'if-running': 'fail' }),
  'sync-run-id': () =>
    runBundle({ ...base, activeRun: ACTIVE }, FOLLOW, {
      before: (sim) => ({
        inputs: { 'sync-run-id': sim.runs.find((r) => r.origin === 'active')?.id ?? '' }
      })
    }),
  'sync not found, with suggestions': () => runBundle(base, { 'sync-name': 'aws-prdo' }),
  'wait: false': () => runBundle(base, { wait: 'false' }),
  'policies only': () => runBundle(base, { 'sync-name': '' }),
  'several syncs, one failing, one attached': () =>
    runBundle(
      {
        ...base,
        syncs: ['aws-prod', 'aws-dev', 'gcp-prod'],
        activeRun: { ...ACTIVE, syncName: 'aws-dev' },
        syncRuns: { 'gcp-prod': { finalStatus: 'failed', statusReason: 'error' } }
      },
      { ...FOLLOW, 'sync-name': 'aws-prod\naws-dev\ngcp-prod' }
    ),
  // Not on the newest page: found by asking for its id.
  'external sync, older than the newest page': () =>
    runBundle(
      {
        ...base,
        externalSyncs: [
          { invocationId: EXTERNAL_INVOCATION, id: EXTERNAL_ID, ageMs: 3_600_000 },
          ...Array.from({ length: 100 }, (_, i) => ({
            invocationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            ageMs: 60_000 + i
          }))
        ],
        olderExternalSyncs: 0
      },
      // Its policy results are an hour old: the gate is not what this case is for.
      { 'sync-name': '', 'external-sync': EXTERNAL_ID, 'evaluate-policies': 'false' }
    ),
  'external sync by invocation id, through finalizing': () =>
    runBundle(
      {
        ...base,
        externalSyncs: [{ invocationId: EXTERNAL_INVOCATION, startedMs: 500, finalizingMs: 1_000 }]
      },
      { 'sync-name': '', 'external-sync': EXTERNAL_INVOCATION }
    )
}

describeContract('the action against the Platform OpenAPI spec', () => {
  let spec: ContractSpec
  let runs: Record<string, BundleRun>

  beforeAll(async () => {
    assertBundleExists()
    spec = loadSpec(specPath as string)
    writeBaseline()
    runs = await runAll(SCENARIOS)
    // Statuses the spec does not declare, answered by the simulator: reported, not failed.
    const undeclared = Object.entries(runs).flatMap(([name, run]) =>
      run.sim.requests.flatMap((r) =>
        validateResponse(spec, r)
          .errors.filter((e) => / is not declared /.test(e))
          .map((e) => `${name}: ${e}`)
      )
    )
    if (undeclared.length > 0) {
      console.info(
        `Responses with a status the spec does not declare (a gap in the spec):\n${[...new Set(undeclared)].join('\n')}`
      )
    }
  }, 90_000)

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.each(Object.keys(SCENARIOS))('%s: every request the action made is valid', (name) => {
    const { sim } = runs[name]
    const problems = sim.requests.flatMap((r) =>
      validateRequest(spec, r).errors.map((e) => `#${r.seq} ${r.method} ${r.path}: ${e}`)
    )
    expect({ problems, requests: problems.length > 0 ? requestLog(sim) : '' }).toEqual({
      problems: [],
      requests: ''
    })
  })

  it.each(Object.keys(SCENARIOS))('%s: every answer the action read is valid', (name) => {
    const { sim } = runs[name]
    const problems = sim.requests.flatMap((r) =>
      validateResponse(spec, r)
        .errors.filter((e) => !/ is not declared /.test(e))
        .map((e) => `#${r.seq} ${r.method} ${r.path} → ${r.status}: ${e}`)
    )
    expect(problems).toEqual([])
  })

  it('uses every operation of the client across the scenarios, and no other', () => {
    const used = new Set(
      Object.values(runs).flatMap((run) =>
        run.sim.requests.map((r) => `${r.method} ${r.pathTemplate}`)
      )
    )
    expect([...used].sort()).toEqual([...CLIENT_OPERATIONS].sort())
  })

  it('reached what each scenario was written for', () => {
    const sent = (name: string, operation: string): boolean =>
      runs[name].sim.requests.some((r) => `${r.method} ${r.pathTemplate}` === operation)
    expect(sent('failed run with logs', CLIENT_OPERATIONS[6])).toBe(true)
    expect(sent('timeout and cancel', CLIENT_OPERATIONS[5])).toBe(true)
    expect(sent('policy-evaluation execute', CLIENT_OPERATIONS[13])).toBe(true)
    expect(sent('sync not found, with suggestions', CLIENT_OPERATIONS[0])).toBe(true)
    expect(
      runs[GATE_ON_NEW].sim
        .requestsTo('GET', '/policies/{policy_id}/violations')
        .some((r) => r.query.per_page?.[0] === '1000')
    ).toBe(true)
    expect(runs['if-running start, refused with 422'].sim.requests.map((r) => r.status)).toContain(
      422
    )
    expect(runs['if-running fail'].sim.runsStarted()).toBe(0)
    expect(runs['if-running attach'].sim.runsStarted()).toBe(0)
    expect(runs['if-running start'].sim.runsStarted()).toBe(1)
    expect(runs['sync-run-id'].sim.runsStarted()).toBe(0)
    const lastRunAt = runs['policy-evaluation wait for slow evaluations'].sim.requests.filter(
      (r) => r.pathTemplate === '/policies' && r.query.sort_by?.[0] === 'last_run_at'
    )
    expect(lastRunAt.length).toBeGreaterThan(0)
    expect(runs['sync not found, with suggestions'].stdout).toMatch(/Did you mean "aws-prod"/)
    expect(runs['several syncs, one failing, one attached'].sim.runsStarted()).toBe(2)
    expect(
      sent(
        'external sync, older than the newest page',
        'GET /external-sync-runs/{external_sync_id}'
      )
    ).toBe(true)
    expect(
      runs['external sync by invocation id, through finalizing'].outputs['sync-run-status']
    ).toBe('completed')
  })
})
