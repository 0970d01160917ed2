// What one run of the action learned, and the verdict on it, in one object that every report (job
// summary, annotations, outputs, JSON file, PR comment) is rendered from, plus the views they all
// derive from it. Keeping the views here means the reports can never disagree.

import type { BaselineFile, GateOn, PolicyEvaluationMode, Thresholds } from '../inputs/config.js'
import { byImportance } from '../lib/severity.js'
import { isCount } from '../lib/text.js'
import type { PolicyOutcome, PolicyResult } from '../policies/outcome.js'
import type { RunView, SyncOutcome } from '../sync/outcome.js'
import type { StageName, Verdict } from '../verdict/decide.js'
import type { GateRow, PolicyFigures, RowKey } from '../verdict/figures.js'
import type { Gate } from '../verdict/gate.js'
import type { PolicyJudgement } from '../verdict/resources.js'

export { stageLabel } from '../lib/stages.js'

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
  /**
   * The workflow gated a CLI-run sync (`external-sync`, its id in `syncNames`): its id changes with
   * every run, so it does not name the PR comment.
   */
  externalSync?: boolean
  errors: ReportError[]
  /** The workflow was cancelled (SIGINT/SIGTERM) before the action finished. */
  cancelled: boolean
  /** Present when the policy stage is configured. */
  thresholds?: Thresholds
  gateOn?: GateOn
  evaluationMode?: PolicyEvaluationMode
  /** The baseline judged against (a file, or the artifact found); absent without one. */
  baselineSource?: Pick<BaselineFile, 'path' | 'artifact'>
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

/**
 * Why the policy gate, though configured, has no outcome; undefined when it has one or was not
 * configured (no thresholds: the policy stage is off, or the inputs could not be read at all).
 */
export function notEvaluatedReason(report: RunReport): string | undefined {
  if (report.thresholds === undefined || report.policies) return undefined
  if (report.policiesSkipped) return report.policiesSkipped
  if (report.cancelled) return 'the workflow was cancelled first'
  return hasError(report, 'policies')
    ? 'the policy stage failed (see the errors below)'
    : 'an earlier stage did not finish'
}

/** The gate's row for a severity, the other severities or the total. */
export function gateRow(gate: Gate, key: RowKey): GateRow | undefined {
  return gate.rows.find((row) => row.key === key)
}

/** The gate's total row: every selected policy, those of unknown severity included. */
export function totalRow(gate: Gate): GateRow {
  return gate.rows[gate.rows.length - 1]
}

/** Every figure the gate judged of a policy; undefined without a gate. */
export function figuresOf(report: RunReport, policy: PolicyResult): PolicyFigures | undefined {
  return report.verdict.gate?.policies[policy.id]
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

// --- Sync runs --------------------------------------------------------------------------------

/**
 * The run's status in the words of the JSON report and the outputs, which a CLI run shares with a
 * managed one: ended with its data being ingested is `completed` (with `ingested: false`), as a
 * managed run says it; the job summary and the PR comment show a CLI run's own `finalizing`.
 */
export function reportedStatus(view: RunView): string {
  return view.phase === 'ingesting' ? 'completed' : view.status
}

/** The run has ended (its data may still be being ingested). */
export function hasEnded(view: RunView): boolean {
  return view.phase === 'ended' || view.phase === 'ingesting'
}

/**
 * How bad a run's status is, worst first, so that one status can stand for several runs: failed,
 * cancelled, a status this action does not know, timed out or still active, then completed with
 * `ingestion_failed`, with `partial_success`, and cleanly. A sync without a run ranks last: there
 * is no status of it to show.
 */
function statusRank({ view, timedOut }: SyncOutcome): number {
  if (!view) return 7
  const status = reportedStatus(view)
  if (status === 'failed') return 0
  if (status === 'cancelled') return 1
  if (status === 'completed' && !timedOut) {
    const reason = view.statusReason
    return reason === 'ingestion_failed' ? 4 : reason === 'partial_success' ? 5 : 6
  }
  return view.phase === 'active' || timedOut ? 3 : 2
}

/** The run whose status is worst (the first of them on a tie); undefined when no run is known. */
export function worstRun(syncs: readonly SyncOutcome[]): SyncOutcome | undefined {
  let worst: SyncOutcome | undefined
  for (const sync of syncs) {
    if (sync.view && (!worst || statusRank(sync) < statusRank(worst))) worst = sync
  }
  return worst
}

/** Figures over every run; each undefined when any run's is unknown, so no total undercounts. */
export interface SyncTotals {
  rows?: number
  errors?: number
  warnings?: number
  /** The longest run's duration, not a sum: the runs go at the same time. */
  longestSeconds?: number
}

export function syncTotals(syncs: readonly SyncOutcome[]): SyncTotals {
  const all = (value: (sync: SyncOutcome) => unknown): number[] | undefined => {
    const values = syncs.map(value)
    return syncs.length > 0 && values.every(isCount) ? values : undefined
  }
  const sum = (values: number[] | undefined): number | undefined =>
    values?.reduce((total, value) => total + value, 0)
  const durations = all((sync) => sync.durationSeconds)
  return {
    rows: sum(all((sync) => sync.view?.rows)),
    errors: sum(all((sync) => sync.view?.errors)),
    warnings: sum(all((sync) => sync.view?.warnings)),
    longestSeconds: durations && Math.max(...durations)
  }
}
