// The bundle test: the committed dist/index.js, spawned as the runner spawns it, against
// the Platform simulator. It checks what a workflow sees (exit code, outputs, summary, report) and
// what the Platform saw (the simulator's request log).

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  errorLines,
  FAST,
  OUTPUT_NAMES,
  PACKAGE,
  reportOf,
  requestLog,
  runAll,
  runBundle,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'

const POLICIES: PolicySpec[] = [
  { name: 'Public S3 buckets', severity: 'critical', violationCount: 0, countAfterSync: 0 },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 0, countAfterSync: 0 },
  { name: 'Unattached EBS volumes', severity: 'medium', violationCount: 2, countAfterSync: 3 },
  { name: 'EC2 instances without owner tag', severity: 'low', violationCount: 4, countAfterSync: 4 }
]
/** The sync adds two critical violations, which `max-critical-violations: 0` does not allow. */
const BREACHING = POLICIES.map((p) => (p.severity === 'critical' ? { ...p, countAfterSync: 2 } : p))

const passing: Scenario = { ...FAST, policies: POLICIES }
const breaching: Scenario = { ...FAST, policies: BREACHING }
const RUNS = '/syncs/{sync_name}/runs'
const RUN = '/syncs/{sync_name}/runs/{sync_run_id}'
const WORKFLOW_RUN_URL = 'https://github.com/octo-org/infra/actions/runs/4242'

let runs: Record<
  | 'success'
  | 'gate'
  | 'softFail'
  | 'policiesOnly'
  | 'noWait'
  | 'oomKilled'
  | 'timeout'
  | 'unwritableReport'
  | 'unwritableReportSoftFail',
  BundleRun
>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    success: () => runBundle(passing),
    gate: () => runBundle(breaching),
    softFail: () => runBundle(breaching, { 'soft-fail': 'true' }),
    policiesOnly: () => runBundle(passing, { 'sync-name': '' }),
    noWait: () =>
      runBundle({ ...passing, run: { ...FAST.run, durationMs: 30_000 } }, { wait: 'false' }),
    oomKilled: () =>
      runBundle({
        ...passing,
        run: { ...FAST.run, finalStatus: 'failed', statusReason: 'oom_killed' }
      }),
    timeout: () =>
      runBundle({ ...passing, run: { ...FAST.run, durationMs: 60_000 } }, { timeout: '3s' }),
    // A path under a file: no directory can be made there.
    unwritableReport: () => runBundle(passing, { 'report-file': '/dev/null/report.json' }),
    unwritableReportSoftFail: () =>
      runBundle(passing, { 'report-file': '/dev/null/report.json', 'soft-fail': 'true' })
  })
}, 60_000)

const errors = (run: BundleRun): string[] => errorLines(run.stdout)

