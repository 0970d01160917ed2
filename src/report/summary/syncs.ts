// The job summary's sync section. One sync keeps its own section (summary-sync.ts); several get one
// table, a row per sync, above the gate, then per sync only what needs saying: reasons and
// warnings the banner does not show, notes (timed out, cancelled, not awaited), tables with errors.

import { formatDuration } from '../../lib/duration.js'
import type { SyncOutcome } from '../../sync/outcome.js'
import { blocks, codeSpan, escapeCell, markup, table, type Markdown } from '../render/markdown.js'
import { hasError, type RunReport } from '../model.js'
import { NAME_LENGTH } from './pieces.js'
import {
  renderRunNotes,
  renderSyncSection,
  renderTablesWithErrors,
  syncMessages,
  syncStatusIcon
} from './sync.js'

export function renderSyncsSection(report: RunReport): Markdown | undefined {
  if (report.syncs.length <= 1 && report.syncNames.length <= 1) return renderSyncSection(report)
  return blocks(
    markup`### 🔄 Sync runs`,
    renderSyncsTable(report),
    hasError(report, 'sync') && report.syncs.length < report.syncNames.length
      ? markup`Syncs without a run were not started or followed: see the errors below.`
      : undefined,
    ...report.syncs.map((sync) => renderSyncNotes(report, sync))
  )
}

function renderSyncsTable(report: RunReport): Markdown {
  const byName = new Map(report.syncs.map((sync) => [sync.syncName, sync]))
  // In the order the workflow named them; a name with no outcome (its stage ended first) still
  // gets its row.
  const rows = [
    ...report.syncNames.map((name) => {
      const sync = byName.get(name)
      return sync ? syncRow(sync) : [codeSpan(name, NAME_LENGTH), markup`—`, markup`no run`]
    })
  ]
  return table(
    [
      markup`Sync`,
      markup`Kind`,
      markup`Status`,
      markup`Rows`,
      markup`Errors`,
      markup`Duration`,
      markup`Run`,
      markup`Origin`
    ],
    rows,
    ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left']
  )
}

function syncRow(sync: SyncOutcome): Markdown[] {
  const { view } = sync
  const external = sync.kind === 'external'
  const duration =
    sync.durationSeconds === undefined ? undefined : formatDuration(sync.durationSeconds * 1000)
  return [
    codeSpan(sync.syncName, NAME_LENGTH),
    external ? markup`CLI` : markup`managed`,
    view ? markup`${syncStatusIcon(view)} ${codeSpan(view.status, 40)}` : markup`no run`,
    escapeCell(view?.rows),
    // A CLI run reports no errors: left empty rather than shown as unknown.
    external ? markup`` : escapeCell(view?.errors),
    escapeCell(duration),
    // Link-free: the id is for a search on the Platform, and a link could point anywhere.
    view ? codeSpan(view.id, 60) : markup`—`,
    external
      ? markup`run by the CLI`
      : sync.startedByAction
        ? markup`started by this action`
        : markup`attached`
  ]
}

/** What the table cannot say about one sync; nothing when all went well. */
function renderSyncNotes(report: RunReport, sync: SyncOutcome): Markdown | undefined {
  const notes = blocks(
    sync.view && renderRunNotes(report, sync, sync.view),
    syncMessages(report, sync),
    sync.kind === 'managed'
      ? renderTablesWithErrors(sync.tablesWithErrors, markup`**Tables with errors**`)
      : undefined
  )
  return notes === ''
    ? undefined
    : blocks(markup`#### ${codeSpan(sync.syncName, NAME_LENGTH)}`, notes)
}
