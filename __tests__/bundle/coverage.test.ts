// What the run covered, through the built action against the simulator: a counted policy over a
// table the run synced with errors is not judged as zero, a table the run did not sync is judged on
// earlier data, a policy whose tables cannot be told is shown as such; a count after the run that
// is not a count is unknown at once; and a failed sync among several sets no freshness cutoff.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec, Scenario, TableSpec } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  errorLines,
  FAST,
  FAST_RUN,
  reportOf,
  runAll,
  runBundle,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'

const BUCKETS = 'S3 buckets without default encryption'
const MFA = 'IAM users without MFA'
const OWNER_TAG = 'EC2 instances without owner tag'
const EXECUTE = '/queries/{query_id}/execute'

/** Clean after the run, and counted (critical); its kind reads `aws_s3_buckets`. */
const BUCKETS_CLEAN: PolicySpec = {
  name: BUCKETS,
  severity: 'critical',
  violationCount: 2,
  countAfterSync: 0
}
/** The run's tables: `aws_s3_buckets` synced with errors (an expired role, a throttled service). */
const DAMAGED: TableSpec[] = [
  { name: 'aws_s3_buckets', resources: 120, errors: 3 },
  { name: 'aws_ec2_instances', resources: 900 }
]
const TABLE_ERRORS: Scenario = {
  ...FAST,
  run: { ...FAST_RUN, tables: DAMAGED },
  policies: [BUCKETS_CLEAN, { name: OWNER_TAG, severity: 'low', violationCount: 4 }]
}
/** `aws_iam_users` is not among the tables of the default AWS run. */
const NOT_SYNCED: Scenario = {
  ...FAST,
  policies: [{ name: MFA, severity: 'high', violationCount: 0, countAfterSync: 0 }]
}
const UNTOLD: Scenario = {
  ...FAST,
  policies: [
    {
      name: 'Over a subquery',
      severity: 'critical',
      query: 'SELECT * FROM (SELECT name FROM aws_s3_buckets) AS t'
    },
    { name: 'Unreadable', severity: 'high', query: 'EXPLAIN SELECT 1' }
  ]
}
const NEGATIVE: Scenario = {
  ...FAST,
  policies: [
    { name: BUCKETS, severity: 'critical', violationCount: 1, countAfterSync: -3 },
    { name: OWNER_TAG, severity: 'low', violationCount: 4 }
  ]
}
/**
 * Three syncs; gcp-prod ends last, failed, well after the other two were ingested and their
 * policies evaluated. A counted gcp policy's table is listed by the failed run only.
 */
const SYNCS = ['aws-prod', 'aws-dev', 'gcp-prod']
const LAST_FAILS: Scenario = {
  ...FAST,
  syncs: SYNCS,
  syncRuns: { 'gcp-prod': { finalStatus: 'failed', statusReason: 'error', durationMs: 2_500 } },
  policies: [
    { name: BUCKETS, severity: 'critical', violationCount: 1, countAfterSync: 0 },
    { name: MFA, severity: 'high', violationCount: 0 },
    {
      name: 'Storage buckets with public access',
      cloud: 'gcp',
      severity: 'high',
      violationCount: 0
    }
  ]
}

/**
 * Each case ends within seconds; one that waits out a quiet period (90 s) or `evaluation-timeout`
 * is killed here, and fails its own test.
 */
const PROCESS_LIMIT_MS = 25_000
const run = (scenario: Scenario, inputs: Record<string, string> = {}) =>
  runBundle(scenario, inputs, { timeoutMs: PROCESS_LIMIT_MS })

type Case = 'tableErrors' | 'warn' | 'notSynced' | 'untold' | 'negative' | 'lastFails'
let runs: Record<Case, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    tableErrors: () => run(TABLE_ERRORS),
    warn: () => run(TABLE_ERRORS, { 'table-errors': 'warn' }),
    notSynced: () => run(NOT_SYNCED),
    untold: () => run(UNTOLD),
    // The defaults: policy-evaluation auto, evaluation-timeout 10m.
    negative: () => run(NEGATIVE),
    lastFails: () => run(LAST_FAILS, { 'sync-name': SYNCS.join('\n') })
  })
}, 2 * PROCESS_LIMIT_MS)

interface CoverageJson {
  status: string
  failsGate: boolean
  tables: { table: string; written: boolean; errors: number | null }[]
  unknownBecause: string | null
}
interface PolicyJson {
  name: string
  violations: number | null
  coverage: CoverageJson | null
  unknownBecause: string | null
}
interface ReportJson {
  result: string
  reasons: string[]
  reasonKinds: string[]
  policies: {
    policies: PolicyJson[]
    evaluationWaitSeconds: number
    coverage: { failedSyncs: { syncName: string; policies: string[] }[] }
  }
}

const reportJson = (run: BundleRun): ReportJson => reportOf(run) as unknown as ReportJson
const policyNamed = (run: BundleRun, name: string): PolicyJson =>
  reportJson(run).policies.policies.find((policy) => policy.name === name)!
