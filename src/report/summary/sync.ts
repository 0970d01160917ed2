// The job summary's section on one sync run: status, figures, notes and the tables with errors,
// or for a CLI run (an external sync) its tables' progress. Its pieces also serve the table of
// several syncs (summary-syncs.ts) and the PR comment.

import { formatDuration } from '../../lib/duration.js'
import { isCount } from '../../lib/text.js'
import {
  isActive,
  isTerminal,
  type ExternalSync,
  type SyncRunDetails,
  type SyncRunTableStat
} from '../../platform/types.js'
import type { SyncOutcome } from '../../sync/outcome.js'
import { formatByteSeconds, formatBytes, formatCount, formatTimestamp } from '../render/format.js'
import {
  blocks,
  bulletList,
  codeSpan,
  escapeCell,
  escapeText,
  markup,
  table,
  type Markdown
} from '../render/markdown.js'
import { hasError, type RunReport } from '../model.js'
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
  const run = sync?.run
  const messages = sync && syncMessages(report, sync)
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
    sync.external
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

export function renderRunStatus(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  const status = markup`**Status:** ${syncStatusIcon(sync, run)} ${codeSpan(run.status)}`
  const { external } = sync
  if (external) {
    // While the Platform is `finalizing`, the run reads `completed`: say what the Platform said.
    const said =
      external.status != null && external.status !== run.status
        ? markup` (${codeSpan(external.status)})`
        : markup``
    return markup`${status}${said} · **External sync:** ${codeSpan(external.id)} · **Invocation:** ${codeSpan(external.invocation_id)} (run by the CLI; never cancelled by this action)`
  }
  const reason = run.status_reason ? markup` (${codeSpan(run.status_reason)})` : markup``
  const origin = sync.startedByAction
    ? markup`started by this action`
    : markup`followed; not started by this action`
  return markup`${status}${reason} · **Run:** ${codeSpan(run.id)} (${origin})`
}

/** A CLI run still `finalizing` has not been ingested yet, whatever its run reads. */
export function syncStatusIcon(sync: SyncOutcome, run: SyncRunDetails): Markdown {
  return sync.external?.status === 'finalizing' ? markup`⏳` : runStatusIcon(run)
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
    [markup`Rows`, escapeCell(run.total_rows)]
  ]
  // A CLI run reports no errors or warnings: left out rather than shown as unknown.
  if (sync.kind !== 'external') {
    figures.push(
      [markup`Errors`, escapeCell(run.errors)],
      [markup`Warnings`, escapeCell(run.warnings)]
    )
  }
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

export function renderRunNotes(
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
function renderTableProgress(external: ExternalSync): Markdown | undefined {
  const progress = Object.entries(external.table_progress ?? {})
  if (progress.length === 0) return undefined
  // The client kept only the tables with the most rows; the Platform reported this many.
  const total = isCount(external.tablesReported) ? external.tablesReported : progress.length
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
