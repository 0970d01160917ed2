import type { PolicyConfig } from '../../src/inputs.js'
import { createMemoryLogger } from '../../src/logger.js'
import type { PlatformClient } from '../../src/platform.js'
import { runPolicyStage, type PolicyOutcome, type PolicyStageContext } from '../../src/policies.js'
import type { Clock } from '../../src/poll.js'
import type { Simulator } from '../../simulator/server.js'
import type { PolicySpec } from '../../simulator/scenario.js'
import { FakeClock } from './fake-clock.js'

export const DAY = 86_400_000

/** Five active policies (one per severity, one clean) and a paused one, in the default groups. */
export const POLICIES: PolicySpec[] = [
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
    groups: ['Operational excellence', 'Cost hygiene'],
    violationCount: 30,
    countAfterSync: 27
  },
  {
    name: 'Security groups open to 0.0.0.0/0 on port 22',
    severity: 'critical',
    domain: 'security',
    groups: ['CIS AWS Foundations'],
    violationCount: 0,
    countAfterSync: 0
  },
  {
    name: 'RDS snapshots older than 90 days',
    severity: 'low',
    domain: 'operations',
    status: 'paused',
    violationCount: 8
  }
]

export function policyConfig(overrides: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    groups: [],
    policies: [],
    severities: [],
    domains: [],
    thresholds: { critical: 0, high: 0, medium: undefined, low: undefined, total: undefined },
    gateOn: 'all',
    evaluation: 'auto',
    evaluationTimeoutMs: 600_000,
    samples: 5,
    ...overrides
  }
}

export async function runStage(
  client: PlatformClient,
  config: PolicyConfig,
  context: PolicyStageContext = {},
  clock: Clock = new FakeClock(Date.now())
): Promise<PolicyOutcome & { log: string[] }> {
  const log = createMemoryLogger()
  const outcome = await runPolicyStage(config, { client, clock, log }, context)
  return { ...outcome, log: log.lines }
}

/** The completion time of the scenario's `activeRun`, as the sync stage would pass it on. */
export function activeRunCompletedAt(sim: Simulator): string {
  const run = sim.runs.find((r) => r.origin === 'active')
  if (!run) throw new Error('the scenario has no activeRun')
  return new Date(run.terminalAt).toISOString()
}

export function byName(outcome: PolicyOutcome): Record<string, PolicyOutcome['policies'][number]> {
  return Object.fromEntries(outcome.policies.map((p) => [p.name, p]))
}
