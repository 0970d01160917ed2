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

/**
 * The pull-request gate's story on a shared staging account, sync by sync (`countsAfterSyncs`):
 * the default branch's baseline run; a run the Platform's schedule starts before the pull
 * request's deploy (the same data); then the pull request's own run and its re-run, where pull
 * request 42 has added an unencrypted bucket to staging and, unrelated, an IAM user without MFA
 * has appeared in production overnight. An unattached staging volume is an accepted exception.
 */
const PR_GATE_POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    domain: 'security',
    violationCount: 1,
    countsAfterSyncs: [1, 1, 2],
    resources: [
      { name: 'acme-staging-logs', accountName: 'staging', region: 'eu-west-1' },
      { name: 'pr-42-uploads', accountName: 'staging', region: 'eu-west-1', tags: ['pr=42'] }
    ]
  },
  {
    name: 'IAM users without MFA',
    severity: 'high',
    domain: 'security',
    violationCount: 2,
    countsAfterSyncs: [2, 2, 3],
    resources: [
      { name: 'ci-deployer', accountName: 'staging', region: 'us-east-1' },
      { name: 'break-glass-admin', accountName: 'production', region: 'us-east-1' },
      { name: 'oncall-temp', accountName: 'production', region: 'us-east-1' }
    ]
  },
  {
    name: 'Unattached EBS volumes',
    severity: 'medium',
    domain: 'finops',
    violationCount: 2,
    countsAfterSyncs: [2],
    resources: [
      { name: 'vol-restore-drill', accountName: 'staging', region: 'eu-west-1' },
      { name: 'vol-scratch-builds', accountName: 'staging', region: 'eu-west-1' }
    ]
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
  /** `npm run demo -- --scenario pr-gate` (scripts/pr-gate-story.ts) and the README's pictures. */
  'pr-gate': {
    syncs: [{ name: 'aws-staging', displayName: 'AWS staging' }],
    run: {
      pendingMs: 300,
      startDelayMs: 700,
      durationMs: 3_000,
      ingestionDelayMs: 700,
      // The tables the gate's policies read, all written by the staging sync without errors.
      tables: [
        { name: 'aws_ec2_instances', serviceName: 'aws', resources: 5_200 },
        { name: 'aws_s3_buckets', serviceName: 'aws', resources: 2_480 },
        { name: 'aws_ec2_ebs_volumes', serviceName: 'aws', resources: 2_300 },
        { name: 'aws_iam_users', serviceName: 'aws', resources: 1_500 },
        { name: 'aws_iam_roles', serviceName: 'aws', resources: 1_000 }
      ]
    },
    evaluation: { delayAfterIngestMs: 700 },
    policies: PR_GATE_POLICIES
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
