// The verdict: one pure step after the stages. It takes what each stage found (or the error that
// stopped it) and the workflow's thresholds, and says pass or fail with every reason, most
// fundamental first. Nothing else decides the result: publishing only renders it.

import type { GateOn, TableErrorsMode, Thresholds } from '../inputs/config.js'
import { stageLabel, type StageName } from '../lib/stages.js'
import type { PolicyOutcome, PolicyResult } from '../policies/outcome.js'
import type { SyncOutcome } from '../sync/outcome.js'
import { crossCheck } from './coverage.js'
import { namesPolicy } from './exceptions.js'
import { policyFigures, type FigureSettings, type PolicyFigures } from './figures.js'
import { evaluateGate, type Gate } from './gate.js'
import { isSoftened, reason, type Reason, type ReasonKind } from './reasons.js'
import { judgeResources, type ResourceSettings, type ResourceVerdict } from './resources.js'

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
  /** `soft-fail`: breached thresholds alone do not fail the step. */
  softFail?: boolean
}

export interface GateSettings {
  thresholds: Thresholds
  gateOn: GateOn
  /** With a baseline or an exceptions file: judge per resource. */
  resources?: ResourceSettings
  /** `table-errors`; `fail` when absent. */
  tableErrors?: TableErrorsMode
}

export interface Verdict {
  result: 'pass' | 'fail'
  /** Why the result is `fail`, most fundamental first; empty on a pass. */
  reasons: Reason[]
  /** `fail`, but the step passes: `soft-fail` is on and every reason is a breached threshold. */
  softened: boolean
  /** The gate with every figure it judged; absent when the policy stage has no outcome. */
  gate?: Gate
  /** Per resource: baseline comparison and exceptions; with a baseline or exceptions file only. */
  resources?: ResourceVerdict
}

const STAGE_REASON: Record<StageName, ReasonKind> = {
  inputs: 'input',
  platform: 'platform',
  sync: 'sync',
  policies: 'policies'
}

export function decide(input: VerdictInput): Verdict {
  const { policies } = input
  const settings = input.gate?.resources
  const resources = policies && settings && judgeResources(policies.policies, settings)
  const judged = policies && input.gate && judgeGate(policies, input.gate, resources, input.syncs)
  const reasons: Reason[] = []
  if (input.cancelled) {
    reasons.push(reason('cancelled', 'The workflow was cancelled before the action finished.'))
  }
  for (const error of input.errors) {
    reasons.push(reason(STAGE_REASON[error.stage], `${stageLabel(error.stage)}: ${error.message}`))
  }
  if (resources?.inputError) {
    reasons.push(reason('input', `${stageLabel('inputs')}: ${resources.inputError}`))
  }
  reasons.push(...syncReasons(input))
  if (judged) reasons.push(...judged.reasons)
  return {
    result: reasons.length > 0 ? 'fail' : 'pass',
    reasons,
    softened: isSoftened(reasons, input.softFail ?? false),
    gate: judged?.gate,
    resources
  }
}

function syncReasons(input: VerdictInput): Reason[] {
  const reasons: Reason[] = []
  for (const sync of input.syncs) {
    if (sync.verdict !== 'fail') continue
    // A stage that threw, or was cut short by the cancellation, is already explained.
    const explained =
      sync.reasons.length > 0 ||
      input.errors.some((error) => error.stage === 'sync') ||
      input.cancelled
    const texts = explained
      ? sync.reasons
      : [
          input.syncs.length > 1
            ? `The sync stage failed for "${sync.syncName}".`
            : 'The sync stage failed.'
        ]
    reasons.push(...texts.map((text) => reason('sync', text)))
  }
  return reasons
}

/** Every policy's figures, then the gate over them, then what the counted policies' data covers. */
function judgeGate(
  outcome: PolicyOutcome,
  settings: GateSettings,
  resources: ResourceVerdict | undefined,
  syncs: readonly SyncOutcome[]
): { gate: Gate; reasons: Reason[] } {
  const entries = settings.resources?.exceptions?.entries ?? []
  const baseline = settings.resources?.baseline
  const figureSettings: FigureSettings = {
    gateOn: settings.gateOn,
    thresholds: settings.thresholds,
    compared: baseline !== undefined,
    scoped: settings.resources?.scope !== undefined,
    namedByException: (policy: PolicyResult) => entries.some((entry) => namesPolicy(entry, policy)),
    inBaseline: (policyId) => baseline?.policies.get(policyId)?.size ?? 0
  }
  const figures: Record<string, PolicyFigures> = {}
  for (const policy of outcome.policies) {
    figures[policy.id] = policyFigures(policy, resources?.policies[policy.id], figureSettings)
  }
  const judged = evaluateGate({
    policies: outcome.policies,
    figures,
    thresholds: settings.thresholds,
    gateOn: settings.gateOn
  })
  const covered = crossCheck({
    syncs,
    policies: outcome.policies,
    counted: (policy) => figures[policy.id].judged,
    tableErrors: settings.tableErrors ?? 'fail'
  })
  const reasons = [...judged.reasons, ...covered.reasons]
  const verdict = reasons.length > 0 ? 'fail' : 'pass'
  return { gate: { ...judged.gate, verdict, coverage: covered.coverage }, reasons }
}

export type { StageName }
