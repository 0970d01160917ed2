// Named scenarios for the CLI, the demo, the screenshots and the end-to-end workflow, and the
// demo's set of policies that tests build on.

import type { PolicySpec, Scenario } from './scenario.js'

/** The demo's policies: a few of each severity, one paused, in the default groups. */
export const DEMO_POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    domain: 'security',
    groups: ['CIS AWS Foundations'],
    violationCount: 1,
    countAfterSync: 3
  },
  {
    name: 'IAM users without MFA',
    severity: 'high',
    domain: 'security',
    groups: ['CIS AWS Foundations'],
    violationCount: 4,
    countAfterSync: 2
  },
  {
    name: 'Unattached EBS volumes',
    severity: 'medium',
    domain: 'finops',
    groups: ['Cost hygiene'],
    violationCount: 12,
    countAfterSync: 12
  },
  {
    name: 'EC2 instances without owner tag',
    severity: 'low',
    domain: 'governance',
    groups: ['Operational excellence'],
    violationCount: 30,
    countAfterSync: 27
  },
  {
    name: 'RDS snapshots older than 90 days',
    severity: 'low',
    domain: 'operations',
    status: 'paused',
    violationCount: 8
  }
]

/** The CLI's `--invocation-id` in the `external-sync` preset, for the workflow to pass on. */
export const EXTERNAL_INVOCATION_ID = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'

/** Named scenarios for the CLI, the demo and the workflow. */
export const PRESETS: Record<string, Scenario> = {
  default: {},
  /** Slow enough to watch: logs stream for ten seconds, then two new critical violations appear. */
  demo: {
    run: { pendingMs: 500, startDelayMs: 1000, durationMs: 10_000, ingestionDelayMs: 1500 },
    evaluation: { delayAfterIngestMs: 1500 },
    policies: DEMO_POLICIES
  },
  clean: {
    policyGen: { violating: 0, totalViolations: 0 }
  },
  failed: {
    run: { finalStatus: 'failed', statusReason: 'error', errors: 17 }
  },
  'oom-killed': {
    run: { finalStatus: 'failed', statusReason: 'oom_killed' }
  },
  'partial-success': {
    run: { finalStatus: 'completed', statusReason: 'partial_success', errors: 42 }
  },
  'ingestion-failed': {
    run: { finalStatus: 'completed', statusReason: 'ingestion_failed' }
  },
  busy: {
    activeRun: { ageMs: 1000, durationMs: 4000 },
    whileActive: 'reject'
  },
  'stale-policies': {
    evaluation: { mode: 'never' }
  },
  flaky: {
    faults: [
      { match: { method: 'POST', path: '/syncs/{sync_name}/runs' }, kind: '503' },
      { match: { path: '/syncs/{sync_name}/runs/{sync_run_id}' }, kind: '429', count: 2 },
      { match: { path: '/syncs/{sync_name}/runs/{sync_run_id}/logs/live' }, kind: 'reset' },
      { match: { path: '/policies' }, kind: '502-html', after: 1 }
    ]
  },
  large: {
    policyGen: { count: 10_000, violating: 2_500, totalViolations: 200_000 }
  },
  /** Three syncs in one step: aws-dev is slower, gcp-prod fails. */
  'several-syncs': {
    syncs: ['aws-prod', 'aws-dev', 'gcp-prod'],
    run: { pendingMs: 500, startDelayMs: 1000, durationMs: 6_000, ingestionDelayMs: 1500 },
    syncRuns: {
      'aws-dev': { durationMs: 9_000, totalRows: 3_210 },
      'gcp-prod': { finalStatus: 'failed', statusReason: 'error', errors: 3 }
    },
    evaluation: { delayAfterIngestMs: 1500 },
    policies: DEMO_POLICIES
  },
  /**
   * A CLI run (`cloudquery sync --invocation-id 4c3ea5cd-…`) that appears a second after the start,
   * uploads for eight seconds, is finalizing for three, completes, and is then evaluated.
   */
  'external-sync': {
    externalSyncs: [
      {
        invocationId: EXTERNAL_INVOCATION_ID,
        appearAfterMs: 1000,
        startedMs: 8_000,
        finalizingMs: 3_000,
        tables: { aws_ec2_instances: 7_488, aws_s3_buckets: 3_744, aws_iam_roles: 1_248 }
      }
    ],
    evaluation: { delayAfterIngestMs: 1500 },
    policies: DEMO_POLICIES
  },
  hostile: {
    run: {
      statusSequence: [
        { status: 'created', ms: 100 },
        { status: 'queued_for_retry', ms: 300 },
        { status: 'started', ms: 1500 }
      ],
      extraFields: { sync_run_priority: 'low', workers: [] }
    }
  }
}

/** A preset by name, or a clear error listing the known ones. */
export function preset(name: string): Scenario {
  const found = PRESETS[name]
  if (!found) {
    throw new Error(`unknown scenario "${name}"; known: ${Object.keys(PRESETS).join(', ')}`)
  }
  return found
}
