// The tables a run wrote, with their rows, errors and panics: every page of a managed run's table
// statistics, or a CLI run's `table_progress`. The verdict cross-checks them against the tables each
// counted policy reads, so a listing that cannot be read whole is unknown, never a short list.

import { groupDigits } from '../lib/locale-free.js'
import { isCount, messageOf } from '../lib/text.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import { MAX_LIST_PAGES, MAX_TABLE_PROGRESS } from '../platform/limits.js'
import type { ExternalSync, Page, SyncRunTableStat } from '../platform/types.js'
import type { RunTable } from './outcome.js'

const TABLES_PAGE_SIZE = 1000
/** The summary and the JSON report show the tables with the most errors, this many. */
const TABLES_WITH_ERRORS_SHOWN = 10

export interface ManagedRunTables {
  tables?: RunTable[]
  tablesUnknown?: string
  /** Tables with errors, most errors first (top 10). */
  tablesWithErrors: SyncRunTableStat[]
}

/** A managed run's tables; a listing that fails is a warning and `tablesUnknown`, not an error. */
export async function readManagedRunTables(
  syncName: string,
  runId: string,
  { client, log }: Pick<StageDeps, 'client' | 'log'>
): Promise<ManagedRunTables> {
  try {
    const stats = await listEveryTable(client, syncName, runId)
    const withErrors = stats
      .filter((table) => isCount(table.errors) && table.errors > 0)
      .sort((a, b) => (b.errors ?? 0) - (a.errors ?? 0))
    return {
      tables: stats.map(managedTable),
      tablesWithErrors: withErrors.slice(0, TABLES_WITH_ERRORS_SHOWN)
    }
  } catch (error) {
    const message = messageOf(error)
    log.warning(`Could not read the run's table statistics: ${message}`)
    return { tablesUnknown: message, tablesWithErrors: [] }
  }
}

/**
 * A CLI run's tables: rows only, the Platform counts no errors for one. A `table_progress` the client
 * cut to the tables with the most rows no longer says every table the run wrote: unknown, never a
 * short list.
 */
export function externalRunTables(
  sync: ExternalSync
): Pick<ManagedRunTables, 'tables' | 'tablesUnknown'> {
  const progress = sync.table_progress
  if (progress == null) return {}
  if (isCount(sync.tablesReported)) {
    const most = groupDigits(MAX_TABLE_PROGRESS)
    return {
      tablesUnknown: `its table_progress names ${groupDigits(sync.tablesReported)} tables, more than the ${most} this action reads`
    }
  }
  return {
    tables: Object.entries(progress).map(([name, rows]) => ({
      name,
      rows: isCount(rows) ? rows : null
    }))
  }
}

/**
 * A missing count is 0, as the spec's optional counters are left out when zero; anything else that
 * is not a count is unknown.
 */
function managedTable(stat: SyncRunTableStat): RunTable {
  const count = (value: unknown): number | null =>
    value === undefined ? 0 : isCount(value) ? value : null
  return {
    name: String(stat.name),
    rows: count(stat.resources),
    errors: count(stat.errors),
    panics: count(stat.panics)
  }
}

/**
 * Every page, by name: to the last page the metadata names, else to a short page or one that adds
 * no table not seen yet (a server that repeats itself); at most MAX_LIST_PAGES.
 */
async function listEveryTable(
  client: PlatformClient,
  syncName: string,
  runId: string
): Promise<SyncRunTableStat[]> {
  const byName = new Map<string, SyncRunTableStat>()
  for (let page = 1; ; page++) {
    if (page > MAX_LIST_PAGES) throw tooManyPages(syncName, runId)
    const answer = await client.listRunTables(syncName, runId, TABLES_PAGE_SIZE, page)
    const before = byName.size
    for (const table of answer.items) byName.set(String(table.name), table)
    if (isLastPage(answer, page) || byName.size === before) break
  }
  return [...byName.values()]
}

function isLastPage(answer: Page<SyncRunTableStat>, page: number): boolean {
  const { metadata } = answer
  if (typeof metadata?.last_page === 'number') return page >= metadata.last_page
  if (typeof metadata?.total_count === 'number')
    return page * TABLES_PAGE_SIZE >= metadata.total_count
  return answer.items.length < (metadata?.page_size || TABLES_PAGE_SIZE)
}

function tooManyPages(syncName: string, runId: string): PlatformError {
  const endpoint = `GET /syncs/${syncName}/runs/${runId}/tables`
  return new PlatformError(
    `${endpoint} still had pages after ${MAX_LIST_PAGES} of ${TABLES_PAGE_SIZE} tables: this action reads at most that many`,
    'invalid-response',
    endpoint
  )
}
