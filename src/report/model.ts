// What one run of the action learned, and the verdict on it, in one object that every report (job
// summary, annotations, outputs, JSON file, PR comment) is rendered from, plus the views they all
// derive from it. Keeping the views here means the reports can never disagree.

import type { GateOn, PolicyEvaluationMode, Thresholds } from '../inputs/config.js'
import { byImportance, totalViolations } from '../lib/severity.js'
import type { PolicyOutcome, PolicyResult } from '../policies/outcome.js'
import type { SyncOutcome } from '../sync/outcome.js'
import type { StageName, Verdict } from '../verdict/decide.js'
import type { PolicyJudgement } from '../verdict/resources.js'

export { stageLabel } from '../verdict/decide.js'

/** A stage's error, or (`report`) a part of the report that could not be published. */
export interface ReportError {
  stage: StageName | 'report'
  /** Already redacted. */
  message: string
}

export interface RunReport {
  schemaVersion: 1
  actionVersion: string
  /** Decided by the verdict step; publishing never changes it. */
  verdict: Verdict
  /** `soft-fail` was on: a failing result does not fail the step. */
  softFail: boolean
  /** The API base (`…/api`), never with the key; absent when the inputs could not be read. */
  platformUrl?: string
  /** What `GET /platform-info` said the Platform's version is; absent before the preflight. */
  platformVersion?: string
  startedAt: string
  /** When the report was made (the end of the run, or the moment a signal arrived). */
  finishedAt: string
  /** Every run followed, in the order of `sync-name` (or the one external sync). */
  syncs: SyncOutcome[]
  policies?: PolicyOutcome
  /** Why the policy stage was configured but not run (e.g. the sync run failed). */
  policiesSkipped?: string
  /** The syncs the workflow named (`sync-name`, or `external-sync`), known even when no run was. */
  syncNames: string[]
  errors: ReportError[]
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

export function hasError(report: RunReport, stage: ReportError['stage']): boolean {
  return report.errors.some((error) => error.stage === stage)
}

/** Policies with at least one current violation, most severe and most violating first. */
export function violatingPolicies(outcome: PolicyOutcome): PolicyResult[] {
  return outcome.policies.filter((policy) => (policy.violations ?? 0) > 0).sort(byImportance)
}

export function stalePolicies(outcome: PolicyOutcome): PolicyResult[] {
  return outcome.policies.filter((policy) => policy.stale)
}

export interface ViolationTotals {
  violations: number
  /** New and not suppressed, against the baseline file; undefined without one. */
  newViolations?: number
  /** Suppressed by exceptions; undefined without an exceptions file. */
  suppressed?: number
}

/** Totals over every selected policy, those of unknown severity included. */
/** Current violations over every selected policy, those of unknown severity included. */
export function currentViolations(outcome: PolicyOutcome): number {
  return totalViolations(outcome.violations, outcome.unknownSeverityViolations)
}

export function violationTotals(outcome: PolicyOutcome, verdict: Verdict): ViolationTotals {
  const resources = verdict.resources
  return {
    violations: currentViolations(outcome),
    newViolations: resources?.baseline
      ? verdict.gate?.rows.find((row) => row.severity === 'total')?.newViolations
      : undefined,
    suppressed: resources?.exceptionsFile !== undefined ? resources.suppressed : undefined
  }
}

/**
 * The report without the policies' resource lists (up to hundreds of thousands): what every
 * renderer but the baseline needs, and copies whole to redact it.
 */
export function withoutResources(report: RunReport): RunReport {
  if (!report.policies) return report
  const policies = report.policies.policies.map(({ resources: _resources, ...policy }) => policy)
  return { ...report, policies: { ...report.policies, policies } }
}

/** How the policy's resources were judged (baseline, exceptions); undefined: not read. */
export function judgementOf(report: RunReport, policy: PolicyResult): PolicyJudgement | undefined {
  return report.verdict.resources?.policies[policy.id]
}
