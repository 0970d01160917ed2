// What one run of the action learned, in one object that every report (job summary, annotations,
// outputs, JSON file, PR comment) is rendered from, plus the facts they all derive from it. Keeping
// the derivations here means the summary, the outputs and the JSON report can never disagree.

import { SEVERITY_ORDER } from '../verdict/gate.js'
import type { GateOn, PolicyEvaluationMode, Thresholds } from '../inputs/parse.js'
import type { KnownSeverity } from '../platform/types.js'
import type { PolicyOutcome, PolicyResult } from '../policies/stage.js'
import type { SyncOutcome } from '../sync/stage.js'

export type ReportStage = 'inputs' | 'sync' | 'policies' | 'report'

export interface StageError {
  stage: ReportStage
  /** Already redacted. */
  message: string
}

export interface RunReport {
  schemaVersion: 1
  actionVersion: string
  result: 'pass' | 'fail'
  /** `soft-fail` was on: a failing result does not fail the step. */
  softFail: boolean
  /** The API base (`…/api`), never with the key; absent when the inputs could not be read. */
  platformUrl?: string
  startedAt: string
  /** Empty until the report is published. */
  finishedAt: string
  sync?: SyncOutcome
  policies?: PolicyOutcome
  /** Why the policy stage was configured but not run (e.g. the sync run failed). */
  policiesSkipped?: string
  syncName?: string
  errors: StageError[]
  /** The workflow was cancelled (SIGINT/SIGTERM) before the action finished. */
  cancelled: boolean
  /** Present when the policy stage is configured. */
  thresholds?: Thresholds
  gateOn?: GateOn
  evaluationMode?: PolicyEvaluationMode
}

/** What the runner tells the action about itself; passed in so that rendering stays pure. */
export interface ReportContext {
  /** `GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`, when known. */
  workflowRunUrl?: string
}

/** Why the result is `fail`, most fundamental first; empty when it passes. */
export function failureReasons(report: RunReport): string[] {
  const reasons: string[] = []
  if (report.cancelled) {
    reasons.push('The workflow was cancelled before the action finished.')
  }
  for (const error of report.errors) reasons.push(`${stageLabel(error.stage)}: ${error.message}`)
  const { sync, policies } = report
  if (sync?.verdict === 'fail') {
    // A stage that threw, or was cut short by the cancellation, is already explained.
    const explained = sync.reasons.length > 0 || hasError(report, 'sync') || report.cancelled
    reasons.push(...(explained ? sync.reasons : ['The sync stage failed.']))
  }
  if (policies?.gate.verdict === 'fail') {
    reasons.push(
      ...(policies.gate.reasons.length > 0 ? policies.gate.reasons : ['The gate failed.'])
    )
  }
  return reasons
}

export function buildResult(report: RunReport): 'pass' | 'fail' {
  return failureReasons(report).length > 0 ? 'fail' : 'pass'
}

export function hasError(report: RunReport, stage: ReportStage): boolean {
  return report.errors.some((error) => error.stage === stage)
}

export function stageLabel(stage: ReportStage): string {
  switch (stage) {
    case 'inputs':
      return 'Inputs'
    case 'sync':
      return 'Sync stage'
    case 'policies':
      return 'Policy stage'
    case 'report':
      return 'Report'
  }
}

/** Rank for sorting: known severities most severe first, then any severity the action does not know. */
export function severityRank(severity: string): number {
  const index = SEVERITY_ORDER.indexOf(severity as KnownSeverity)
  return index === -1 ? SEVERITY_ORDER.length : index
}

export function isKnownSeverity(severity: string): severity is KnownSeverity {
  return severityRank(severity) < SEVERITY_ORDER.length
}

/** Policies with at least one current violation, most severe and most violating first. */
export function violatingPolicies(outcome: PolicyOutcome): PolicyResult[] {
  return outcome.policies
    .filter((policy) => (policy.violations ?? 0) > 0)
    .sort(
      (a, b) =>
        severityRank(a.severity) - severityRank(b.severity) ||
        (b.violations ?? 0) - (a.violations ?? 0) ||
        a.name.localeCompare(b.name)
    )
}

export function stalePolicies(outcome: PolicyOutcome): PolicyResult[] {
  return outcome.policies.filter((policy) => policy.stale)
}

export interface ViolationTotals {
  violations: number
  newViolations: number
}

/** Totals over every selected policy, those of unknown severity included. */
export function violationTotals(outcome: PolicyOutcome): ViolationTotals {
  const add = (counts: Record<KnownSeverity, number>): number =>
    SEVERITY_ORDER.reduce((total, severity) => total + counts[severity], 0)
  return {
    violations: add(outcome.violations) + outcome.unknownSeverityViolations,
    newViolations: add(outcome.newViolations) + outcome.newUnknownSeverityViolations
  }
}
