// What an external sync's answer means, as pure functions: its status in the words of the log, its
// progress, the run view the report shows, and the reasons it fails. The Platform's values are
// untrusted: a count that is not one is said so, never added up.

import { oneLine } from '../lib/log-safety.js'
import { describeValue, isCount } from '../lib/text.js'
import {
  EXTERNAL_SYNC_STATUSES,
  type ExternalSync,
  type SyncRunDetails
} from '../platform/types.js'
import { blankOutcome, type SyncOutcome } from './outcome.js'
import type { ProgressSnapshot } from './progress.js'

/** Done: its data ingested (`completed`), or `failed`. `finalizing` is still being ingested. */
export function externalFinished(sync: ExternalSync): boolean {
  return sync.status === 'completed' || sync.status === 'failed'
}

/** `external sync <id>`, with the CLI's invocation id when that is how it was found. */
export function externalName(sync: ExternalSync, byInvocation: boolean): string {
  const id = `external sync ${oneLine(sync.id, 60)}`
  return byInvocation ? `${id} (invocation ${oneLine(sync.invocation_id, 60)})` : id
}

export function externalProgress(sync: ExternalSync, subject: string): ProgressSnapshot {
  const status = sync.status ?? '(none)'
  return {
    subject,
    status,
    label: status === 'finalizing' ? 'finalizing, ingesting data' : status,
    known: (EXTERNAL_SYNC_STATUSES as readonly string[]).includes(status),
    progress: `${rowsText(sync.rows)} in ${tablesText(sync)}`
  }
}

/** `12,480 rows`, or what was sent instead of a count. */
function rowsText(rows: unknown): string {
  if (!isCount(rows)) return `${describeValue(rows)} rows (not a count)`
  return `${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`
}

function tablesText({ table_progress: progress, tablesReported }: ExternalSync): string {
  const tables = isCount(tablesReported)
    ? tablesReported
    : progress
      ? Object.keys(progress).length
      : 0
  return `${tables.toLocaleString('en-US')} ${tables === 1 ? 'table' : 'tables'}`
}

/**
 * The external sync seen as a run, so the verdict and the report read it like a managed one:
 * `finalizing` is a completed run whose data is not ingested yet.
 */
export function externalRunView(sync: ExternalSync, name: string): SyncRunDetails {
  const status = sync.status ?? '(none)'
  const ingested = status === 'completed' ? true : status === 'finalizing' ? false : undefined
  return {
    id: sync.id,
    sync_name: name,
    status: status === 'finalizing' ? 'completed' : status,
    created_at: sync.created_at,
    completed_at: sync.finished_at,
    total_rows: sync.rows,
    ...(ingested === undefined ? {} : { ingested })
  }
}

export function externalFailure(sync: ExternalSync): string {
  return `External sync ${oneLine(sync.id, 60)} (invocation ${oneLine(sync.invocation_id, 60)}) failed after ${rowsText(sync.rows)}; the CLI's own log says why.`
}

/**
 * Results must be newer than this to be fresh: `finished_at`, or, should the Platform set that when
 * the CLI reported done rather than when the data was ingested, the last moment the action saw it
 * still `finalizing` (a result from before then cannot cover all of its data).
 */
export function freshFrom(finishedAt: string, finalizingAt: number | undefined): string {
  if (finalizingAt === undefined || finalizingAt <= Date.parse(finishedAt)) return finishedAt
  return new Date(finalizingAt).toISOString()
}

/**
 * A CLI run that was being followed when the workflow was cancelled: reported as last seen, and
 * failed, since it was not followed to its end. It is not cancelled: the CLI owns it.
 */
export function interruptedExternal(id: string, last: ExternalSync | undefined): SyncOutcome {
  return {
    ...blankOutcome('external', id),
    waited: true,
    verdict: 'fail',
    external: last,
    run: last && externalRunView(last, id)
  }
}
