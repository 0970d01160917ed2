// The job summary's section on one sync run: status, figures, notes and the tables with errors,
// or for a CLI run (an external sync) its tables' progress. Its pieces also serve the table of
// several syncs (summary-syncs.ts) and the PR comment.

import { formatDuration } from '../../lib/duration.js'
import { isCount } from '../../lib/text.js'
import type { ExternalSync, SyncRunTableStat } from '../../platform/types.js'
import type { ManagedOutcome, RunView, SyncOutcome } from '../../sync/outcome.js'
import {
  formatByteSeconds,
  formatBytes,
  formatCount,
  formatTimestampCell,
  NO_BREAK
} from '../render/format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeCell,
  escapeText,
  joinInline,
  markup,
  table,
  type Markdown
} from '../render/markdown.js'
import { hasEnded, hasError, type RunReport } from '../model.js'
import { renderMessages, NAME_LENGTH } from './pieces.js'

const TABLE_LIMIT = 10

export function renderSyncSection(report: RunReport): Markdown | undefined {
  const [sync] = report.syncs
  const name = sync?.syncName ?? report.syncNames[0]
  if (name === undefined) return undefined
  const heading =
    sync?.kind === 'external'
      ? markup`### 🔄 CLI sync run ${codeSpan(name)}`
      : markup`### 🔄 Sync run of ${codeSpan(name)}`
  const messages = sync && syncMessages(report, sync)
  if (!sync?.view) {
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
    renderRunStatus(sync, sync.view),
    renderRunFigures(sync, sync.view),
    renderRunNotes(report, sync, sync.view),
    messages,
    sync.kind === 'external'
      ? renderTableProgress(sync.external)
      : renderTablesWithErrors(sync.tablesWithErrors)
  )
}

/** The sync's reasons and warnings, but the one the banner's "Why" already says. */
export function syncMessages(report: RunReport, sync: SyncOutcome): Markdown | undefined {
  return renderMessages(
    sync.reasons.filter((reason) => reason !== report.verdict.reasons[0]?.text),
    sync.warnings
  )
}

/** The status as the Platform said it (a CLI run's own `finalizing`), and whose run it is. */
export function renderRunStatus(sync: SyncOutcome, view: RunView): Markdown {
  const status = markup`**Status:** ${syncStatusIcon(view)} ${codeSpan(view.status)}`
  if (sync.kind === 'external') {
    const { external } = sync
    const ids = external
      ? markup` · **External sync:** ${codeSpan(external.id)} · **Invocation:** ${codeSpan(external.invocation_id)}`
      : markup``
    return markup`${status}${ids} (run by the CLI; never cancelled by this action)`
  }
  const reason = view.statusReason ? markup` (${codeSpan(view.statusReason)})` : markup``
  const origin = sync.startedByAction
    ? markup`started by this action`
    : markup`followed; not started by this action`
  return markup`${status}${reason} · **Run:** ${codeSpan(view.id)} (${origin})`
}

/** A run whose data is still being ingested is not done yet, whatever its status reads. */
export function syncStatusIcon(view: RunView): Markdown {
  if (view.phase === 'ingesting' || view.phase === 'active') return markup`⏳`
  if (view.phase === 'unknown') return markup`❔`
  if (view.status === 'completed') {
    if (view.statusReason === 'ingestion_failed') return markup`❌`
    return view.statusReason === 'partial_success' ? markup`⚠️` : markup`✅`
  }
  return view.status === 'cancelled' ? markup`🚫` : markup`❌`
}

