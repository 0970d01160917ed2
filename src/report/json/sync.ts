// The JSON report's sync runs: each run as the Platform last showed it, and for a CLI run the
// external sync itself, kept to docs/report-schema.json whatever the Platform sent.

import type { ExternalSync, SyncRunTableStat } from '../../platform/types.js'
import type { SyncOutcome } from '../../sync/outcome.js'
import type { JsonExternalSync, JsonSync, JsonTableStat } from './types.js'
import { finiteOrNull, text } from './values.js'

export function jsonSync(sync: SyncOutcome): JsonSync {
  const { run } = sync
  return {
    kind: sync.kind,
    syncName: String(sync.syncName),
    run: run
      ? {
          id: String(run.id),
          status: String(run.status),
          statusReason: text(run.status_reason),
          createdAt: text(run.created_at),
          completedAt: text(run.completed_at),
          ingested: typeof run.ingested === 'boolean' ? run.ingested : null,
          totalRows: finiteOrNull(run.total_rows),
          errors: finiteOrNull(run.errors),
          warnings: finiteOrNull(run.warnings),
          cpuSeconds: finiteOrNull(run.cpu_seconds),
          memoryByteSeconds: finiteOrNull(run.memory_byte_seconds),
          networkEgressBytes: finiteOrNull(run.network_egress_bytes)
        }
      : null,
    startedByAction: sync.startedByAction,
    waited: sync.waited,
    waitedSeconds: Math.round(sync.waitedMs / 1000),
    durationSeconds: finiteOrNull(sync.durationSeconds),
    timedOut: sync.timedOut,
    cancelledByAction: sync.cancelledByAction,
    verdict: sync.verdict,
    reasons: sync.reasons,
    warnings: sync.warnings,
    tablesWithErrors: sync.tablesWithErrors.map(jsonTableStat),
    external: sync.external ? jsonExternal(sync.external) : null
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
