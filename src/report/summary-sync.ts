// The job summary's sync run section: status, figures, notes and the tables with errors.

import { formatDuration } from '../lib/duration.js'
import {
  isActive,
  isTerminal,
  type SyncRunDetails,
  type SyncRunTableStat
} from '../platform/types.js'
import type { SyncOutcome } from '../sync/outcome.js'
import { formatByteSeconds, formatBytes, formatCount, formatTimestamp } from './format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeCell,
  escapeText,
  markup,
  table,
  type Markdown
} from './markdown.js'
import { hasError, type RunReport } from './model.js'
import { renderMessages, NAME_LENGTH } from './summary-pieces.js'

const TABLE_LIMIT = 10

export function renderSyncSection(report: RunReport): Markdown | undefined {
  const [sync] = report.syncs
  const name = sync?.syncName ?? report.syncNames[0]
  if (name === undefined) return undefined
  const heading = markup`### 🔄 Sync run of ${codeSpan(name)}`
  const run = sync?.run
  // The banner's "Why" already says the first reason.
  const messages =
    sync &&
    renderMessages(
      sync.reasons.filter((reason) => reason !== report.verdict.reasons[0]),
      sync.warnings
    )
  if (!sync || !run) {
    return blocks(
      heading,
      hasError(report, 'sync')
        ? markup`No run was started or followed: see the errors below.`
        : markup`No run was started or followed.`,
      messages
    )
  }
  return blocks(
    heading,
    renderRunStatus(sync, run),
    renderRunFigures(sync, run),
    renderRunNotes(report, sync, run),
    messages,
    renderTablesWithErrors(sync.tablesWithErrors)
  )
}

export function renderRunStatus(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  const reason = run.status_reason ? markup` (${codeSpan(run.status_reason)})` : markup``
  const origin = sync.startedByAction
    ? markup`started by this action`
    : markup`followed; not started by this action`
  return markup`**Status:** ${runStatusIcon(run)} ${codeSpan(run.status)}${reason} · **Run:** ${codeSpan(run.id)} (${origin})`
}

function runStatusIcon(run: SyncRunDetails): Markdown {
  if (run.status === 'completed') {
    if (run.status_reason === 'ingestion_failed') return markup`❌`
    return run.status_reason === 'partial_success' ? markup`⚠️` : markup`✅`
  }
  if (run.status === 'failed') return markup`❌`
  if (run.status === 'cancelled') return markup`🚫`
  return isActive(run.status) ? markup`⏳` : markup`❔`
}

function renderRunFigures(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  const duration =
    sync.durationSeconds === undefined ? undefined : formatDuration(sync.durationSeconds * 1000)
  const cpu = formatCount(run.cpu_seconds, 1)
  const figures: [Markdown, Markdown][] = [
    [markup`Started`, escapeCell(formatTimestamp(run.created_at))],
    [markup`Completed`, escapeCell(formatTimestamp(run.completed_at))],
    [markup`Duration`, escapeCell(duration)],
    [markup`Rows`, escapeCell(run.total_rows)],
    [markup`Errors`, escapeCell(run.errors)],
    [markup`Warnings`, escapeCell(run.warnings)]
  ]
  // Resource figures only when the Platform metered them.
  const metered: [Markdown, string | undefined][] = [
    [markup`CPU`, cpu === undefined ? undefined : `${cpu} s`],
    [markup`Memory`, formatByteSeconds(run.memory_byte_seconds)],
    [markup`Egress`, formatBytes(run.network_egress_bytes)]
  ]
  for (const [header, value] of metered) {
    if (value !== undefined) figures.push([header, escapeCell(value)])
  }
  const [first, ...rest] = figures.map(([header]) => header)
  return table(
    [first, ...rest],
    [figures.map(([, value]) => value)],
    figures.map((_, index) => (index < 3 ? 'left' : 'right'))
  )
}

function renderRunNotes(
  report: RunReport,
  sync: SyncOutcome,
  run: SyncRunDetails
): Markdown | undefined {
  const notes: Markdown[] = []
  // A run refused by if-running: fail was not awaited either, but not because of `wait: false`.
  if (!sync.waited && sync.verdict === 'pass' && !report.cancelled) {
    notes.push(
      markup`⏳ Not awaited (${codeSpan('wait: false')}): the run may still be going; its status was ${codeSpan(run.status)} when the action finished.`
    )
  }
  if (sync.timedOut) {
    const after = sync.cancelledByAction
      ? markup` This action cancelled the run.`
      : isTerminal(run.status)
        ? markup``
        : markup` The run was left running.`
    notes.push(markup`⏱️ Timed out after ${escapeText(formatDuration(sync.waitedMs))}.${after}`)
  }
  if (report.cancelled && !isTerminal(run.status)) {
    notes.push(
      markup`🚫 The workflow was cancelled while the action was following this run; the status shown is the last one seen.`
    )
  }
  return notes.length > 0 ? bulletList(notes) : undefined
}

function renderTablesWithErrors(tables: readonly SyncRunTableStat[]): Markdown | undefined {
  if (tables.length === 0) return undefined
  const shown = [...tables].sort((a, b) => (b.errors ?? 0) - (a.errors ?? 0)).slice(0, TABLE_LIMIT)
  return blocks(
    markup`#### Tables with errors`,
    table(
      [markup`Table`, markup`Service`, markup`Errors`, markup`Resources`, markup`Panics`],
      shown.map((stat) => [
        codeSpan(stat.name, NAME_LENGTH),
        escapeCell(stat.service_name, NAME_LENGTH),
        escapeCell(stat.errors),
        escapeCell(stat.resources),
        escapeCell(stat.panics)
      ]),
      ['left', 'left', 'right', 'right', 'right']
    ),
    tables.length > shown.length
      ? markup`_…and ${tables.length - shown.length} more tables with errors._`
      : undefined
  )
}