const warnings = (run: BundleRun): string[] =>
  workflowCommands(run.stdout)
    .filter((command) => command.name === 'warning')
    .map((command) => `${command.properties.title}: ${command.data}`)

describe('a table the run synced with errors', () => {
  it('fails the gate for the counted policy over it, re-evaluated to 0, naming the table and its errors', () => {
    const run = runs.tableErrors
    expect(run.exitCode).toBe(1)
    expect(policyNamed(run, BUCKETS).violations).toBe(0)
    const report = reportJson(run)
    expect(report.result).toBe('fail')
    expect(report.reasonKinds).toEqual(['coverage'])
    expect(report.reasons[0]).toContain(`"${BUCKETS}" (aws_s3_buckets: 3 errors)`)
    expect(policyNamed(run, BUCKETS).coverage).toMatchObject({
      status: 'table-errors',
      failsGate: true,
      tables: [{ table: 'aws_s3_buckets', written: true, errors: 3 }]
    })
    expect(errorLines(run.stdout)).toContainEqual(
      expect.stringContaining('(aws_s3_buckets: 3 errors): its result may miss data')
    )
    expect(run.summary).toContain('| 🔴\u00a0Critical ⚠️ |')
    expect(run.summary).toContain(`⚠️ **${BUCKETS}** (critical): aws\\_s3\\_buckets: 3 errors`)
  })

  it('with table-errors: warn, passes with a warning and the mark in the summary', () => {
    const run = runs.warn
    expect(run.exitCode).toBe(0)
    expect(reportJson(run).result).toBe('pass')
    expect(policyNamed(run, BUCKETS).coverage).toMatchObject({
      status: 'table-errors',
      failsGate: false
    })
    expect(warnings(run)).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Policy judged on incomplete data: ${BUCKETS}: .*shown, not failed`)
      )
    )
    expect(run.summary).toContain('| 🔴\u00a0Critical ⚠️ |')
    expect(run.summary).toContain('shown, not failed (<code>table-errors: warn</code>)')
  })
})

describe('a table the run did not sync', () => {
  it('passes the policy over it on earlier data, and shows it as such', () => {
    const run = runs.notSynced
    expect(run.exitCode).toBe(0)
    expect(policyNamed(run, MFA).coverage).toMatchObject({
      status: 'earlier-data',
      tables: [{ table: 'aws_iam_users', written: false }]
    })
    expect(run.summary).toContain('| 🟠\u00a0High 🕘 |')
    expect(run.summary).toContain(
      `🕘 **${MFA}** (high): aws\\_iam\\_users not synced by this run: judged on earlier data`
    )
  })
})

describe('a policy whose tables cannot be told', () => {
  it('is shown as coverage unknown, for an empty list and for a 400 alike', () => {
    const run = runs.untold
    expect(run.exitCode).toBe(0)
    expect(policyNamed(run, 'Over a subquery').coverage).toMatchObject({
      status: 'unknown',
      unknownBecause: expect.stringContaining('lists no top-level table')
    })
    expect(policyNamed(run, 'Unreadable').coverage?.unknownBecause).toMatch(/\(400\)/)
    expect(run.summary).toContain('❓ **Over a subquery** (critical): coverage unknown:')
    expect(run.summary).toContain('❓ **Unreadable** (high): coverage unknown:')
  })
})

describe('a count after the run that is not a count', () => {
  it('is reported unknown at the first look after the evaluation, without executing its query', () => {
    const run = runs.negative
    expect(run.exitCode).toBe(1)
    const negative = policyNamed(run, BUCKETS)
    expect(negative.violations).toBeNull()
    expect(negative.unknownBecause).toBe("the Platform's count (-3) is not a count")
    expect(run.sim.requestsTo('POST', EXECUTE)).toHaveLength(0)
    // Neither waited out: no "not evaluated after the run within" giving up on it.
    expect(run.stdout).not.toMatch(/not evaluated after the run within/)
    expect(reportJson(run).reasonKinds).toEqual(['stale'])
  })
})

describe('three syncs, the last to end failing', () => {
  it('gates the other two without waiting or executing saved queries', () => {
    const run = runs.lastFails
    expect(run.exitCode).toBe(1)
    const report = reportJson(run)
    // The step fails for the failed sync, and for nothing else.
    expect(report.reasonKinds).toEqual(['sync'])
    expect(report.policies.evaluationWaitSeconds).toBe(0)
    // One listing: every result was already fresh against the ingested runs' completion.
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(1)
    expect(run.sim.requestsTo('POST', EXECUTE)).toHaveLength(0)
    // One lookup of the tables per counted policy's query.
    expect(run.sim.requestsTo('POST', '/queries/columns')).toHaveLength(3)
  })

  it('says which counted policies the failed sync would have refreshed', () => {
    const run = runs.lastFails
    const storage = policyNamed(run, 'Storage buckets with public access')
    expect(storage.coverage).toMatchObject({
      status: 'earlier-data',
      tables: [{ table: 'gcp_storage_buckets', written: false }]
    })
    expect(run.summary).toContain(
      'Sync <code>gcp-prod</code> failed: it would have refreshed the data of 1 counted policy: "Storage buckets with public access".'
    )
  })
})
