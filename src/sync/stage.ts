// The sync stage. Start a run of the named sync (or adopt one), follow it to its end and its
// data's ingestion, and judge it. Expected outcomes (a failed run, a timeout, an active run with
// `if-running: fail`) are results; only a Platform that cannot be talked to throws. The outcome is
// made here, once, from what each step returned.

import type { SyncConfig } from '../inputs/config.js'
import type { StageDeps } from '../platform/deps.js'
import type { KnownRun } from './cancel.js'
import type { ManagedRunObserver } from './observer.js'
import { failed, managedOutcome, type ManagedOutcome } from './outcome.js'
import { readManagedRunTables } from './run-tables.js'
import { managedRunView } from './run-view.js'
import { completionTime, isFinished, judgeRun, runDurationSeconds } from './run-status.js'
import { CANCELLED_BEFORE_START, resolveRun } from './start.js'
import { waitForRun, type Waited } from './wait.js'

/** `limitStarts` bounds the starts in flight when several syncs start at once. */
export async function runSyncStage(
  config: SyncConfig,
  deps: StageDeps,
  observer: ManagedRunObserver,
  limitStarts: <T>(start: () => Promise<T>) => Promise<T> = (start) => start()
): Promise<ManagedOutcome> {
  // A sync still waiting for a start slot when the workflow is cancelled starts nothing.
  const resolved = await limitStarts(() =>
    deps.signal?.aborted
      ? Promise.resolve({ refusal: CANCELLED_BEFORE_START })
      : resolveRun(config, deps, observer)
  )
  if ('refusal' in resolved) return managedOutcome(config.name, failed(resolved.refusal))
  const known: KnownRun = { run: resolved.run, startedByAction: resolved.started }
  observer.runKnown(known.run, known.startedByAction)
  if (!config.wait) {
    deps.log.info(
      `Not waiting for run ${known.run.id} (wait: false); its status is "${known.run.status}".`
    )
    return managedOutcome(config.name, known)
  }
  const waited = await waitForRun(config, deps, known, resolved.history, observer)
  return judged(config, deps, known, waited)
}

/** A finished run is judged, with the tables it wrote; a timed-out or cut-short one is not. */
async function judged(
  config: SyncConfig,
  deps: StageDeps,
  known: KnownRun,
  waited: Waited
): Promise<ManagedOutcome> {
  const { final } = waited
  const fields = {
    run: final,
    startedByAction: known.startedByAction,
    waited: true,
    waitedMs: waited.waitedMs,
    statusChecks: waited.statusChecks,
    durationSeconds: runDurationSeconds(managedRunView(final)),
    cancelledByAction: waited.cancelledByAction,
    logLines: waited.logLines
  }
  if (waited.timedOut) {
    return managedOutcome(config.name, { ...fields, timedOut: true, ...failed(waited.timedOut) })
  }
  if (!isFinished(final)) return managedOutcome(config.name, fields)
  const completion = completionTime(managedRunView(final), deps.clock.now(), deps.redact)
  const judgement = judgeRun(final, config, deps.redact)
  return managedOutcome(config.name, {
    ...fields,
    ...judgement,
    warnings: [...(completion.warning ? [completion.warning] : []), ...judgement.warnings],
    completedAt: completion.at,
    ...(await readManagedRunTables(config.name, final.id, deps))
  })
}
