// The JSON report's sync runs: each run as the Platform last showed it, and for a CLI run the
// external sync itself, kept to docs/report-schema.json whatever the Platform sent.

import type { ExternalSync, SyncRunTableStat } from '../platform/types.js'
import type { SyncKind, SyncOutcome } from '../sync/outcome.js'
import { finiteOrNull, text } from './json-values.js'

export interface JsonSync {
  kind: SyncKind
  /** The sync's name; for a CLI run, the `external-sync` value the workflow gave. */
  syncName: string
  /** The Platform's run, as last seen; null when no run was started or found. */
  run: JsonSyncRun | null
  /** True: this action started the run. False: it attached to (or was told to follow) one. */
  startedByAction: boolean
  /** False with `wait: false`: the run was started and left running. */
  waited: boolean
  waitedSeconds: number
  /** From the run's creation to its completion. */
  durationSeconds: number | null
  timedOut: boolean
  /** The action cancelled the run (on timeout). */
  cancelledByAction: boolean
  verdict: 'pass' | 'fail'
  reasons: string[]
  warnings: string[]
  /** Most errors first, at most 10. */
  tablesWithErrors: JsonTableStat[]
  /** The external sync as the Platform said it; null for a managed sync. */
  external: JsonExternalSync | null
}

export interface JsonSyncRun {
  id: string
  status: string
  statusReason: string | null
  createdAt: string | null
  completedAt: string | null
  ingested: boolean | null
  totalRows: number | null
  errors: number | null
  warnings: number | null
  cpuSeconds: number | null
  memoryByteSeconds: number | null
  networkEgressBytes: number | null
}

export interface JsonTableStat {
  table: string
  service: string | null
  errors: number | null
  resources: number | null
  panics: number | null
}

export interface JsonExternalSync {
  id: string
  invocationId: string
  /** As the Platform said it (`finalizing` included); null when it gave none. */
  status: string | null
  /** Rows per table, the most rows first, at most 1,000; null when the Platform gave none. */
  tableProgress: Record<string, number | null> | null
}

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
const MAX_TABLES = 1_000

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
              .slice(0, MAX_TABLES)
          )
        : null
  }
}
