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
