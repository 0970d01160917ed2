// The cross-check of what each counted policy reads against what the runs wrote, as the verdict
// makes it: pure, on typed outcomes.

import { describe, expect, it } from '@jest/globals'
import type { PolicyResult } from '../../src/policies/outcome.js'
import type { RunTable, SyncOutcome } from '../../src/sync/outcome.js'
import { crossCheck, POLICIES_ONLY } from '../../src/verdict/coverage.js'
import { decide, type GateSettings } from '../../src/verdict/decide.js'
import {
  DEFAULT_THRESHOLDS,
  externalSync,
  externalSyncOutcome,
  policy,
  policyOutcome,
  syncOutcome,
  syncRun
} from '../__fixtures__/report.js'

const table = (name: string, errors = 0, panics = 0, rows = 10): RunTable => ({
  name,
  rows,
  errors,
  panics
})
const ran = (tables: RunTable[] | undefined, syncName = 'aws-prod'): SyncOutcome =>
  syncOutcome({ syncName, tables })
const failedRun = (syncName: string, tables: RunTable[]): SyncOutcome =>
  syncOutcome({
    syncName,
    run: syncRun({ status: 'failed', ingested: false }),
    verdict: 'fail',
    reasons: ['failed'],
    tables
  })

const buckets = policy({
  name: 'Public buckets',
  severity: 'critical',
  violations: 0,
  tables: ['aws_s3_buckets']
})
const users = policy({ name: 'IAM users', severity: 'high', tables: ['aws_iam_users'] })
const notCounted = policy({ name: 'Untagged', severity: 'low', tables: ['aws_s3_buckets'] })

function check(
  syncs: SyncOutcome[],
  policies: PolicyResult[],
  tableErrors: 'fail' | 'warn' = 'fail'
) {
  return crossCheck({
    syncs,
    policies,
    counted: (p) => p.severity === 'critical' || p.severity === 'high',
    tableErrors
  })
}

function gate(
  syncs: SyncOutcome[],
  policies: PolicyResult[],
  settings: Partial<GateSettings> = {}
) {
  return decide({
    cancelled: false,
    errors: [],
    syncs,
    policies: policyOutcome(policies),
    gate: { thresholds: DEFAULT_THRESHOLDS, gateOn: 'all', ...settings },
    softFail: true
  })
}

