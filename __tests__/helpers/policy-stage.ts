import type { PolicyConfig } from '../../src/inputs/config.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import type { PlatformClient } from '../../src/platform/client.js'
import type { PolicyOutcome } from '../../src/policies/outcome.js'
import { runPolicyStage, type PolicyStageContext } from '../../src/policies/stage.js'
import { decide } from '../../src/verdict/decide.js'
import type { Gate } from '../../src/verdict/gate.js'
import type { ResourceVerdict } from '../../src/verdict/resources.js'
import type { Clock } from '../../src/lib/poll.js'
import type { Simulator } from '../../simulator/server.js'
import { DEMO_POLICIES } from '../../simulator/presets.js'
import type { PolicySpec } from '../../simulator/scenario.js'
import { clockOf, redactKey } from './platform.js'

export const DAY = 86_400_000

const [encryption, mfa, volumes, ownerTag, snapshots] = DEMO_POLICIES
/** Five active policies (one per severity, one clean) and a paused one, in the default groups. */
export const POLICIES: PolicySpec[] = [
  encryption,
  mfa,
  volumes,
  { ...ownerTag, groups: ['Operational excellence', 'Cost hygiene'] },
  {
    name: 'Security groups open to 0.0.0.0/0 on port 22',
    severity: 'critical',
    domain: 'security',
    groups: ['CIS AWS Foundations'],
    violationCount: 0,
    countAfterSync: 0
  },
  snapshots
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
    tableErrors: 'fail',
    samples: 5,
    maxExceptionDays: 90,
    baselineMaxAgeDays: 30,
    recordBaseline: false,
    ...overrides
  }
}

/** The gate with its reasons as text, as the stage tests assert them. */
type JudgedGate = Gate & { reasons: string[] }

export async function runStage(
  client: PlatformClient,
  config: PolicyConfig,
  context: PolicyStageContext = {},
  clock: Clock = clockOf(client)
): Promise<PolicyOutcome & { gate: JudgedGate; resources?: ResourceVerdict; log: string[] }> {
  const log = createMemoryLogger()
  const outcome = await runPolicyStage(config, { client, clock, log, redact: redactKey }, context)
  // The stage's counts, judged by the verdict step as main.run() does.
  const { gate, resources, reasons } = decide({
    cancelled: false,
    errors: [],
    syncs: [],
    policies: outcome,
    gate: {
      thresholds: config.thresholds,
      gateOn: config.gateOn,
      resources:
        config.baseline || config.exceptions
          ? {
              baseline: config.baseline,
              exceptions: config.exceptions,
              maxExceptionDays: config.maxExceptionDays,
              baselineMaxAgeDays: config.baselineMaxAgeDays,
              today: new Date(clock.now()).toISOString().slice(0, 10)
            }
          : undefined
    }
  })
  // The gate's own reasons (the stage's outcome has no sync or stage error to add any other).
  const judged = { ...gate!, reasons: reasons.map((reason) => reason.text) }
  return { ...outcome, gate: judged, resources, log: log.lines }
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
