// Typed sample outcomes for the report tests: a sync run in each state it can end in, policy
// results with a real gate verdict, and a RunReport assembled from them.

import type {
  BaselineFile,
  ExceptionEntry,
  TableErrorsMode,
  Thresholds
} from '../../src/inputs/config.js'
import { addUpBySeverity } from '../../src/lib/severity.js'
import type { ExternalSync, SyncRunDetails } from '../../src/platform/types.js'
import type { PolicyOutcome, PolicyResult, ViolatingResource } from '../../src/policies/outcome.js'
import type { RunReport } from '../../src/report/model.js'
import {
  externalOutcome,
  managedOutcome,
  type ExternalOutcome,
  type ManagedOutcome
} from '../../src/sync/outcome.js'
import { decide, type StageError, type Verdict } from '../../src/verdict/decide.js'
import type { ResourceSettings } from '../../src/verdict/resources.js'

export const API_KEY = 'cqk_live_Sup3r_S3cret_key'
export const RUN_ID = '5e3c6a2b-9f0d-4c1e-8a7b-2d4f6e8a0c1b'
export const SYNC_NAME = 'aws-prod'
export const STARTED_AT = '2026-11-27T10:00:00.000Z'
export const FINISHED_AT = '2026-11-27T10:07:30.000Z'
export const WORKFLOW_RUN_URL = 'https://github.com/acme/infra/actions/runs/123456789'

export const DEFAULT_THRESHOLDS: Thresholds = {
  critical: 0,
  high: 0,
  medium: undefined,
  low: undefined,
  total: undefined
}

export function syncRun(overrides: Partial<SyncRunDetails> = {}): SyncRunDetails {
  return {
    id: RUN_ID,
    sync_name: SYNC_NAME,
    status: 'completed',
    status_reason: null,
    created_at: '2026-11-27T10:00:05Z',
    completed_at: '2026-11-27T10:05:17Z',
    total_rows: 1_234_567,
    errors: 0,
    warnings: 2,
    ingested: true,
    cpu_seconds: 812.4,
    memory_byte_seconds: 3 * 1024 ** 3 * 60,
    network_egress_bytes: 5.5 * 1024 ** 2,
    ...overrides
  }
}

/** The tables a fixture run wrote: every one its fixture policies read, without errors. */
export const WRITTEN_TABLES = [
  { name: 'aws_s3_buckets', rows: 800, errors: 0, panics: 0 },
  { name: 'aws_ec2_instances', rows: 40_000, errors: 0, panics: 0 }
]

/** A managed run's outcome, its view made from its run as the sync stage makes it. */
export function syncOutcome(
  overrides: Partial<Omit<ManagedOutcome, 'kind' | 'view'>> = {}
): ManagedOutcome {
  const { syncName = SYNC_NAME, ...fields } = overrides
  return managedOutcome(syncName, {
    run: syncRun(),
    startedByAction: true,
    waited: true,
    waitedMs: 312_000,
    durationSeconds: 312,
    statusChecks: 20,
    tables: WRITTEN_TABLES,
    ...fields
  })
}

export const completedSync = (): ManagedOutcome => syncOutcome()

export const failedSync = (): ManagedOutcome =>
  syncOutcome({
    run: syncRun({ status: 'failed', status_reason: 'oom_killed', errors: 17, ingested: false }),
    verdict: 'fail',
    reasons: [
      `Run ${RUN_ID} of sync "${SYNC_NAME}" failed: it ran out of memory and was killed (oom_killed).`
    ],
    tablesWithErrors: [
      {
        service_name: 'aws',
        name: 'aws_ec2_instances',
        started_at: '2026-11-27T10:01:00Z',
        errors: 12,
        resources: 400,
        panics: 0
      },
      {
        service_name: 'aws',
        name: 'aws_s3_buckets',
        started_at: '2026-11-27T10:01:00Z',
        errors: 5,
        resources: 80,
        panics: 1
      }
    ]
  })

