// Error, warning and notice annotations. GitHub shows at most 10 of each level per step and drops
// the rest silently, so every candidate carries a rank, the most important are kept, and whatever
// does not fit is merged into one last annotation instead of vanishing.

import { severityRank } from '../lib/severity.js'
import { plural, quoteList } from '../lib/text.js'
import type { Gate } from '../verdict/gate.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import type { PolicyOutcome, PolicyResult } from '../policies/outcome.js'
import type { SyncOutcome } from '../sync/outcome.js'
import { formatTimestamp } from './render/format.js'
import { stageLabel, stalePolicies, violatingPolicies, type RunReport } from './model.js'
import { redacted } from './render/redact.js'
import { countedInWords, entryNote } from './render/wording.js'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface Annotation {
  level: AnnotationLevel
  title: string
  message: string
  /** On a line of a file in the repository (an exceptions file's entry), shown in the PR's diff. */
  file?: string
  startLine?: number
}

/** What GitHub shows of each level per step. */
export const ANNOTATION_LIMIT = 10
const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice']
const TITLE_LENGTH = 200
const MESSAGE_LENGTH = 1000
const NAMES_LISTED = 5

/** Lower ranks are shown first and never merged away while a higher rank is shown. */
const RANK = {
  stageError: 0,
  syncFailure: 1,
  threshold: 2, // + the severity's rank, so critical comes first and the total last
  stale: 8,
  coverage: 8,
  policy: 10, // + the severity's rank
  reportError: 20,
  cancelled: 0,
  syncWarning: 1,
  withinThresholds: 2,
  policyWarning: 3,
  exceptionWarning: 4,
  exceptionError: 9,
  notAwaited: 0
} as const

interface Candidate extends Annotation {
  rank: number
  /** How it is named when merged with others. */
  brief: string
}

/** `limits`: fewer than 10 of a level, to leave room for annotations written elsewhere. */
export function planAnnotations(
  report: RunReport,
  redact: Redactor,
  limits: Partial<Record<AnnotationLevel, number>> = {}
): Annotation[] {
  return redacted(report, redact, (safe) => {
    const candidates = [
      ...runCandidates(safe),
      ...policyCandidates(safe),
      ...resourceCandidates(safe)
    ]
    return LEVELS.flatMap((level) =>
      fit(
        candidates.filter((candidate) => candidate.level === level),
        level,
        limits[level] ?? ANNOTATION_LIMIT
      )
    )
  })
}

function candidate(
  level: AnnotationLevel,
  rank: number,
  title: string,
  message: string,
  brief = title,
  at?: { file: string; startLine: number }
): Candidate {
  return {
    level,
    rank,
    title: oneLine(title, TITLE_LENGTH),
    message: oneLine(message, MESSAGE_LENGTH),
    brief: oneLine(brief, TITLE_LENGTH),
    ...at
  }
}

/**
 * The baseline's warnings and the exceptions file's entries that need attention, each on its line
 * of the file: invalid or too long (errors), expired, unused or expiring soon (warnings).
 */
function resourceCandidates(report: RunReport): Candidate[] {
  const resources = report.verdict.resources
  if (!resources) return []
  const found = resources.warnings.map((warning) =>
    candidate('warning', RANK.policyWarning, 'Baseline', warning)
  )
  if (resources.inputError) {
    found.push(candidate('error', RANK.stageError, 'Inputs error', resources.inputError))
  }
  const file = resources.exceptionsFile ?? ''
  for (const status of resources.exceptions) {
    const { state, matched, expiringSoon, entry } = status
    if (state === 'active' && matched > 0 && !expiringSoon) continue
    const error = state === 'invalid' || state === 'too-long' || state === 'ambiguous'
    const title =
      state === 'active'
        ? matched === 0
          ? 'Unused exception'
          : 'Exception expires soon'
        : `Exception ${state === 'too-long' ? 'too long' : state}: suppresses nothing`
    found.push(
      candidate(
        error ? 'error' : 'warning',
        error ? RANK.exceptionError : RANK.exceptionWarning,
        title,
        entryNote(status),
        `${title} (${file}:${entry.line})`,
        { file, startLine: entry.line }
      )
    )
  }
  return found
}

