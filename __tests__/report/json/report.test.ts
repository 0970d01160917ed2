import { describe, expect, it } from '@jest/globals'
import { managedOutcome } from '../../../src/sync/outcome.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readBaselineFile } from '../../../src/inputs/read-baseline.js'
import { createRedactor } from '../../../src/lib/log-safety.js'
import { toJsonReport, writeJsonReport } from '../../../src/report/json/report.js'
import type { RunReport } from '../../../src/report/model.js'
import {
  API_KEY,
  comparedPolicies,
  completedSync,
  coverageReport,
  exceptionEntry,
  EXTERNAL_SYNC_ID,
  externalSync,
  externalSyncOutcome,
  INVOCATION_ID,
  failedSync,
  failingPolicies,
  notAwaitedSync,
  passingPolicies,
  policy,
  policyOutcome,
  RUN_ID,
  runReport,
  severalSyncs,
  syncOutcome,
  syncRun,
  timedOutSync
} from '../../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const schema = JSON.parse(
  await readFile(new URL('../../../docs/report-schema.json', import.meta.url), 'utf8')
) as object
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)

/** comparedPolicies() with an exceptions file: one entry suppresses, one expired, one unused. */
function perResourceReport(): RunReport {
  const { policies, resources } = comparedPolicies()
  const exceptions = {
    path: '.github/cloudquery-exceptions.yml',
    entries: [
      exceptionEntry({ line: 3, policy: 'Public S3 buckets', resources: ['c'], owner: '@web' }),
      exceptionEntry({ line: 8, policy: 'Public S3 buckets', expires: '2026-01-01' }),
      exceptionEntry({ line: 13, policy: 'Open security groups', regions: ['nowhere'] })
    ]
  }
  return runReport({ policies, gateOn: 'new', resources: { ...resources, exceptions } })
}

/** The per-resource report of a gate that judged against a `baseline-artifact`, writing a baseline too. */
function artifactReport(): RunReport {
  const report = perResourceReport()
  report.policies!.baselineSelection = {
    groups: ['CIS'],
    policies: [],
    severities: ['critical', 'high'],
    domains: []
  }
  report.baselineSource = {
    path: 'cloudquery-baseline (artifact 201)',
    artifact: {
      name: 'cloudquery-baseline',
      id: 201,
      createdAt: '2026-11-27T05:00:00Z',
      runId: 2010,
      runUrl: 'https://github.com/acme/infra/actions/runs/2010',
      branch: 'main',
      event: 'schedule'
    }
  }
  return report
}

const STATES: Record<string, RunReport> = {
  'both stages, failing': runReport({ syncs: [completedSync()], policies: failingPolicies() }),
  'both stages, passing': runReport({ syncs: [completedSync()], policies: passingPolicies() }),
  'only a sync': runReport({ syncs: [completedSync()], thresholds: undefined }),
  'only policies': runReport({ syncNames: [], policies: passingPolicies() }),
  'sync failed, policies skipped': runReport({
    syncs: [failedSync()],
    policiesSkipped: 'the sync run failed'
  }),
  'error before any run': runReport({ errors: [{ stage: 'sync', message: 'not found' }] }),
  'invalid inputs': runReport({
    platformUrl: undefined,
    syncNames: [],
    thresholds: undefined,
    finishedAt: '',
    errors: [{ stage: 'inputs', message: 'Input "timeout" is bad.' }]
  }),
  'wait: false': runReport({ syncs: [notAwaitedSync()] }),
  'timed out': runReport({ syncs: [timedOutSync()] }),
  cancelled: runReport({ syncs: [notAwaitedSync()], cancelled: true }),
  'per resource: baseline and exceptions': perResourceReport(),
  'coverage: table errors, earlier data, unknown, a failed sync': coverageReport(),
  'per resource: a baseline artifact, and a baseline with its selection': artifactReport(),
  'several syncs, one failing': runReport({
    syncs: severalSyncs(),
    syncNames: ['aws-prod', 'gcp-prod', 'azure-prod'],
    policiesSkipped: 'a sync run failed'
  }),
  'an external sync, finalizing': runReport({
    syncs: [externalSyncOutcome(externalSync({ status: 'finalizing', finished_at: null }))],
    syncNames: [INVOCATION_ID]
  }),
  'odd data from the Platform': runReport({
    syncs: [
      syncOutcome({
        run: syncRun({
          status: 'paused_by_admin',
          total_rows: null,
          errors: 'many' as unknown as number,
          ingested: null
        })
      })
    ],
    policies: policyOutcome([
      policy({ name: 'No count', severity: 'urgent', violations: undefined }),
      policy({ name: 'Odd', severity: 'high', violations: 2, evaluatedAt: undefined })
    ])
  })
}

