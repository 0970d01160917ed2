// What a run's status means: active, ended, finished (data ingested), failed, and the stage's
// verdict on a finished run. Pure, so each rule is tested without HTTP.

import type { SyncConfig } from '../inputs/config.js'
import { oneLine } from '../lib/log-safety.js'
import { describeValue, isCount, plural } from '../lib/text.js'
import { isTerminal, type SyncRun } from '../platform/types.js'
import type { SyncOutcome } from './outcome.js'

/** Done: terminal, and for a completed run, its data ingested (or ingestion failed). */
export function isFinished(run: SyncRun): boolean {
  if (!isTerminal(run.status)) return false
  if (run.status !== 'completed') return true
  return run.ingested === true || run.status_reason === 'ingestion_failed'
}

export function runFailed(run: SyncRun): boolean {
  return (
    run.status === 'failed' ||
    run.status === 'cancelled' ||
    run.status_reason === 'ingestion_failed' ||
    run.status_reason === 'oom_killed'
  )
}

/** The stage's verdict on a finished run. */
export function judgeRun(
  run: SyncRun,
  config: Pick<SyncConfig, 'maxErrors' | 'name'>,
  outcome: Pick<SyncOutcome, 'verdict' | 'reasons' | 'warnings'>
): void {
  const fail = (reason: string): void => {
    outcome.verdict = 'fail'
    outcome.reasons.push(reason)
  }
  const id = `Run ${run.id} of sync "${config.name}"`
  const reported = run.errors ?? 0
  // Not a count ("lots", -5, 0.4, 1e308): unknown, never read as fewer errors than the limit.
  const errors = isCount(reported) ? reported : `${describeValue(reported)} (not a count)`
  const errorCount = typeof errors === 'string' ? `errors: ${errors}` : plural(errors, 'error')
  switch (run.status) {
    case 'completed':
      if (run.status_reason === 'ingestion_failed') {
        fail(
          `${id} completed, but its data could not be ingested into the Platform (ingestion_failed), so policy results would not reflect it.`
        )
      } else if (run.status_reason === 'partial_success') {
        outcome.warnings.push(
          `${id} completed with partial success: ${errorCount} and ${plural(run.warnings ?? 0, 'warning')}; some tables may be incomplete.`
        )
      }
      break
    case 'failed':
      fail(
        run.status_reason === 'oom_killed'
          ? `${id} failed: it ran out of memory and was killed (oom_killed). Give the sync more memory or split its tables.`
          : `${id} failed${run.status_reason ? ` (${oneLine(run.status_reason, 60)})` : ''} with ${errorCount}.`
      )
      break
    case 'cancelled':
      fail(`${id} was cancelled before it finished.`)
      break
  }
  if (config.maxErrors === undefined) return
  if (typeof errors === 'string') {
    fail(
      `${id}: the Platform answered ${errors} for its errors, so max-sync-errors cannot be checked.`
    )
  } else if (errors > config.maxErrors) {
    fail(
      `${id} had ${plural(errors, 'error')}; at most ${config.maxErrors} allowed (max-sync-errors).`
    )
  }
}

export function statusLabel(run: SyncRun): string {
  if (run.status === 'completed' && !isFinished(run)) return 'completed, ingesting data'
  return run.status_reason ? `${run.status} (${run.status_reason})` : run.status
}

export function progressLine(run: SyncRun): string {
  return `${run.total_rows ?? 0} rows, ${run.errors ?? 0} errors, ${run.warnings ?? 0} warnings`
}

export function runAge(run: SyncRun, now: number): number | undefined {
  const created = Date.parse(run.created_at)
  return Number.isFinite(created) ? Math.max(0, now - created) : undefined
}

/**
 * The instant results must be newer than to count as fresh. A `completed_at` that is missing,
 * unparseable, before the run was created or after `now` would turn the freshness check off or
 * make it meaningless, so the moment the action saw the run finished stands in, with a warning.
 */
export function completionTime(
  run: SyncRun,
  now: number,
  warnings: string[],
  { what, field } = { what: `Run ${run.id}`, field: 'completed_at' }
): string {
  const completed = Date.parse(run.completed_at ?? '')
  const created = Date.parse(run.created_at)
  const unusable = !Number.isFinite(completed)
    ? 'not a date'
    : completed > now
      ? 'in the future'
      : Number.isFinite(created) && completed < created
        ? 'before the run was created'
        : undefined
  if (!unusable) return new Date(completed).toISOString()
  const seen = new Date(now).toISOString()
  const said =
    run.completed_at === undefined || run.completed_at === null || run.completed_at === ''
      ? `no ${field}`
      : `${field} ${describeValue(run.completed_at)}, ${unusable}`
  warnings.push(
    `${what} finished without a usable completion time (${said}): policy results must be newer than ${seen}, when this action saw it finished.`
  )
  return seen
}

export function runDurationSeconds(run: SyncRun): number | undefined {
  if (!run.completed_at) return undefined
  const ms = Date.parse(run.completed_at) - Date.parse(run.created_at)
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined
}
