// What an external sync's answer means, as pure functions: its name and status in the words of the
// log, its progress, the reason it fails, and when results cover its data. The Platform's values
// are untrusted: a count that is not one is said so, never added up.

import { groupDigits } from '../lib/locale-free.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import { describeValue, isCount } from '../lib/text.js'
import { EXTERNAL_SYNC_STATUSES, type ExternalSync } from '../platform/types.js'
import type { ProgressSnapshot } from './progress.js'

/** `external sync <id>`, with the CLI's invocation id when that is how it was found. */
export function externalName(sync: ExternalSync, byInvocation: boolean, redact: Redactor): string {
  const id = `external sync ${oneLine(redact(sync.id), 60)}`
  return byInvocation ? `${id} (invocation ${oneLine(redact(sync.invocation_id), 60)})` : id
}

export function externalProgress(
  sync: ExternalSync,
  subject: string,
  redact: Redactor
): ProgressSnapshot {
  const status = sync.status ?? '(none)'
  return {
    subject,
    status,
    label: status === 'finalizing' ? 'finalizing, ingesting data' : status,
    known: (EXTERNAL_SYNC_STATUSES as readonly string[]).includes(status),
    progress: `${rowsText(sync.rows, redact)} in ${tablesText(sync)}`
  }
}

/** `12,480 rows`, or what was sent instead of a count. */
function rowsText(rows: unknown, redact: Redactor): string {
  if (!isCount(rows)) return `${describeValue(rows, redact)} rows (not a count)`
  return `${groupDigits(rows)} ${rows === 1 ? 'row' : 'rows'}`
}

/** The tables the Platform reported: more than `table_progress` holds once the client cut it. */
function tablesText({ table_progress: progress, tablesReported }: ExternalSync): string {
  const tables = isCount(tablesReported)
    ? tablesReported
    : progress
      ? Object.keys(progress).length
      : 0
  return `${groupDigits(tables)} ${tables === 1 ? 'table' : 'tables'}`
}

export function externalFailure(sync: ExternalSync, redact: Redactor): string {
  return `External sync ${oneLine(redact(sync.id), 60)} (invocation ${oneLine(redact(sync.invocation_id), 60)}) failed after ${rowsText(sync.rows, redact)}; the CLI's own log says why.`
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