export const partialSync = (): ManagedOutcome =>
  syncOutcome({
    run: syncRun({ status_reason: 'partial_success', errors: 3 }),
    warnings: [
      `Run ${RUN_ID} of sync "${SYNC_NAME}" completed with partial success: 3 errors and 2 warnings; some tables may be incomplete.`
    ]
  })

export const notAwaitedSync = (): ManagedOutcome =>
  syncOutcome({
    run: syncRun({
      status: 'created',
      completed_at: null,
      total_rows: 0,
      warnings: 0,
      ingested: false,
      cpu_seconds: null,
      memory_byte_seconds: null,
      network_egress_bytes: null
    }),
    waited: false,
    waitedMs: 0,
    durationSeconds: undefined,
    statusChecks: 0
  })

export const timedOutSync = (): ManagedOutcome =>
  syncOutcome({
    run: syncRun({ status: 'cancelled', completed_at: '2026-11-27T11:00:06Z', ingested: false }),
    verdict: 'fail',
    timedOut: true,
    cancelledByAction: true,
    waitedMs: 3_600_000,
    durationSeconds: 3601,
    reasons: [
      `Timed out after 1h waiting for run ${RUN_ID} of sync "${SYNC_NAME}" (status "started") — waited for it to finish.`
    ]
  })

/** Three syncs followed at once: one passed, one failed, one attached to (started elsewhere). */
export function severalSyncs(): ManagedOutcome[] {
  const failed = failedSync()
  return [
    syncOutcome({ run: syncRun({ total_rows: 12_480 }) }),
    syncOutcome({
      ...failed,
      syncName: 'gcp-prod',
      run: { ...failed.run!, id: 'run-gcp', sync_name: 'gcp-prod', total_rows: 12_480 },
      reasons: ['Run run-gcp of sync "gcp-prod" failed: it ran out of memory and was killed.']
    }),
    syncOutcome({
      syncName: 'azure-prod',
      run: syncRun({ id: 'run-azure', sync_name: 'azure-prod', total_rows: 12_480 }),
      startedByAction: false,
      durationSeconds: 500
    })
  ]
}

export const EXTERNAL_SYNC_ID = '9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'
export const INVOCATION_ID = 'inv-2026-11-27-a'

export function externalSync(overrides: Partial<ExternalSync> = {}): ExternalSync {
  return {
    id: EXTERNAL_SYNC_ID,
    invocation_id: INVOCATION_ID,
    created_at: '2026-11-27T10:00:05Z',
    status: 'completed',
    rows: 48_000,
    table_progress: { aws_s3_buckets: 800, aws_ec2_instances: 40_000, aws_iam_users: 7_200 },
    updated_at: '2026-11-27T10:04:00Z',
    finished_at: '2026-11-27T10:04:05Z',
    ...overrides
  }
}

/** A CLI run followed through `external-sync`, its view made from the ExternalSync. */
export function externalSyncOutcome(
  external: ExternalSync = externalSync(),
  overrides: Partial<Omit<ExternalOutcome, 'kind' | 'view' | 'external'>> = {}
): ExternalOutcome {
  return externalOutcome(INVOCATION_ID, {
    external,
    waitedMs: 312_000,
    statusChecks: 20,
    durationSeconds: 240,
    ...overrides
  })
}

