// What a run's status means: active, ended, finished (data ingested), failed, and the stage's
// verdict on a finished run. Pure, so each rule is tested without HTTP.

import type { SyncConfig } from '../inputs/config.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import { describeValue, isCount, plural } from '../lib/text.js'
import { isActive, isTerminal, type SyncRun } from '../platform/types.js'
import type { ProgressSnapshot } from './progress.js'
import { isFinished, type RunView } from './run-view.js'

export function runFailed(run: SyncRun): boolean {
  return (
    run.status === 'failed' ||
    run.status === 'cancelled' ||
    run.status_reason === 'ingestion_failed' ||
    run.status_reason === 'oom_killed'
  )
}

/** The stage's judgement of a finished run. */
export interface Judgement {
  verdict: 'pass' | 'fail'
  reasons: string[]
  warnings: string[]
}

/** The stage's verdict on a finished run. */
export function judgeRun(
  run: SyncRun,
  config: Pick<SyncConfig, 'maxErrors' | 'name'>,
  redact: Redactor
): Judgement {
  const reasons: string[] = []
  const warnings: string[] = []
  const id = `Run ${run.id} of sync "${config.name}"`
  const reported = run.errors ?? 0
  // Not a count ("lots", -5, 0.4, 1e308): unknown, never read as fewer errors than the limit.
  const errors = isCount(reported) ? reported : `${describeValue(reported, redact)} (not a count)`
  const errorCount = typeof errors === 'string' ? `errors: ${errors}` : plural(errors, 'error')
  switch (run.status) {
    case 'completed':
      if (run.status_reason === 'ingestion_failed') {
        reasons.push(
          `${id} completed, but its data could not be ingested into the Platform (ingestion_failed), so policy results would not reflect it.`
        )
      } else if (run.status_reason === 'partial_success') {
        warnings.push(
          `${id} completed with partial success: ${errorCount} and ${plural(run.warnings ?? 0, 'warning')}; some tables may be incomplete.`
        )
      }
      break
    case 'failed':
      reasons.push(
        run.status_reason === 'oom_killed'
          ? `${id} failed: it ran out of memory and was killed (oom_killed). Give the sync more memory or split its tables.`
          : `${id} failed${run.status_reason ? ` (${oneLine(redact(run.status_reason), 60)})` : ''} with ${errorCount}.`
      )
      break
    case 'cancelled':
      reasons.push(`${id} was cancelled before it finished.`)
      break
  }
  if (config.maxErrors !== undefined) reasons.push(...errorLimit(id, errors, config.maxErrors))
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', reasons, warnings }
}

function errorLimit(id: string, errors: number | string, maxErrors: number): string[] {
  if (typeof errors === 'string') {
    return [
      `${id}: the Platform answered ${errors} for its errors, so max-sync-errors cannot be checked.`
    ]
  }
  if (errors <= maxErrors) return []
  return [`${id} had ${plural(errors, 'error')}; at most ${maxErrors} allowed (max-sync-errors).`]
}

/** What a look at a managed run showed, for the progress lines; `subject` names it there. */
export function runProgress(run: SyncRun, subject = `Run ${run.id}`): ProgressSnapshot {
  return {
    subject,
    status: run.status,
    label: statusLabel(run),
    known: isTerminal(run.status) || isActive(run.status),
    progress: progressLine(run)
  }
}

function statusLabel(run: SyncRun): string {
  if (run.status === 'completed' && !isFinished(run)) return 'completed, ingesting data'
  return run.status_reason ? `${run.status} (${run.status_reason})` : run.status
}

function progressLine(run: SyncRun): string {
  return `${run.total_rows ?? 0} rows, ${run.errors ?? 0} errors, ${run.warnings ?? 0} warnings`
}

/** How long the run created at `createdAt` has been going at `now`; undefined when unreadable. */
export function runAge(createdAt: string, now: number): number | undefined {
  const created = Date.parse(createdAt)
  return Number.isFinite(created) ? Math.max(0, now - created) : undefined
}

/** When results must be newer than to count as fresh, and the warning when the run's own is unusable. */
export interface Completion {
  at: string
  warning?: string
}

/**
 * The instant results must be newer than to count as fresh. A completion time that is missing,
 * unparseable, before the run was created or after `now` would turn the freshness check off or
 * make it meaningless, so the moment the action saw the run finished stands in, with a warning.
 */
export function completionTime(
  run: RunView,
  now: number,
  redact: Redactor,
  { what, field } = { what: `Run ${run.id}`, field: 'completed_at' }
): Completion {
  const completed = Date.parse(run.completedAt ?? '')
  const created = Date.parse(run.createdAt)
  const unusable = !Number.isFinite(completed)
    ? 'not a date'
    : completed > now
      ? 'in the future'
      : Number.isFinite(created) && completed < created
        ? 'before the run was created'
        : undefined
  if (!unusable) return { at: new Date(completed).toISOString() }
  const seen = new Date(now).toISOString()
  // What was wrong, in words: a missing value is said to be missing, never "undefined".
  const said =
    run.completedAt === undefined || run.completedAt === null || run.completedAt === ''
      ? `no ${field}`
      : `${field} ${describeValue(run.completedAt, redact)}, ${unusable}`
  return {
    at: seen,
    warning: `${what} finished without a usable completion time (${said}): policy results must be newer than ${seen}, when this action saw it finished.`
  }
}

/** The run's own length, from its creation to its end; undefined until it ended, or unreadable. */
export function runDurationSeconds(run: RunView): number | undefined {
  if (!run.completedAt) return undefined
  const ms = Date.parse(run.completedAt) - Date.parse(run.createdAt)
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined
}