function renderRunFigures(sync: SyncOutcome, view: RunView): Markdown {
  const duration =
    sync.durationSeconds === undefined ? undefined : formatDuration(sync.durationSeconds * 1000)
  const figures: [Markdown, Markdown][] = [
    [markup`Started`, escapeCell(formatTimestampCell(view.createdAt))],
    [markup`Completed`, escapeCell(formatTimestampCell(view.completedAt))],
    [markup`Duration`, escapeCell(duration)],
    [markup`Rows`, escapeCell(view.rows)]
  ]
  // A CLI run reports no errors, warnings or resource figures: left out rather than shown as unknown.
  if (sync.kind === 'managed') {
    figures.push(
      [markup`Errors`, escapeCell(view.errors)],
      [markup`Warnings`, escapeCell(view.warnings)]
    )
    if (sync.run) figures.push(...meteredFigures(sync.run))
  }
  const [first, ...rest] = figures.map(([header]) => header)
  return table(
    [first, ...rest],
    [figures.map(([, value]) => value)],
    figures.map((_, index) => (index < 3 ? 'left' : 'right'))
  )
}

/** Resource figures, only those the Platform metered. */
function meteredFigures(run: NonNullable<ManagedOutcome['run']>): [Markdown, Markdown][] {
  const cpu = formatCount(run.cpu_seconds, 1)
  const metered: [Markdown, string | undefined][] = [
    [markup`CPU`, cpu === undefined ? undefined : `${cpu}${NO_BREAK}s`],
    [markup`Memory`, formatByteSeconds(run.memory_byte_seconds)],
    [markup`Egress`, formatBytes(run.network_egress_bytes)]
  ]
  const shown: [Markdown, Markdown][] = []
  for (const [header, value] of metered) {
    if (value !== undefined) shown.push([header, escapeCell(value)])
  }
  return shown
}

export function renderRunNotes(
  report: RunReport,
  sync: SyncOutcome,
  view: RunView
): Markdown | undefined {
  const notes: Markdown[] = []
  if (sync.kind === 'managed' && sync.queuedBehind.length > 0) {
    const runs = sync.queuedBehind.map((id) => codeSpan(id))
    notes.push(
      markup`⏸️ Started once run ${joinInline(runs, markup`, then `)} had ended (${codeSpan('if-running: queue')}): not this action's, and not the run judged.`
    )
  }
  // A run refused by if-running: fail was not awaited either, but not because of `wait: false`.
  if (!sync.waited && sync.verdict === 'pass' && !report.cancelled) {
    notes.push(
      markup`⏳ Not awaited (${codeSpan('wait: false')}): the run may still be going; its status was ${codeSpan(view.status)} when the action finished.`
    )
  }
  if (sync.timedOut) {
    const after = sync.cancelledByAction
      ? markup` This action cancelled the run.`
      : hasEnded(view)
        ? markup``
        : markup` The run was left running.`
    notes.push(markup`⏱️ Timed out after ${escapeText(formatDuration(sync.waitedMs))}.${after}`)
  }
  if (report.cancelled && !hasEnded(view)) {
    notes.push(
      markup`🚫 The workflow was cancelled while the action was following this run; the status shown is the last one seen.`
    )
  }
  return notes.length > 0 ? bulletList(notes) : undefined
}

export function renderTablesWithErrors(
  tables: readonly SyncRunTableStat[],
  heading = markup`#### Tables with errors`
): Markdown | undefined {
  if (tables.length === 0) return undefined
  const shown = [...tables].sort((a, b) => (b.errors ?? 0) - (a.errors ?? 0)).slice(0, TABLE_LIMIT)
  return blocks(
    heading,
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

/** A CLI run's rows per table (`table_progress`), most rows first. */
function renderTableProgress(external: ExternalSync | undefined): Markdown | undefined {
  const progress = Object.entries(external?.table_progress ?? {})
  if (progress.length === 0) return undefined
  // The client kept only the tables with the most rows; the Platform reported this many.
  const reported = external?.tablesReported
  const total = isCount(reported) ? reported : progress.length
  const rows = (count: unknown): number => (isCount(count) ? count : -1)
  const shown = progress.sort(([, a], [, b]) => rows(b) - rows(a)).slice(0, TABLE_LIMIT)
  return blocks(
    markup`#### Tables`,
    table(
      [markup`Table`, markup`Rows`],
      shown.map(([name, count]) => [codeSpan(name, NAME_LENGTH), escapeCell(count)]),
      ['left', 'right']
    ),
    total > shown.length ? markup`_…and ${total - shown.length} more tables._` : undefined
  )
}