export function policy(overrides: Partial<PolicyResult> & { name: string }): PolicyResult {
  const violations = overrides.violations ?? 0
  return {
    id: `pol-${overrides.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    severity: 'high',
    domain: 'security',
    queryId: 'query-1',
    groups: ['group-1'],
    violations,
    previousViolations: violations,
    evaluatedAt: '2026-11-27T10:06:00Z',
    source: 'evaluation',
    stale: false,
    samples: [],
    tables: ['aws_s3_buckets'],
    ...overrides
  }
}

export interface OutcomeOptions {
  trend?: PolicyOutcome['trend']
  warnings?: string[]
}

/** Policy results with the counts and the gate verdict they really add up to. */
export function policyOutcome(
  policies: PolicyResult[],
  options: OutcomeOptions = {}
): PolicyOutcome {
  const { counts: violations, unknown: unknownSeverityViolations } = addUpBySeverity(
    policies,
    (result) => result.violations ?? 0
  )
  return {
    mode: 'wait',
    freshAfter: '2026-11-27T10:05:17Z',
    groups: [],
    policies,
    violations,
    unknownSeverityViolations,
    trend: options.trend ?? [],
    warnings: options.warnings ?? [],
    evaluationWaitMs: 45_000
  }
}

export const TREND: PolicyOutcome['trend'] = [
  { date: '2026-11-21', violations: 12 },
  { date: '2026-11-22', violations: 15 },
  { date: '2026-11-23', violations: 15 },
  { date: '2026-11-24', violations: 20 },
  { date: '2026-11-25', violations: 31 },
  { date: '2026-11-26', violations: 27 },
  { date: '2026-11-27', violations: 18 }
]

/** Passes the default thresholds: only medium and low violations. */
export const passingPolicies = (): PolicyOutcome =>
  policyOutcome(
    [
      policy({ name: 'Unencrypted EBS volumes', severity: 'medium', violations: 4 }),
      policy({ name: 'Untagged resources', severity: 'low', domain: 'governance', violations: 9 }),
      policy({ name: 'Root account MFA', severity: 'critical', violations: 0 })
    ],
    { trend: TREND }
  )

/** Breaches the critical and high thresholds, with samples and one stale policy. */
export const failingPolicies = (): PolicyOutcome =>
  policyOutcome(
    [
      policy({
        name: 'Public S3 buckets',
        severity: 'critical',
        violations: 3,
        previousViolations: 1,
        samples: [
          {
            name: 'acme-public-assets',
            resource_type_label: 'S3 Bucket',
            _cq_account_name: 'prod',
            region: 'us-east-1'
          },
          {
            name: 'acme-logs',
            resource_type_label: 'S3 Bucket',
            account_id: '123456789012',
            region: 'eu-west-1'
          }
        ]
      }),
      policy({ name: 'Open security groups', severity: 'high', violations: 5 }),
      policy({
        name: 'Old access keys',
        severity: 'medium',
        violations: 2,
        stale: true,
        source: 'stale',
        evaluatedAt: '2026-11-26T08:00:00Z'
      }),
      policy({ name: 'Untagged resources', severity: 'low', domain: 'governance', violations: 7 })
    ],
    { trend: TREND }
  )

/** `count` violating policies of one severity, named `Policy 01`… and most violating first. */
export function manyPolicies(count: number, severity = 'high'): PolicyResult[] {
  return Array.from({ length: count }, (_, index) =>
    policy({
      name: `Policy ${String(index + 1).padStart(2, '0')}`,
      severity,
      violations: count - index
    })
  )
}

/** A report as main.ts assembles it: the verdict step's `decide` judges it unless told otherwise. */
export function runReport(
  overrides: Partial<Omit<RunReport, 'verdict'>> & {
    verdict?: Partial<Verdict>
    /** Judge per resource (a baseline, exceptions) as main.ts does when they are given. */
    resources?: ResourceSettings
    tableErrors?: TableErrorsMode
  } = {}
): RunReport {
  const { verdict, resources, tableErrors, ...rest } = overrides
  const report: Omit<RunReport, 'verdict'> = {
    schemaVersion: 1,
    actionVersion: '1.0.0',
    softFail: false,
    platformUrl: 'https://cloudquery.example.com/api',
    platformVersion: 'v1.42.0',
    startedAt: STARTED_AT,
    finishedAt: FINISHED_AT,
    syncNames: [SYNC_NAME],
    syncs: [],
    errors: [],
    cancelled: false,
    thresholds: DEFAULT_THRESHOLDS,
    gateOn: 'all',
    evaluationMode: 'auto',
    ...rest
  }
  const { thresholds, gateOn, cancelled, syncs, policies } = report
  const decided = decide({
    cancelled,
    errors: report.errors.filter((error) => error.stage !== 'report') as StageError[],
    syncs,
    policies,
    gate: thresholds && { thresholds, gateOn: gateOn ?? 'all', resources, tableErrors },
    softFail: report.softFail
  })
  return { ...report, verdict: { ...decided, ...verdict } }
}

/**
 * A gate over two syncs, `iam-prod`'s run failed: of the counted policies, one reads a table the
 * run synced with errors and a panic, one a table only the failed run listed (judged on earlier
 * data), one reads subqueries only (its tables cannot be told), and one is complete.
 */
export function coverageReport(tableErrors: TableErrorsMode = 'fail'): RunReport {
  const policies = policyOutcome([
    policy({ name: 'Public S3 buckets', severity: 'critical', tables: ['aws_s3_buckets'] }),
    policy({ name: 'IAM users without MFA', severity: 'high', tables: ['aws_iam_users'] }),
    policy({ name: 'Cross-account trust', severity: 'high', tables: [] }),
    policy({ name: 'EC2 without owner', severity: 'critical', tables: ['aws_ec2_instances'] }),
    policy({ name: 'Untagged resources', severity: 'low', violations: 4, tables: undefined })
  ])
  const syncs = [
    syncOutcome({
      tables: [
        { name: 'aws_s3_buckets', rows: 800, errors: 3, panics: 1 },
        { name: 'aws_ec2_instances', rows: 40_000, errors: 0, panics: 0 }
      ]
    }),
    syncOutcome({
      syncName: 'iam-prod',
      run: syncRun({ id: 'run-iam', sync_name: 'iam-prod', status: 'failed', ingested: false }),
      verdict: 'fail',
      reasons: ['Run run-iam of sync "iam-prod" failed with 2 errors.'],
      tables: [{ name: 'aws_iam_users', rows: 10, errors: 2, panics: 0 }]
    })
  ]
  return runReport({ syncs, syncNames: [SYNC_NAME, 'iam-prod'], policies, tableErrors })
}

/** "Today" of the per-resource fixtures: the day of STARTED_AT. */
export const TODAY = '2026-11-27'

export function resource(
  platformId: string,
  fields: Partial<ViolatingResource> = {}
): ViolatingResource {
  return {
    platformId,
    name: platformId.slice(platformId.lastIndexOf('_') + 1),
    accountId: '123456789012',
    accountName: 'production',
    region: 'us-east-1',
    tags: [],
    ...fields
  }
}

export function baselineFile(
  policies: Record<string, string[]>,
  createdAt = '2026-11-20T00:00:00Z',
  path = 'baseline.json'
): BaselineFile {
  return {
    path,
    createdAt,
    policies: new Map(Object.entries(policies).map(([id, ids]) => [id, new Set(ids)]))
  }
}

export function exceptionEntry(fields: Partial<ExceptionEntry>): ExceptionEntry {
  return {
    line: 3,
    resources: [],
    accounts: [],
    regions: [],
    tags: [],
    reason: 'Accepted',
    expires: '2026-12-31',
    problems: [],
    ...fields
  }
}

/** Per-resource settings as main.ts makes them, with TODAY and the default limits. */
export function resourceSettings(overrides: Partial<ResourceSettings> = {}): ResourceSettings {
  return { maxExceptionDays: 90, baselineMaxAgeDays: 30, today: TODAY, ...overrides }
}

/**
 * failingPolicies() judged per resource: of the 3 critical resources 2 are not in the baseline
 * (new), of the 5 high ones none; one critical resource of the baseline is gone (fixed).
 */
export function comparedPolicies(): { policies: PolicyOutcome; resources: ResourceSettings } {
  const policies = failingPolicies()
  const [critical, high] = policies.policies
  critical.resources = ['s3_a', 's3_b', 's3_c'].map((id) => resource(id))
  high.resources = [1, 2, 3, 4, 5].map((n) => resource(`sg_${n}`))
  const baseline = baselineFile({
    [critical.id]: ['s3_a', 's3_gone'],
    [high.id]: high.resources.map((r) => r.platformId!)
  })
  return { policies, resources: resourceSettings({ baseline }) }
}
