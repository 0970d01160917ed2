// The run the fault, live-log, proxy and TLS bundle tests share (with the inputs of
// `actionInputs` in ./bundle.ts: the runner's defaults plus a 2 s poll interval): a short sync run
// followed by a policy gate that passes with violations below the thresholds, so that every
// policy-stage request is made (the listing, baselines, samples and the trend).

import type { Scenario } from '../../simulator/scenario.js'

export const GATE_SCENARIO: Scenario = {
  // Long enough for the live log stream to open (on the second status check) before it ends.
  run: { durationMs: 2500 },
  // Policies are re-evaluated the instant the run's data is ingested, so the first listing after
  // the sync stage already sees fresh results and the request count does not depend on timing.
  evaluation: { delayAfterIngestMs: 0 },
  policies: [
    {
      name: 'Root account has access keys',
      severity: 'critical',
      domain: 'security',
      violationCount: 0,
      countAfterSync: 0
    },
    {
      name: 'Public S3 buckets',
      severity: 'high',
      domain: 'security',
      violationCount: 0,
      countAfterSync: 0
    },
    {
      name: 'Unattached EBS volumes',
      severity: 'medium',
      domain: 'finops',
      violationCount: 12,
      countAfterSync: 14
    },
    {
      name: 'EC2 instances without owner tag',
      severity: 'low',
      domain: 'governance',
      violationCount: 30,
      countAfterSync: 27
    },
    {
      name: 'RDS snapshots older than 90 days',
      severity: 'low',
      domain: 'operations',
      violationCount: 3,
      countAfterSync: 3
    }
  ]
}

/** Outputs that differ between two equivalent runs: ids, durations and temp paths. */
const VOLATILE_OUTPUTS = ['sync-run-id', 'sync-duration-seconds', 'report-file']

export function comparableOutputs(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs).filter(([name]) => !VOLATILE_OUTPUTS.includes(name))
  )
}

/** What a reader of the log sees, without the request trace (`::debug::→ GET …`). */
export function visibleLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::debug::'))
    .join('\n')
}