describe('coverage of a counted policy', () => {
  it('is complete when the run wrote every table it reads without errors', () => {
    const { coverage, reasons } = check([ran([table('aws_s3_buckets')])], [buckets])
    expect(coverage.policies[buckets.id]).toEqual({
      status: 'complete',
      tables: [
        { table: 'aws_s3_buckets', written: true, rows: 10, errors: 0, panics: 0, failedSyncs: [] }
      ],
      fails: false
    })
    expect(reasons).toEqual([])
  })

  it('fails the gate on a table with errors, naming the policy, the table and its errors, even at 0 violations', () => {
    const decided = gate([ran([table('aws_s3_buckets', 3, 1)])], [buckets])
    expect(decided.result).toBe('fail')
    expect(decided.gate?.verdict).toBe('fail')
    expect(decided.reasons).toEqual([
      {
        kind: 'coverage',
        text: '1 counted policy reads a table this run synced with errors or panics, so its result may miss data and the gate cannot vouch for it ("table-errors: warn" lets it pass): "Public buckets" (aws_s3_buckets: 3 errors, 1 panic)'
      }
    ])
    // Soft-fail softens breached thresholds only, never data the gate could not vouch for.
    expect(decided.softened).toBe(false)
    expect(decided.gate?.coverage?.policies[buckets.id]).toMatchObject({
      status: 'table-errors',
      fails: true
    })
  })

  it('with table-errors: warn, shows the table errors and passes', () => {
    const decided = gate([ran([table('aws_s3_buckets', 3)])], [buckets], { tableErrors: 'warn' })
    expect(decided.result).toBe('pass')
    expect(decided.gate?.coverage).toMatchObject({
      tableErrors: 'warn',
      policies: { [buckets.id]: { status: 'table-errors', fails: false } }
    })
  })

  it('counts a panic alone as a table error', () => {
    expect(
      check([ran([table('aws_s3_buckets', 0, 2)])], [buckets]).coverage.policies[buckets.id].status
    ).toBe('table-errors')
  })

  it('is judged on earlier data, and passes, when the run did not write a table it reads', () => {
    const decided = gate([ran([table('aws_s3_buckets')])], [buckets, users])
    expect(decided.result).toBe('pass')
    expect(decided.gate?.coverage?.policies[users.id]).toMatchObject({
      status: 'earlier-data',
      tables: [{ table: 'aws_iam_users', written: false, rows: null, errors: null }]
    })
    // One table of two not written is enough.
    const both = policy({
      name: 'Both',
      severity: 'high',
      tables: ['aws_s3_buckets', 'aws_iam_users']
    })
    expect(check([ran([table('aws_s3_buckets')])], [both]).coverage.policies[both.id].status).toBe(
      'earlier-data'
    )
  })

  it('is unknown, and says why, when its tables cannot be told', () => {
    const subqueries = policy({ name: 'Over subqueries', severity: 'high', tables: [] })
    const unreadable = policy({
      name: 'Unreadable',
      severity: 'high',
      tables: undefined,
      tablesUnknown: 'the Platform could not read its query (400), so its tables cannot be told'
    })
    const decided = gate([ran([table('aws_s3_buckets')])], [subqueries, unreadable])
    expect(decided.result).toBe('pass')
    expect(decided.gate?.coverage?.policies[subqueries.id]).toMatchObject({
      status: 'unknown',
      unknownBecause: expect.stringMatching(/lists no top-level table/)
    })
    expect(decided.gate?.coverage?.policies[unreadable.id].unknownBecause).toMatch(/\(400\)/)
  })

  it('is unknown when the tables of a run judged could not be read, unless a table had errors', () => {
    const unread = syncOutcome({
      syncName: 'aws-dev',
      tables: undefined,
      tablesUnknown: 'HTTP 503'
    })
    const { coverage } = check([ran([table('aws_s3_buckets')]), unread], [buckets, users])
    expect(coverage.policies[buckets.id].unknownBecause).toBe(
      'the tables the run of "aws-dev" wrote are unknown: HTTP 503'
    )
    const damaged = check([ran([table('aws_s3_buckets', 1)]), unread], [buckets])
    expect(damaged.coverage.policies[buckets.id].status).toBe('table-errors')
  })

  it('is unknown when the error count of a table it reads is not a count', () => {
    const { coverage } = check(
      [ran([{ name: 'aws_s3_buckets', rows: 10, errors: null, panics: 0 }])],
      [buckets]
    )
    expect(coverage.policies[buckets.id]).toMatchObject({
      status: 'unknown',
      unknownBecause: "the Platform's error count for aws_s3_buckets is not a count"
    })
  })

  it('adds up a table several runs wrote, and matches names whatever their case', () => {
    const { coverage } = check(
      [ran([table('AWS_S3_BUCKETS', 2)]), ran([table('aws_s3_buckets', 1, 0, 5)], 'aws-dev')],
      [buckets]
    )
    expect(coverage.policies[buckets.id].tables[0]).toMatchObject({ rows: 15, errors: 3 })
  })

  it('takes a CLI run’s tables as written without errors: the Platform counts none for them', () => {
    const cli = externalSyncOutcome(externalSync(), {
      tables: [{ name: 'aws_s3_buckets', rows: 800 }]
    })
    const { coverage } = check([cli], [buckets])
    expect(coverage.policies[buckets.id]).toMatchObject({
      status: 'complete',
      tables: [{ table: 'aws_s3_buckets', written: true, rows: 800, errors: null, panics: null }]
    })
  })

  it('says which counted policies a failed sync would have refreshed', () => {
    const syncs = [
      ran([table('aws_s3_buckets')]),
      failedRun('iam-prod', [table('aws_iam_users', 4)])
    ]
    const { coverage, reasons } = check(syncs, [buckets, users, notCounted])
    expect(coverage.failedSyncs).toEqual([{ syncName: 'iam-prod', policyIds: [users.id] }])
    // Its errors are not this run's data: the policy stands on earlier data, and does not fail.
    expect(coverage.policies[users.id]).toMatchObject({
      status: 'earlier-data',
      tables: [{ table: 'aws_iam_users', written: false, failedSyncs: ['iam-prod'] }]
    })
    expect(reasons).toEqual([])
  })

  it('names only the tables with problems, each with the problems it had', () => {
    const wide = policy({
      name: 'Wide',
      severity: 'high',
      tables: ['aws_s3_buckets', 'aws_iam_users', 'aws_ec2_instances', 'aws_rds_instances']
    })
    const run = ran([
      table('aws_s3_buckets', 3, 0),
      table('aws_iam_users', 0, 0),
      table('aws_ec2_instances', 0, 2),
      table('aws_rds_instances', 1, 1)
    ])
    expect(check([run], [wide]).coverage.policies[wide.id]).toMatchObject({
      status: 'table-errors',
      damage:
        'aws_s3_buckets: 3 errors; aws_ec2_instances: 2 panics; aws_rds_instances: 1 error, 1 panic'
    })
  })

  it('is not damaged by problems in a table it does not read', () => {
    const run = ran([table('aws_s3_buckets'), table('aws_iam_users', 0, 0), table('aws_ec2', 4)])
    const both = policy({
      name: 'Both',
      severity: 'high',
      tables: ['aws_s3_buckets', 'aws_iam_users']
    })
    expect(check([run], [both]).coverage.policies[both.id].status).toBe('complete')
  })

  it('names at most five failing policies in its reason, and how many more there are', () => {
    const failing = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        policy({ name: `P${i + 1}`, severity: 'critical', tables: ['aws_s3_buckets'] })
      )
    const run = [ran([table('aws_s3_buckets', 2)])]
    const listed = (i: number) => `"P${i}" (aws_s3_buckets: 2 errors)`
    expect(check(run, failing(7)).reasons).toEqual([
      {
        kind: 'coverage',
        text: `7 counted policies read a table this run synced with errors or panics, so their results may miss data and the gate cannot vouch for them ("table-errors: warn" lets them pass): ${[1, 2, 3, 4, 5].map(listed).join('; ')} and 2 more`
      }
    ])
    expect(check(run, failing(5)).reasons[0].text).toMatch(/"P5" \(aws_s3_buckets: 2 errors\)$/)
  })

  it('adds up a table several runs wrote: unknown stays unknown, not reported stays not reported', () => {
    const cli = (shard: string) =>
      externalSyncOutcome(externalSync(), {
        tables: [{ name: 'aws_s3_buckets', rows: 5 }],
        syncName: shard
      })
    // Two CLI shards: neither reports errors, so neither does their sum.
    expect(check([cli('a'), cli('b')], [buckets]).coverage.policies[buckets.id]).toMatchObject({
      status: 'complete',
      tables: [{ rows: 10, errors: null, panics: null }]
    })
    // A managed run's errors count beside a CLI run that reports none.
    expect(
      check([cli('a'), ran([table('aws_s3_buckets', 2)])], [buckets]).coverage.policies[buckets.id]
    ).toMatchObject({ status: 'table-errors', tables: [{ rows: 15, errors: 2, panics: 0 }] })
    // An error count that is not a count makes the sum unknown, whatever the other run says.
    const uncounted = ran([{ name: 'aws_s3_buckets', rows: 1, errors: null, panics: 0 }])
    for (const runs of [
      [uncounted, ran([table('aws_s3_buckets', 2)], 'aws-dev')],
      [ran([table('aws_s3_buckets', 2)], 'aws-dev'), uncounted]
    ]) {
      expect(check(runs, [buckets]).coverage.policies[buckets.id]).toMatchObject({
        status: 'unknown',
        tables: [{ errors: null }]
      })
    }
  })

  it('leaves out a sync that never had a run: it wrote nothing and refreshed nothing', () => {
    const neverStarted = syncOutcome({
      syncName: 'aws-dev',
      run: undefined,
      tables: undefined,
      verdict: 'fail',
      reasons: ['could not start']
    })
    const { coverage } = check([ran([table('aws_s3_buckets')]), neverStarted], [buckets])
    expect(coverage.policies[buckets.id].status).toBe('complete')
    expect(coverage.failedSyncs).toEqual([])
  })

  it('is unknown with no tables when the policy stage did not look its tables up', () => {
    const notLookedUp = policy({ name: 'Not looked up', severity: 'high', tables: undefined })
    expect(
      check([ran([table('aws_s3_buckets')])], [notLookedUp]).coverage.policies[notLookedUp.id]
    ).toEqual({
      status: 'unknown',
      tables: [],
      unknownBecause: 'its tables were not looked up',
      fails: false
    })
  })

  it('is checked for the counted policies only', () => {
    const { coverage } = check([ran([table('aws_s3_buckets', 5)])], [buckets, notCounted])
    expect(Object.keys(coverage.policies)).toEqual([buckets.id])
  })

  it('is not checked in a policies-only gate, which says so', () => {
    const decided = gate([], [buckets])
    expect(decided.result).toBe('pass')
    expect(decided.gate?.coverage).toEqual({
      skipped: POLICIES_ONLY,
      tableErrors: 'fail',
      policies: {},
      failedSyncs: []
    })
  })
})
