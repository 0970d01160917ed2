// The JSON report's sync runs: each run as the Platform last showed it, and for a CLI run the
// external sync itself, kept to docs/report-schema.json whatever the Platform sent.

import type { ExternalSync, SyncRunTableStat } from '../../platform/types.js'
import type { SyncOutcome } from '../../sync/outcome.js'
import { reportedStatus } from '../model.js'
import type { JsonExternalSync, JsonSync, JsonSyncRun, JsonTableStat } from './types.js'
import { finiteOrNull, text } from './values.js'

export function jsonSync(sync: SyncOutcome): JsonSync {
  return {
    kind: sync.kind,
    syncName: String(sync.syncName),
    run: jsonRun(sync),
    startedByAction: sync.startedByAction,
    waited: sync.waited,
    waitedSeconds: Math.round(sync.waitedMs / 1000),
    durationSeconds: finiteOrNull(sync.durationSeconds),
    timedOut: sync.timedOut,
    cancelledByAction: sync.cancelledByAction,
    verdict: sync.verdict,
    reasons: sync.reasons,
    warnings: sync.warnings,
    tablesWithErrors: sync.kind === 'managed' ? sync.tablesWithErrors.map(jsonTableStat) : [],
    external: sync.kind === 'external' && sync.external ? jsonExternal(sync.external) : null
  }
}

/** The run's view; the resource figures only a managed run has. */
function jsonRun(sync: SyncOutcome): JsonSyncRun | null {
  const { view } = sync
  if (!view) return null
  const metered = sync.kind === 'managed' ? sync.run : undefined
  return {
    id: String(view.id),
    status: String(reportedStatus(view)),
    statusReason: text(view.statusReason),
    createdAt: text(view.createdAt),
    completedAt: text(view.completedAt),
    ingested: view.ingested ?? null,
    totalRows: finiteOrNull(view.rows),
    errors: finiteOrNull(view.errors),
    warnings: finiteOrNull(view.warnings),
    cpuSeconds: finiteOrNull(metered?.cpu_seconds),
    memoryByteSeconds: finiteOrNull(metered?.memory_byte_seconds),
    networkEgressBytes: finiteOrNull(metered?.network_egress_bytes)
  }
}

function jsonTableStat(stat: SyncRunTableStat): JsonTableStat {
  return {
    table: String(stat.name),
    service: text(stat.service_name),
    errors: finiteOrNull(stat.errors),
    resources: finiteOrNull(stat.resources),
    panics: finiteOrNull(stat.panics)
  }
}

/** Tables of an external sync kept in the report, the most rows first: the Platform's map is unbounded. */
const TABLE_PROGRESS_KEPT = 1_000

function jsonExternal(external: ExternalSync): JsonExternalSync {
  const progress = external.table_progress
  return {
    id: String(external.id),
    invocationId: String(external.invocation_id),
    status: text(external.status),
    tableProgress:
      progress && typeof progress === 'object'
        ? Object.fromEntries(
            Object.entries(progress)
              .map(([table, rows]): [string, number | null] => [table, finiteOrNull(rows)])
              .sort(([, a], [, b]) => (b ?? -1) - (a ?? -1))
              .slice(0, TABLE_PROGRESS_KEPT)
          )
        : null
  }
}