describe('toJsonReport', () => {
  it("is itself a baseline file: run 1's report reads back as run 2's baseline", () => {
    const report = perResourceReport()
    const json = toJsonReport(report, redact)
    const dir = mkdtempSync(join(tmpdir(), 'cq-baseline-'))
    try {
      const path = join(dir, 'report.json')
      writeFileSync(path, JSON.stringify(json))
      const baseline = readBaselineFile(path)
      expect(baseline.createdAt).toBe(report.finishedAt)
      const [critical, high] = report.policies!.policies
      expect(baseline.policies).toEqual(
        new Map([
          [critical.id, new Set(['s3_a', 's3_b', 's3_c'])],
          [high.id, new Set(high.resources!.map((r) => r.platformId))]
        ])
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the baseline artifact that judged, and records the selection a baseline was made for', () => {
    const json = toJsonReport(artifactReport(), redact)
    expect(json.baselineSource).toEqual({
      kind: 'artifact',
      path: 'cloudquery-baseline (artifact 201)',
      artifact: {
        name: 'cloudquery-baseline',
        id: 201,
        createdAt: '2026-11-27T05:00:00Z',
        // From the artifact's creation to the report's end (FINISHED_AT, 10:07:30).
        ageHours: 5,
        runId: 2010,
        runUrl: 'https://github.com/acme/infra/actions/runs/2010',
        branch: 'main',
        event: 'schedule'
      }
    })
    expect(json.baseline?.selection).toEqual({
      groups: ['CIS'],
      policies: [],
      severities: ['critical', 'high'],
      domains: []
    })
    // Without baseline-write only some policies were read: the report claims no selection.
    expect(toJsonReport(perResourceReport(), redact).baseline?.selection).toBeNull()
    expect(toJsonReport(perResourceReport(), redact).baselineSource).toBeNull()
  })

  it('shows new, fixed, unchanged and suppressed per policy, and every exception entry', () => {
    const json = toJsonReport(perResourceReport(), redact)
    // The medium and low policies' resources were not read: their new figures, and so the
    // total's, are unknown — never the 1 of the policies that were compared.
    expect(json.policies?.newViolations).toMatchObject({
      critical: 1,
      high: 0,
      medium: null,
      total: null
    })
    expect(json.policies?.suppressedViolations).toMatchObject({ critical: 1, total: 1 })
    expect(json.policies?.countedViolations).toMatchObject({ critical: 1, high: 0, total: null })
    expect(json.policies?.violations).toMatchObject({ critical: 3, total: 17 })
    expect(json.policies?.policies[0]).toMatchObject({
      newViolations: 1,
      fixedViolations: 1,
      unchangedViolations: 1,
      suppressedViolations: 1,
      suppressedBy: [
        { line: 3, count: 1, reason: 'Accepted', owner: '@web', expires: '2026-12-31' }
      ],
      newSamples: [expect.objectContaining({ platformId: 's3_b' })]
    })
    expect(json.exceptions).toMatchObject({
      file: '.github/cloudquery-exceptions.yml',
      suppressedViolations: 1,
      entries: [
        { line: 3, state: 'active', matched: 1 },
        { line: 8, state: 'expired', problem: 'expired on 2026-01-01', matched: 0 },
        { line: 13, state: 'active', matched: 0 }
      ]
    })
  })

  it.each(Object.entries(STATES))('matches docs/report-schema.json: %s', (_, report) => {
    const json = toJsonReport(report, redact)
    expect(validate(json) ? [] : validate.errors).toEqual([])
  })

  it('is held to the schema exactly: a property it does not describe fails', () => {
    const json = toJsonReport(runReport({ syncs: [completedSync()] }), redact)
    expect(validate({ ...json, extra: true })).toBe(false)
    expect(validate({ ...json, sync: { ...json.sync, extra: true } })).toBe(false)
  })

  it('holds both stages', () => {
    const json = toJsonReport(
      runReport({ syncs: [completedSync()], policies: failingPolicies() }),
      redact
    )
    expect(json).toMatchObject({
      schemaVersion: 1,
      actionVersion: '1.0.0',
      result: 'fail',
      reasons: [
        '3 critical violations; at most 0 allowed (max-critical-violations)',
        '5 high violations; at most 0 allowed (max-high-violations)',
        expect.stringContaining('1 policy with no fresh result')
      ],
      reasonKinds: ['threshold', 'threshold', 'stale'],
      softFail: false,
      cancelled: false,
      platformUrl: 'https://cloudquery.example.com/api',
      platformVersion: 'v1.42.0',
      syncName: 'aws-prod',
      policiesSkipped: null,
      errors: []
    })
    expect(json.sync).toMatchObject({
      run: {
        id: RUN_ID,
        status: 'completed',
        statusReason: null,
        totalRows: 1234567,
        errors: 0,
        warnings: 2,
        ingested: true
      },
      startedByAction: true,
      waited: true,
      waitedSeconds: 312,
      durationSeconds: 312,
      timedOut: false,
      cancelledByAction: false,
      verdict: 'pass'
    })
    expect(json.policies).toMatchObject({
      mode: 'wait',
      gateOn: 'all',
      verdict: 'fail',
      thresholds: { critical: 0, high: 0, medium: null, low: null, total: null },
      violations: { critical: 3, high: 5, medium: 2, low: 7, unknownSeverity: 0, total: 17 },
      // Nothing is judged new without a baseline file.
      newViolations: null,
      suppressedViolations: { critical: 0, total: 0 },
      countedViolations: { critical: 3, high: 5, medium: 2, low: 7, total: 17 },
      status: { critical: 'breached', high: 'breached', medium: 'no-limit', total: 'no-limit' },
      baselineFile: null,
      selectedPolicies: 4,
      violatingPolicies: 4,
      stalePolicies: 1,
      evaluationWaitSeconds: 45
    })
    expect(json.policies?.policies[0]).toEqual({
      id: 'pol-public-s3-buckets',
      name: 'Public S3 buckets',
      severity: 'critical',
      domain: 'security',
      queryId: 'query-1',
      groups: ['group-1'],
      violations: 3,
      previousViolations: 1,
      newViolations: null,
      fixedViolations: null,
      unchangedViolations: null,
      // No scope and no exception naming it: nothing of it is apart, and all 3 count.
      outOfScopeViolations: 0,
      suppressedViolations: 0,
      countedViolations: 3,
      judged: true,
      unknownBecause: null,
      coverage: {
        status: 'complete',
        failsGate: false,
        tables: [
          {
            table: 'aws_s3_buckets',
            written: true,
            rows: 800,
            errors: 0,
            panics: 0,
            failedSyncs: []
          }
        ],
        unknownBecause: null
      },
      suppressedBy: [],
      newSamples: [],
      evaluatedAt: '2026-11-27T10:06:00Z',
      source: 'evaluation',
      stale: false,
      samples: [
        {
          name: 'acme-public-assets',
          resourceType: 'S3 Bucket',
          account: 'prod',
          region: 'us-east-1',
          cloud: null,
          platformId: null
        },
        {
          name: 'acme-logs',
          resourceType: 'S3 Bucket',
          account: '123456789012',
          region: 'eu-west-1',
          cloud: null,
          platformId: null
        }
      ]
    })
    expect(json.policies?.trend).toHaveLength(7)
  })

  it("shows each counted policy's coverage, and what a failed sync would have refreshed", () => {
    const json = toJsonReport(coverageReport(), redact)
    expect(json.reasonKinds).toEqual(['sync', 'coverage'])
    expect(json.policies?.reasons).toEqual([expect.stringContaining('"Public S3 buckets"')])
    const byName = Object.fromEntries(json.policies!.policies.map((p) => [p.name, p.coverage]))
    expect(byName['Public S3 buckets']).toEqual({
      status: 'table-errors',
      failsGate: true,
      tables: [
        {
          table: 'aws_s3_buckets',
          written: true,
          rows: 800,
          errors: 3,
          panics: 1,
          failedSyncs: []
        }
      ],
      unknownBecause: null
    })
    expect(byName['IAM users without MFA']).toMatchObject({
      status: 'earlier-data',
      tables: [{ table: 'aws_iam_users', written: false, rows: null, failedSyncs: ['iam-prod'] }]
    })
    expect(byName['Cross-account trust']).toMatchObject({
      status: 'unknown',
      unknownBecause: expect.stringContaining('no top-level table')
    })
    // Not counted by a threshold: not cross-checked.
    expect(byName['Untagged resources']).toBeNull()
    expect(json.policies?.coverage).toEqual({
      checked: true,
      skipped: null,
      tableErrors: 'fail',
      complete: 1,
      withTableErrors: 1,
      onEarlierData: 1,
      unknown: 1,
      failedSyncs: [{ syncName: 'iam-prod', policies: ['pol-iam-users-without-mfa'] }]
    })
  })

  it('says a policies-only gate was not cross-checked', () => {
    const json = toJsonReport(runReport({ syncNames: [], policies: passingPolicies() }), redact)
    expect(json.policies?.coverage).toMatchObject({ checked: false, skipped: expect.any(String) })
    expect(json.policies?.policies.every((p) => p.coverage === null)).toBe(true)
  })

  it('keeps odd Platform values within the schema', () => {
    const json = toJsonReport(STATES['odd data from the Platform'], redact)
    expect(json.sync?.run?.errors).toBeNull()
    expect(json.sync?.run?.status).toBe('paused_by_admin')
    // A policy with no count: its row and the total are unknown, never 0.
    expect(json.policies?.violations.unknownSeverity).toBeNull()
    expect(json.policies?.violations.total).toBeNull()
    expect(json.policies?.violations.high).toBe(2)
    expect(json.policies?.policies.map((result) => result.violations)).toEqual([null, 2])
  })

  it('has every run in syncs, and the first as sync and syncName for compatibility', () => {
    const json = toJsonReport(STATES['several syncs, one failing'], redact)
    expect(json.syncs.map((sync) => [sync.kind, sync.run?.id, sync.verdict])).toEqual([
      ['managed', RUN_ID, 'pass'],
      ['managed', 'run-gcp', 'fail'],
      ['managed', 'run-azure', 'pass']
    ])
    expect(json.syncs[2]).toMatchObject({ startedByAction: false, external: null })
    expect(json.sync).toEqual(json.syncs[0])
    expect(json.syncName).toBe('aws-prod')
  })

  it('names the runs a queue waited for, apart from the run judged, within the schema', () => {
    const queued = runReport({
      syncs: [syncOutcome({ queuedBehind: ['run-before'], waitedMs: 400_000 })]
    })
    const json = toJsonReport(queued, redact)
    expect(json.sync).toMatchObject({ run: { id: RUN_ID }, queuedBehind: ['run-before'] })
    expect(json.sync?.waitedSeconds).toBe(400)
    expect(validate(json) ? [] : validate.errors).toEqual([])
    const ranOut = managedOutcome('aws-prod', {
      verdict: 'fail',
      waited: true,
      timedOut: true,
      queuedBehind: ['run-before'],
      reasons: ['Timed out after 5m waiting for run run-before']
    })
    const timedOut = toJsonReport(runReport({ syncs: [ranOut] }), redact)
    expect(timedOut.sync).toMatchObject({ run: null, timedOut: true, queuedBehind: ['run-before'] })
    expect(validate(timedOut) ? [] : validate.errors).toEqual([])
    expect(toJsonReport(STATES['several syncs, one failing'], redact).sync?.queuedBehind).toEqual(
      []
    )
  })

  it('shows an external sync as a run, with the external sync as the Platform said it', () => {
    const json = toJsonReport(STATES['an external sync, finalizing'], redact)
    expect(json.syncs).toHaveLength(1)
    expect(json.sync).toMatchObject({
      kind: 'external',
      startedByAction: false,
      run: { id: EXTERNAL_SYNC_ID, status: 'completed', ingested: false, totalRows: 48000 },
      external: {
        id: EXTERNAL_SYNC_ID,
        invocationId: INVOCATION_ID,
        status: 'finalizing',
        tableProgress: { aws_s3_buckets: 800, aws_ec2_instances: 40000, aws_iam_users: 7200 }
      }
    })
    // Figures a CLI run does not report are unknown, not zero.
    expect(json.sync?.run).toMatchObject({ errors: null, warnings: null, cpuSeconds: null })
  })

  it('keeps an odd table_progress within the schema', () => {
    const odd = externalSync({
      status: undefined,
      table_progress: { t: 'many' as unknown as number, u: Number.NaN }
    })
    const json = toJsonReport(runReport({ syncs: [externalSyncOutcome(odd)] }), redact)
    expect(json.sync?.external).toMatchObject({ status: null, tableProgress: { t: null, u: null } })
    expect(validate(json) ? [] : validate.errors).toEqual([])
  })

  it('never writes the key as a table name, and keeps at most 1,000 tables, the most rows first', () => {
    const tables = Object.fromEntries(
      Array.from({ length: 1_200 }, (_, i): [string, number] => [`t_${i}`, i])
    )
    const hostile = externalSync({ table_progress: { ...tables, [API_KEY]: 5_000 } })
    const json = toJsonReport(runReport({ syncs: [externalSyncOutcome(hostile)] }), redact)
    const kept = json.sync?.external?.tableProgress ?? {}
    expect(JSON.stringify(json)).not.toContain(API_KEY)
    expect(Object.keys(kept)).toHaveLength(1_000)
    expect(Object.values(kept).slice(0, 2)).toEqual([5_000, 1_199])
  })

  it('says why the policy stage did not run', () => {
    const json = toJsonReport(STATES['sync failed, policies skipped'], redact)
    expect(json.policies).toBeNull()
    expect(json.policiesSkipped).toBe('the sync run failed')
    expect(json.sync?.tablesWithErrors[0]).toEqual({
      table: 'aws_ec2_instances',
      service: 'aws',
      errors: 12,
      resources: 400,
      panics: 0
    })
  })

  it('redacts the key wherever it appears', () => {
    const leaky = `echo ${API_KEY}`
    const json = toJsonReport(
      runReport({
        syncs: [{ ...failedSync(), reasons: [leaky] }],
        policies: policyOutcome([policy({ name: leaky, samples: [{ name: leaky }] })]),
        errors: [{ stage: 'sync', message: leaky }]
      }),
      redact
    )
    expect(JSON.stringify(json)).not.toContain(API_KEY)
    expect(json.errors[0].message).toBe('echo ***')
    expect(json.policies?.policies[0].samples[0].name).toBe('echo ***')
  })
})

describe('writeJsonReport', () => {
  it('creates the directories and leaves only the finished file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'))
    try {
      const path = join(dir, 'nested', 'deeper', 'report.json')
      const report = runReport({ syncs: [completedSync()], policies: failingPolicies() })
      await writeJsonReport(path, report, redact, [dir])
      const written = JSON.parse(await readFile(path, 'utf8')) as unknown
      expect(written).toEqual(toJsonReport(report, redact))
      expect(validate(written)).toBe(true)
      expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['report.json'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('replaces an earlier report in one step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'))
    try {
      const path = join(dir, 'report.json')
      await writeFile(path, 'old')
      await writeJsonReport(path, runReport(), redact, [dir])
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ result: 'pass' })
      expect(await readdir(dir)).toEqual(['report.json'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails without leaving a temporary file when the target cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'))
    try {
      // The target is a non-empty directory, so the rename fails after the temporary file was written.
      const path = join(dir, 'taken')
      await mkdir(join(path, 'child'), { recursive: true })
      await expect(writeJsonReport(path, runReport(), redact, [dir])).rejects.toThrow()
      expect(await readdir(dir)).toEqual(['taken'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