function runCandidates(report: RunReport): Candidate[] {
  const found: Candidate[] = report.errors.map((error) =>
    candidate(
      'error',
      error.stage === 'report' ? RANK.reportError : RANK.stageError,
      `${stageLabel(error.stage)} error`,
      error.message
    )
  )
  if (report.cancelled) {
    found.push(
      candidate(
        'warning',
        RANK.cancelled,
        'Workflow cancelled',
        'The workflow was cancelled before the action finished; the job summary and the JSON report hold what was known at that moment.'
      )
    )
  }
  const several = report.syncs.length > 1
  for (const sync of report.syncs) found.push(...syncCandidates(report, sync, several))
  return found
}

/**
 * An error for each reason a sync failed (among several, one a sync, its reasons together), its
 * warnings, and a notice when it was not awaited. With several syncs each title names its sync,
 * so the one failing among them is found.
 */
function syncCandidates(report: RunReport, sync: SyncOutcome, several: boolean): Candidate[] {
  const what = sync.kind === 'external' ? 'CLI sync' : 'Sync'
  const title = (outcome: string): string =>
    several ? `${what} "${sync.syncName}" ${outcome}` : `Sync run ${outcome}`
  const found: Candidate[] = []
  if (sync.verdict === 'fail' && sync.reasons.length > 0) {
    const outcome = sync.timedOut ? 'timed out' : 'failed'
    // Among several, one error a sync keeps the annotations' cap for the others.
    const messages = several ? [sync.reasons.join(' ')] : sync.reasons
    for (const message of messages)
      found.push(candidate('error', RANK.syncFailure, title(outcome), message))
  }
  for (const warning of sync.warnings) {
    found.push(candidate('warning', RANK.syncWarning, title('warning'), warning))
  }
  if (sync.view && !sync.waited && !report.cancelled) {
    found.push(
      candidate(
        'notice',
        RANK.notAwaited,
        title('not awaited'),
        `Run ${sync.view.id} of sync "${sync.syncName}" was left running (wait: false); its status was "${sync.view.status}".`
      )
    )
  }
  return found
}

function policyCandidates(report: RunReport): Candidate[] {
  const outcome = report.policies
  const gate = report.verdict.gate
  if (!outcome || !gate) return []
  const countNew = gate.gateOn === 'new'
  const counted = (policy: PolicyResult): number => gate.policies[policy.id]?.counted ?? 0
  const breachedRows = gate.rows.filter((row) => row.status === 'breached')
  const breached = new Set<string>(breachedRows.map((row) => row.key))
  const violating = violatingPolicies(outcome)
  const isBreaching = (policy: PolicyResult): boolean =>
    counted(policy) > 0 && (breached.has('total') || breached.has(policy.severity))
  const breaching = violating.filter(isBreaching)

  const found = breachedRows.map((row) => {
    const total = row.key === 'total'
    const contributors = breaching.filter((policy) => total || policy.severity === row.key)
    const what = countedInWords(row, countNew)
    const limit = `at most ${row.allowed} allowed (${total ? 'max-violations' : `max-${row.key}-violations`})`
    const kind = `${countNew ? 'new ' : ''}${total ? 'violations in all' : `${row.key} violations`}`
    return candidate(
      'error',
      RANK.threshold + severityRank(row.key),
      `Too many ${kind}`,
      `${what}${total ? ' in all' : ''}; ${limit}. ${namesWithCounts(contributors, counted)}`,
      `${what} (at most ${row.allowed})`
    )
  })
  found.push(...staleCandidates(outcome, gate), ...coverageCandidates(outcome, gate))
  for (const policy of breaching) {
    const newPart = countNew ? ` (${counted(policy)} new)` : ''
    const when = formatTimestamp(policy.evaluatedAt) ?? 'an unknown time'
    found.push(
      candidate(
        'error',
        RANK.policy + severityRank(policy.severity),
        `Policy violated: ${policy.name}`,
        `${policy.severity} ${policy.domain} policy with ${plural(policy.violations ?? 0, 'violation')}${newPart}${policy.stale ? ' (stale result)' : ''}; evaluated at ${when}.`,
        `${policy.name} (${policy.severity}, ${counted(policy)})`
      )
    )
  }

  const within = violating.filter((policy) => !isBreaching(policy))
  if (within.length > 0) {
    const sum = within.reduce((total, policy) => total + (policy.violations ?? 0), 0)
    found.push(
      candidate(
        'warning',
        RANK.withinThresholds,
        'Violations within the thresholds',
        `${plural(sum, 'violation')} in ${plural(within.length, 'policy', 'policies')} did not fail the gate (${bySeverity(within)}). ${namesWithCounts(within, (policy) => policy.violations ?? 0)}`
      )
    )
  }
  for (const warning of outcome.warnings) {
    found.push(candidate('warning', RANK.policyWarning, 'Policy stage warning', warning))
  }
  return found
}

