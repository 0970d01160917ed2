// The sync stage. Start a run of the named sync (or adopt one), follow it to its end and its
// data's ingestion, and judge it. Expected outcomes (a failed run, a timeout, an active run with
// `if-running: fail`) are results; only a Platform that cannot be talked to throws.

import type { SyncConfig } from '../inputs/config.js'
import type { Logger } from '../lib/logger.js'
import { messageOf } from '../lib/text.js'
import type { PlatformClient } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import type { SyncRunTableStat } from '../platform/types.js'
import type { SyncOutcome } from './outcome.js'
import { completionTime, isFinished, judgeRun, runDurationSeconds } from './run-status.js'
import { CANCELLED_BEFORE_START, resolveRun } from './start.js'
import { outcomeSoFar, type RunTracker } from './tracker.js'
import { waitForRun } from './wait.js'

/** One page of the run's table statistics is read; the tables with errors on it are shown. */
const TABLE_STATS_READ = 10

/** `limitStarts` bounds the starts in flight when several syncs start at once. */
export async function runSyncStage(
  config: SyncConfig,
  deps: StageDeps,
  tracker: RunTracker,
  limitStarts: <T>(start: () => Promise<T>) => Promise<T> = (start) => start()
): Promise<SyncOutcome> {
  const { client, log } = deps
  const outcome = outcomeSoFar(tracker)
  // A sync still waiting for a start slot when the workflow is cancelled starts nothing.
  const resolved = await limitStarts(() =>
    deps.signal?.aborted
      ? Promise.resolve({ refusal: CANCELLED_BEFORE_START })
      : resolveRun(config, deps, tracker)
  )
  if ('refusal' in resolved) {
    outcome.verdict = 'fail'
    outcome.reasons.push(resolved.refusal)
    return outcome
  }
  const { run, history } = resolved
  tracker.runKnown(run, resolved.started)
  outcome.run = run
  outcome.startedByAction = resolved.started
  if (!config.wait) {
    log.info(`Not waiting for run ${run.id} (wait: false); its status is "${run.status}".`)
    return outcome
  }

  const final = await waitForRun(config, deps, tracker, history, outcome)
  outcome.run = final
  outcome.waited = true
  outcome.durationSeconds = runDurationSeconds(final)
  if (outcome.timedOut || !isFinished(final)) return outcome
  outcome.completedAt = completionTime(final, deps.clock.now(), outcome.warnings, deps.redact)
  judgeRun(final, config, outcome, deps.redact)
  outcome.tablesWithErrors = await fetchTablesWithErrors(client, config.name, final.id, log)
  return outcome
}

async function fetchTablesWithErrors(
  client: PlatformClient,
  syncName: string,
  runId: string,
  log: Logger
): Promise<SyncRunTableStat[]> {
  try {
    const page = await client.listRunTables(syncName, runId, TABLE_STATS_READ)
    return page.items.filter((table) => (table.errors ?? 0) > 0).slice(0, TABLE_STATS_READ)
  } catch (error) {
    log.warning(`Could not read the run's table statistics: ${messageOf(error)}`)
    return []
  }
}
