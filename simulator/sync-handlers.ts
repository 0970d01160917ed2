// Sync and run operations; they own creating and cancelling runs, the only writes the API has.

import { compareBy, DAY, iso, oneOf, pageOf, paging, SORT_DIRS } from './api-conventions.js'
import { ApiError, type ApiRequest, type PlatformState, type Reply } from './operations.js'
import { isActiveAt, newRun, runView, tableStatsAt, terminalAt, type SimRun } from './runs.js'
import type { ResolvedScenario } from './scenario.js'

const TABLE_SORT = ['name', 'started_at', 'completed_at', 'runtime_seconds', 'resources', 'errors']
const FILTER_PATTERN = /^[\p{L}\p{N}_ \-']*$/u

function syncOf(platform: PlatformState, name: string): ResolvedScenario['syncs'][number] {
  const sync = platform.scenario.syncs.find((s) => s.name === name)
  if (!sync) throw new ApiError(404, 'sync not found')
  return sync
}

/** The run a `/syncs/{sync_name}/runs/{sync_run_id}…` path names; 404 unless both exist. */
export function runOf(platform: PlatformState, params: Record<string, string>): SimRun {
  syncOf(platform, params.sync_name)
  const run = platform.runs.find(
    (r) => r.id === params.sync_run_id && r.syncName === params.sync_name
  )
  if (!run) throw new ApiError(404, 'sync run not found')
  return run
}

/** `ListSyncLastRun`: the run summary embedded in each `ListSync`. */
function lastRunView(run: Record<string, unknown>): Record<string, unknown> {
  const fields = ['id', 'status', 'status_reason', 'migration', 'created_at', 'completed_at']
  const counters = ['total_rows', 'warnings', 'errors', 'ingested']
  return Object.fromEntries(
    [...fields, ...counters].filter((f) => f in run).map((f) => [f, run[f]])
  )
}

export class SyncHandlers {
  constructor(
    private readonly platform: PlatformState,
    private readonly nextRunId: () => string
  ) {}

  listSyncs({ query, now }: ApiRequest): Reply {
    const filter = query.one('filter') ?? ''
    if (!FILTER_PATTERN.test(filter)) {
      throw new ApiError(400, 'invalid filter', {
        filter: 'can contain only letters, numbers, spaces, hyphens, underscores, and apostrophes'
      })
    }
    const needle = filter.toLowerCase()
    const items = this.platform.scenario.syncs
      .filter(
        (s) => s.name.toLowerCase().includes(needle) || s.displayName.toLowerCase().includes(needle)
      )
      .sort(compareBy((s) => s.name, 'asc'))
      .map((s) => {
        const last = this.runsOf(s.name)[0]
        const created = iso(this.platform.startedAt - 30 * DAY)
        return {
          name: s.name,
          display_name: s.displayName,
          source: s.source,
          destinations: s.destinations,
          disabled: s.disabled,
          schedule: '0 */6 * * *',
          cpu: '1',
          memory: '2Gi',
          created_at: created,
          updated_at: created,
          ...(last ? { last_run: lastRunView(runView(last, now)) } : {})
        }
      })
    return { status: 200, json: pageOf(items, paging(query)) }
  }

  listRuns({ params, query, now }: ApiRequest): Reply {
    syncOf(this.platform, params.sync_name)
    const runs = this.runsOf(params.sync_name).map((r) => runView(r, now))
    return { status: 200, json: pageOf(runs, paging(query)) }
  }

  createRun({ params, now }: ApiRequest): Reply {
    const sync = syncOf(this.platform, params.sync_name)
    if (sync.disabled) throw new ApiError(422, 'sync is disabled')
    if (
      this.platform.scenario.whileActive === 'reject' &&
      this.runsOf(sync.name).some((r) => isActiveAt(r, now))
    ) {
      throw new ApiError(422, 'sync already has an active run')
    }
    const run = newRun(
      this.platform.scenario,
      this.nextRunId(),
      sync.name,
      'created',
      now,
      sync.run
    )
    this.platform.runs.push(run)
    return { status: 201, json: runView(run, now) }
  }

  getRun({ params, now }: ApiRequest): Reply {
    return { status: 200, json: runView(runOf(this.platform, params), now, true) }
  }

  updateRun({ params, body, bodyError, now }: ApiRequest): Reply {
    const run = runOf(this.platform, params)
    if (bodyError) throw new ApiError(400, bodyError)
    const status = (body as { status?: unknown } | undefined)?.status
    if (status !== 'cancelled') {
      throw new ApiError(400, 'only cancelling a run is supported', {
        status: 'must be "cancelled"'
      })
    }
    if (!isActiveAt(run, now)) throw new ApiError(422, 'sync run is not active')
    run.cancelledAt = now
    this.platform.onCancel(run)
    return { status: 200, json: runView(run, now) }
  }

  runTables({ params, query, now }: ApiRequest): Reply {
    const run = runOf(this.platform, params)
    const p = paging(query)
    const sortBy = oneOf(query, 'sort_by', TABLE_SORT, 'name')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'asc')
    const stats = tableStatsAt(run, now).sort(
      compareBy(
        (t) => (t as unknown as Record<string, string | number | null>)[sortBy] ?? null,
        dir
      )
    )
    return { status: 200, json: pageOf(stats, p) }
  }

  runStats({ params, now }: ApiRequest): Reply {
    const run = runOf(this.platform, params)
    const tables = tableStatsAt(run, now)
    const completed = tables.filter((t) => t.completed_at !== undefined)
    const last = completed.at(-1)?.completed_at
    return {
      status: 200,
      json: {
        started_at: iso(Math.min(run.startedAt, terminalAt(run))),
        ...(last ? { last_completed_at: last } : {}),
        completed_tables: completed.length,
        resources: tables.reduce((a, t) => a + t.resources, 0),
        errors: tables.reduce((a, t) => a + t.errors, 0),
        panics: tables.reduce((a, t) => a + t.panics, 0)
      }
    }
  }

  /** Newest first. */
  private runsOf(syncName: string): SimRun[] {
    return this.platform.runs
      .filter((r) => r.syncName === syncName)
      .sort((a, b) => b.createdAt - a.createdAt)
  }
}