function staleCandidates(outcome: PolicyOutcome, gate: Gate): Candidate[] {
  const stale = stalePolicies(outcome)
  if (stale.length === 0) return []
  // The gate cannot vouch for a stale result, so when it failed, staleness is one of the reasons.
  const level = gate.verdict === 'fail' ? 'error' : 'warning'
  return [
    candidate(
      level,
      level === 'error' ? RANK.stale : RANK.policyWarning,
      'Stale policy results',
      `${plural(stale.length, 'policy was', 'policies were')} not evaluated after the sync run and may be out of date: ${quoteList(
        stale.map((policy) => policy.name),
        NAMES_LISTED,
        100
      )}.`
    )
  ]
}

/**
 * One for each counted policy over a table the run synced with errors or panics: an error when
 * that fails the gate (`table-errors: fail`), a warning when the workflow chose `warn`.
 */
function coverageCandidates(outcome: PolicyOutcome, gate: Gate): Candidate[] {
  const coverage = gate.coverage
  if (!coverage) return []
  return outcome.policies.flatMap((policy) => {
    const covered = coverage.policies[policy.id]
    if (covered?.status !== 'table-errors') return []
    const count =
      policy.violations === undefined ? 'an unknown count' : plural(policy.violations, 'violation')
    const effect = covered.fails
      ? 'the gate cannot vouch for it (table-errors: fail)'
      : 'shown, not failed (table-errors: warn)'
    return [
      candidate(
        covered.fails ? 'error' : 'warning',
        covered.fails ? RANK.coverage : RANK.policyWarning,
        `Policy judged on incomplete data: ${policy.name}`,
        `${policy.severity} policy with ${count}, reading tables this run synced with errors or panics (${covered.damage ?? ''}): its result may miss data; ${effect}.`,
        `${policy.name} (${covered.damage ?? ''})`
      )
    ]
  })
}

/** `critical 3, low 2`: violations per severity, most severe first. */
function bySeverity(policies: readonly PolicyResult[]): string {
  const totals = new Map<string, number>()
  for (const policy of policies) {
    totals.set(policy.severity, (totals.get(policy.severity) ?? 0) + (policy.violations ?? 0))
  }
  return [...totals]
    .sort(([a], [b]) => severityRank(a) - severityRank(b))
    .map(([severity, count]) => `${severity} ${count}`)
    .join(', ')
}

function namesWithCounts(
  policies: readonly PolicyResult[],
  count: (policy: PolicyResult) => number
): string {
  if (policies.length === 0) return ''
  return `Policies: ${quoteList(
    policies.map((policy) => `${policy.name} (${count(policy)})`),
    NAMES_LISTED,
    100
  )}.`
}

/** The `limit` most important, the last of them standing for all that did not fit. */
function fit(
  candidates: readonly Candidate[],
  level: AnnotationLevel,
  limit: number
): Annotation[] {
  const ordered = [...candidates].sort((a, b) => a.rank - b.rank)
  const strip = ({ rank: _rank, brief: _brief, ...annotation }: Candidate): Annotation => annotation
  if (ordered.length <= limit) return ordered.map(strip)
  if (limit <= 0) return []
  const kept = ordered.slice(0, limit - 1)
  const rest = ordered.slice(kept.length)
  return [
    ...kept.map(strip),
    {
      level,
      title: `${plural(rest.length, `more ${level}`)} (see the job summary)`,
      message: oneLine(
        `Merged into one to stay within GitHub's per-step limit: ${rest.map((item) => item.brief).join('; ')}`,
        MESSAGE_LENGTH
      )
    }
  ]
}
