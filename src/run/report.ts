// From a snapshot of the run's state to the report every surface is rendered from (the verdict
// decided on it), and from the report to the step's result.

import type { ActionConfig, PolicyConfig, ProblemAt } from '../inputs/config.js'
import { ACTION_VERSION } from '../lib/version.js'
import { stageLabel, type ReportError, type RunReport } from '../report/model.js'
import type { SyncOutcome } from '../sync/outcome.js'
import { decide, type GateSettings } from '../verdict/decide.js'
import { failureMessage } from '../verdict/reasons.js'
import type { RunSnapshot } from './state.js'

/** What the step ends with: the process exits non-zero after a signal, whatever else. */
export interface StepResult {
  /** Each fails the step. */
  failures: string[]
  /** Said as warnings: a failed gate that soft-fail lets pass. */
  warnings: string[]
  /** Errors on a line of a file in the repository (an exceptions file's), annotated there. */
  onLines?: ProblemAt[]
  /** The workflow was cancelled: the signal's handler published the report. */
  cancelled: boolean
}

/** The report of the snapshot; `config` is absent when the inputs could not be read. */
export function buildReport(snapshot: RunSnapshot, config?: ActionConfig): RunReport {
  const { startedAt, takenAt, errors, cancelled, policies, policiesSkipped } = snapshot
  const syncs = snapshot.syncs.filter((sync): sync is SyncOutcome => sync !== undefined)
  const policyConfig = config?.policies && effectivePolicies(config.policies, snapshot)
  const gate = policyConfig && {
    ...gateSettings(policyConfig, takenAt),
    tableErrors: policyConfig.tableErrors
  }
  const softFail = config?.report.softFail ?? false
  return {
    schemaVersion: 1,
    actionVersion: ACTION_VERSION,
    verdict: decide({ cancelled, errors, syncs, policies, gate, softFail }),
    softFail: config?.report.softFail ?? false,
    platformUrl: config?.apiBaseUrl,
    platformVersion: snapshot.platformVersion,
    startedAt,
    finishedAt: takenAt,
    syncs,
    policies,
    policiesSkipped,
    syncNames: config ? syncNames(config) : [],
    externalSync: (config?.externalSyncs.length ?? 0) > 0,
    errors: [...errors],
    cancelled,
    thresholds: config?.policies?.thresholds,
    gateOn: config?.policies?.gateOn,
    evaluationMode: config?.policies?.evaluation,
    baselineSource: policyConfig?.baseline && {
      path: policyConfig.baseline.path,
      artifact: policyConfig.baseline.artifact
    }
  }
}

/** The policy settings the run judges with: the baseline the preflight found, if it found one. */
export function effectivePolicies(policies: PolicyConfig, snapshot: RunSnapshot): PolicyConfig {
  return snapshot.baseline ? { ...policies, baseline: snapshot.baseline } : policies
}

/** The syncs the workflow named: `sync-name`s, or the `external-sync` ids. */
export function syncNames(config: Pick<ActionConfig, 'syncs' | 'externalSyncs'>): string[] {
  if (config.externalSyncs.length > 0) return config.externalSyncs.map((external) => external.id)
  return config.syncs.map((sync) => sync.name)
}

/** The gate's settings; "today" for the exceptions is the day the snapshot was taken. */
function gateSettings(policies: PolicyConfig, takenAt: string): GateSettings {
  const { thresholds, gateOn, baseline, exceptions, scope } = policies
  if (!baseline && !exceptions && !scope) return { thresholds, gateOn }
  const { maxExceptionDays, baselineMaxAgeDays } = policies
  const today = takenAt.slice(0, 10)
  return {
    thresholds,
    gateOn,
    resources: { baseline, exceptions, scope, maxExceptionDays, baselineMaxAgeDays, today }
  }
}

/**
 * Whether the step fails, and with which message: the verdict's, unless soft-fail softened it
 * (breached thresholds alone; never a failed sync, stale data or a mistake in the workflow). A
 * report file that later steps cannot read fails the step whatever the verdict says; `clean` makes
 * a message safe to print.
 */
export function stepResult(
  report: RunReport,
  problems: readonly ReportError[],
  clean: (message: string) => string
): StepResult {
  const { verdict } = report
  const result: StepResult = { failures: [], warnings: [], cancelled: false }
  if (verdict.result === 'fail') {
    const message = clean(failureMessage(verdict.reasons))
    if (verdict.softened) {
      result.warnings.push(
        `The gate failed, but "soft-fail" is true, so the step passes: ${message}`
      )
    } else {
      result.failures.push(message)
    }
  }
  for (const problem of problems) {
    result.failures.push(
      clean(
        `${stageLabel(problem.stage)}: ${problem.message} (the gate's result: ${verdict.result}).`
      )
    )
  }
  return result
}
