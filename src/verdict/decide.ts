// The verdict: one pure step after the stages. It takes what each stage found (or the error that
// stopped it) and the workflow's thresholds, and says pass or fail with every reason, most
// fundamental first. Nothing else decides the result: publishing only renders it.

import type { GateOn, Thresholds } from '../inputs/config.js'
import { addUpBySeverity } from '../lib/severity.js'
import { plural } from '../lib/text.js'
import type { PolicyOutcome } from '../policies/outcome.js'
import type { SyncOutcome } from '../sync/outcome.js'
import { evaluateGate, type GateVerdict } from './gate.js'
import {
  judgeResources,
  type PolicyJudgement,
  type ResourceSettings,
  type ResourceVerdict
} from './resources.js'

export type StageName = 'inputs' | 'platform' | 'sync' | 'policies'

export interface StageError {
  stage: StageName
  /** Already redacted. */
  message: string
}

export interface VerdictInput {
  /** The workflow was cancelled (SIGINT/SIGTERM) before the action finished. */
  cancelled: boolean
  /** Stages that threw: a Platform that could not be talked to, or bad inputs. */
  errors: readonly StageError[]
  /** Every run followed (several for several `sync-name`s). */
  syncs: readonly SyncOutcome[]
  policies?: PolicyOutcome
  /** The gate's settings; present when the policy stage is configured. */
  gate?: GateSettings
}

export interface GateSettings {
  thresholds: Thresholds
  gateOn: GateOn
  /** With a baseline or an exceptions file: judge per resource. */
  resources?: ResourceSettings
}

export interface Verdict {
  result: 'pass' | 'fail'
  /** Why the result is `fail`, most fundamental first; empty on a pass. */
  reasons: string[]
  /** The gate over the policy counts; absent when the policy stage has no outcome. */
  gate?: GateVerdict
  /** Per resource: baseline comparison and exceptions; with a baseline or exceptions file only. */
  resources?: ResourceVerdict
}

export function decide(input: VerdictInput): Verdict {
  const { policies } = input
  const settings = input.gate?.resources
  const resources = policies && settings && judgeResources(policies.policies, settings)
  const gate = policies && input.gate ? judgeGate(policies, input.gate, resources) : undefined
  const reasons: string[] = []
  if (input.cancelled) reasons.push('The workflow was cancelled before the action finished.')
  for (const error of input.errors) reasons.push(`${stageLabel(error.stage)}: ${error.message}`)
  if (resources?.inputError) reasons.push(`${stageLabel('inputs')}: ${resources.inputError}`)
  for (const sync of input.syncs) {
    if (sync.verdict !== 'fail') continue
    // A stage that threw, or was cut short by the cancellation, is already explained.
    const explained =
      sync.reasons.length > 0 ||
      input.errors.some((error) => error.stage === 'sync') ||
      input.cancelled
    reasons.push(
      ...(explained
        ? sync.reasons
        : [
            input.syncs.length > 1
              ? `The sync stage failed for "${sync.syncName}".`
              : 'The sync stage failed.'
          ])
    )
  }
  if (gate?.verdict === 'fail') reasons.push(...gate.reasons)
  return { result: reasons.length > 0 ? 'fail' : 'pass', reasons, gate, resources }
}

/** Suppressed violations never count; `gate-on: new` counts the new ones not suppressed. */
function judgeGate(
  policies: PolicyOutcome,
  settings: GateSettings,
  resources: ResourceVerdict | undefined
): GateVerdict {
  const judged = (id: string): PolicyJudgement | undefined => resources?.policies[id]
  const current = addUpBySeverity(
    policies.policies,
    (p) => (p.violations ?? 0) - (judged(p.id)?.suppressed ?? 0)
  )
  const added = addUpBySeverity(policies.policies, (p) => judged(p.id)?.newCounted ?? 0)
  return evaluateGate({
    violations: current.counts,
    unknownSeverityViolations: current.unknown,
    newViolations: added.counts,
    newUnknownSeverityViolations: added.unknown,
    thresholds: settings.thresholds,
    gateOn: settings.gateOn,
    stalePolicies: policies.policies.filter((policy) => policy.stale).length
  })
}

export function stageLabel(stage: StageName | 'report'): string {
  switch (stage) {
    case 'inputs':
      return 'Inputs'
    case 'platform':
      return 'Platform'
    case 'sync':
      return 'Sync stage'
    case 'policies':
      return 'Policy stage'
    case 'report':
      return 'Report'
  }
}

/** One line for the step's failure: the annotations and the summary carry the details. */
export function failureMessage(reasons: readonly string[]): string {
  const [first, ...rest] = reasons
  const more = rest.length > 0 ? ` (and ${plural(rest.length, 'more reason')})` : ''
  // The reasons are sentences; the line adds its own full stop.
  const reason = (first ?? 'see the job summary').replace(/[.\s]+$/, '')
  return `CloudQuery Platform gate failed: ${reason}${more}. See the job summary for details.`
}