describe('the bundle, spawned as the runner spawns it', () => {
  it('starts, follows and passes a sync with its policies', () => {
    const run = runs.success
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' })
    const runId = run.sim.runs.find((r) => r.origin === 'created')?.id
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    expect(run.outputs).toEqual({
      'sync-run-id': runId,
      'sync-run-status': 'completed',
      'sync-run-status-reason': '',
      'sync-total-rows': '12480',
      'sync-errors': '0',
      'sync-warnings': '3',
      'sync-duration-seconds': expect.stringMatching(/^\d+$/),
      'sync-runs': expect.stringContaining(
        `{"aws-prod":{"id":"${runId}","status":"completed","rows":12480,"errors":0,"warnings":3,`
      ),
      result: 'pass',
      'report-file': run.reportFile,
      violations: '7',
      'critical-violations': '0',
      'high-violations': '0',
      'medium-violations': '3',
      'low-violations': '4',
      // No baseline: nothing can be new, so the figure is empty. No exceptions file and no scope:
      // nothing is suppressed or out of scope, so both are 0, and everything counted is counted.
      'new-violations': '',
      'out-of-scope-violations': '0',
      'suppressed-violations': '0',
      'counted-violations': '7',
      'violating-policies': '2',
      'stale-policies': '0'
    })
    expect(run.summary).toContain('## ✅ CloudQuery Platform: passed')
    expect(run.summary).toContain(`<code>${runId}</code>`)
    expect(run.summary).toContain('Sync run of <code>aws-prod</code>')
    expect(run.summary).toContain('12,480')
    expect(run.summary).toMatch(/Policy gate/)
    expect(run.summary).toContain('Unattached EBS volumes')
    expect(run.summary).toContain(`(${WORKFLOW_RUN_URL})`)
    expect(reportOf(run)).toMatchObject({
      schemaVersion: 1,
      actionVersion: PACKAGE.version,
      result: 'pass',
      cancelled: false,
      syncName: 'aws-prod',
      sync: { run: { id: runId, status: 'completed' }, startedByAction: true, verdict: 'pass' }
    })
  })

  it('sends exactly one POST that writes, and every request with the key and a User-Agent naming the action', () => {
    const { sim } = runs.success
    // The other POSTs only read: the tables each counted policy's query reads.
    const posts = sim.requests.filter((r) => r.method === 'POST').map((r) => r.pathTemplate)
    expect(posts.filter((template) => template !== '/queries/columns')).toEqual([RUNS])
    expect(sim.runsStarted()).toBe(1)
    const userAgent = new RegExp(`^${PACKAGE.name}/${PACKAGE.version.replace(/\./g, '\\.')}\\b`)
    for (const request of sim.requests) {
      expect({
        request: `${request.method} ${request.path}`,
        auth: request.headers.authorization
      }).toEqual({ request: `${request.method} ${request.path}`, auth: 'Bearer test-api-key' })
      expect(request.headers['user-agent']).toMatch(userAgent)
    }
    // The preflight, then started, followed to its end, and the policies read once they were fresh.
    const templates = sim.requests.map((r) => `${r.method} ${r.pathTemplate}`)
    expect(templates.slice(0, 4)).toEqual([
      'GET /platform-info',
      `GET ${RUNS}`,
      `POST ${RUNS}`,
      `GET ${RUN}`
    ])
    expect(templates).toContain('GET /policies')
    expect(sim.requests.every((r) => r.status !== undefined && r.status < 300)).toBe(true)
  })

  it('fails the step when the gate fails, with the summary and outputs still written', () => {
    const run = runs.gate
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({
      result: 'fail',
      'sync-run-status': 'completed',
      'critical-violations': '2',
      violations: '9'
    })
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    expect(run.summary).toContain('## ❌ CloudQuery Platform: failed')
    expect(run.summary).toContain('Public S3 buckets')
    expect(errors(run).join('\n')).toMatch(/2 critical violations; at most 0 allowed/)
    expect(reportOf(run)).toMatchObject({ result: 'fail', softFail: false })
  })

  it('fails the step when the JSON report cannot be written, soft-fail or not, and keeps the verdict', () => {
    for (const run of [runs.unwritableReport, runs.unwritableReportSoftFail]) {
      expect(run.exitCode).toBe(1)
      expect(run.outputs).toMatchObject({ result: 'pass', 'report-file': '' })
      expect(run.summary).toContain('## ✅ CloudQuery Platform: passed')
      expect(run.summary).toContain('**Report:** Could not write the JSON report to')
      expect(errors(run)).toContainEqual(
        expect.stringMatching(
          /^Report: Could not write the JSON report to "\/dev\/null\/report\.json" \(report-file\): .*\(the gate's result: pass\)\.$/
        )
      )
      expect(errors(run).join('\n')).not.toContain('gate failed')
    }
  })

  it('passes the step with soft-fail, but reports the result as fail', () => {
    const run = runs.softFail
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ result: 'fail', 'critical-violations': '2' })
    expect(run.summary).toContain('CloudQuery Platform: failed')
    expect(reportOf(run)).toMatchObject({ result: 'fail', softFail: true })
    const warnings = workflowCommands(run.stdout).filter((c) => c.name === 'warning')
    expect(warnings.map((c) => c.data).join('\n')).toMatch(/"soft-fail" is true/)
  })

  it('gates on the policies alone when no sync is named', () => {
    const run = runs.policiesOnly
    expect(run.exitCode).toBe(0)
    expect(run.sim.requests.filter((r) => r.path.startsWith('/api/syncs'))).toEqual([])
    expect(run.sim.runsStarted()).toBe(0)
    expect(run.outputs).toMatchObject({
      result: 'pass',
      'sync-run-id': '',
      'sync-run-status': '',
      violations: '6',
      'medium-violations': '2',
      'low-violations': '4'
    })
    expect(reportOf(run)).toMatchObject({ sync: null, policies: { mode: 'latest' } })
  })

  it('starts the run and leaves it running with wait: false', () => {
    const run = runs.noWait
    expect(run.exitCode).toBe(0)
    const started = run.sim.runs.find((r) => r.origin === 'created')
    expect(started).toMatchObject({ cancelledAt: null })
    expect(run.outputs).toMatchObject({
      result: 'pass',
      'sync-run-id': started?.id,
      'sync-run-status': expect.stringMatching(/^(created|pending|started)$/)
    })
    // No polling, no policy stage: the run's data is not in the results yet.
    expect(run.sim.requests.map((r) => `${r.method} ${r.pathTemplate}`)).toEqual([
      'GET /platform-info',
      `GET ${RUNS}`,
      `POST ${RUNS}`
    ])
    expect(reportOf(run)).toMatchObject({
      sync: { waited: false },
      policiesSkipped: expect.stringMatching(/wait: false/)
    })
  })

  it('fails on an oom_killed run and prints its logs in a collapsed group', () => {
    const run = runs.oomKilled
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({
      result: 'fail',
      'sync-run-status': 'failed',
      'sync-run-status-reason': 'oom_killed'
    })
    const lines = run.stdout.split('\n')
    const start = lines.findIndex((l) => l.startsWith('::group::Logs of run '))
    const end = lines.indexOf('::endgroup::', start)
    expect({ start, end }).toEqual({ start: expect.any(Number), end: expect.any(Number) })
    expect(start).toBeGreaterThanOrEqual(0)
    const group = lines.slice(start + 1, end)
    expect(group.length).toBeGreaterThan(2)
    expect(group.at(-1)).toMatch(/ERR.*Sync failed: the sync ran out of memory/)
    expect(errors(run).join('\n')).toMatch(/ran out of memory and was killed \(oom_killed\)/)
    expect(run.summary).toContain('<code>failed</code> (<code>oom\\_killed</code>)')
    expect(run.sim.requests.some((r) => r.pathTemplate === '/policies')).toBe(false)
  })

  it('on timeout cancels the run it started, prints its logs, and fails naming the run', () => {
    const run = runs.timeout
    expect(run.exitCode).toBe(1)
    const started = run.sim.runs.find((r) => r.origin === 'created')
    expect(started?.cancelledAt).not.toBeNull()
    const patches = run.sim.requestsTo('PATCH', RUN)
    expect(patches.map((r) => r.body)).toEqual([{ status: 'cancelled' }])
    expect(errors(run).join('\n')).toMatch(
      new RegExp(`Timed out after 3\\.\\ds waiting for run ${started?.id}`)
    )
    expect(run.stdout).toMatch(/^::group::Logs of run /m)
    expect(run.outputs).toMatchObject({ result: 'fail', 'sync-run-status': 'cancelled' })
    expect(reportOf(run)).toMatchObject({ sync: { timedOut: true, cancelledByAction: true } })
    expect(requestLog(run.sim)).toMatch(/logs\/query/)
  })
})
