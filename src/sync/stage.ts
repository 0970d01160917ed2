// The sync stage. Start a run of the named sync (or adopt one), follow it to its end and its
// data's ingestion, and judge it. Expected outcomes (a failed run, a timeout, an active run with
// `if-running: fail`) are results; only a Platform that cannot be talked to throws. The outcome is
// made here, once, from what each step returned.

import type { SyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import type { StageDeps } from '../platform/deps.js'
import type { KnownRun } from './cancel.js'
import type { ManagedRunObserver } from './observer.js'
import { failed, managedOutcome, type ManagedOutcome } from './outcome.js'
import { readManagedRunTables } from './run-tables.js'
import { managedRunView } from './run-view.js'
import { completionTime, judgeRun, runDurationSeconds } from './run-status.js'
import { isFinished } from './run-view.js'
import { resolveInTurn, type Queueing } from './queue.js'
import { waitForRun, type Waited } from './wait.js'

/** `limitStarts` bounds the starts in flight when several syncs start at once. */
export async function runSyncStage(
  config: SyncConfig,
  deps: StageDeps,
  observer: ManagedRunObserver,
  limitStarts: <T>(start: () => Promise<T>) => Promise<T> = (start) => start()
): Promise<ManagedOutcome> {
  const resolved = await resolveInTurn(config, deps, observer, limitStarts)
  const { queuedBehind, queuedMs } = resolved
  if ('refusal' in resolved) {
    // A queue wait that ran out was a wait the workflow asked for; a refusal was not awaited.
    const { timedOut } = resolved
    const waited = { waited: timedOut, timedOut, waitedMs: timedOut ? queuedMs : 0 }
    return managedOutcome(config.name, { ...failed(resolved.refusal), queuedBehind, ...waited })
  }
  const known: KnownRun = { run: resolved.run, startedByAction: resolved.started }
  observer.runKnown(known.run, known.startedByAction)
  if (!config.wait) {
    deps.log.info(
      `Not waiting for run ${known.run.id} (wait: false); its status is "${known.run.status}".`
    )
    return managedOutcome(config.name, { ...known, queuedBehind })
  }
  // The queue wait counted against the timeout; what is left of it is this run's.
  const remaining = { ...config, timeoutMs: Math.max(0, config.timeoutMs - queuedMs) }
  const waited = await waitForRun(remaining, deps, known, resolved.history, observer)
  return judged(config, deps, known, waited, resolved)
}

/** A finished run is judged, with the tables it wrote; a timed-out or cut-short one is not. */
async function judged(
  config: SyncConfig,
  deps: StageDeps,
  known: KnownRun,
  waited: Waited,
  { queuedBehind, queuedMs }: Queueing
): Promise<ManagedOutcome> {
  const { final } = waited
  const fields = {
    run: final,
    startedByAction: known.startedByAction,
    waited: true,
    waitedMs: queuedMs + waited.waitedMs,
    queuedBehind,
    statusChecks: waited.statusChecks,
    durationSeconds: runDurationSeconds(managedRunView(final)),
    cancelledByAction: waited.cancelledByAction,
    logLines: waited.logLines
  }
  if (waited.timedOut) {
    const queued =
      queuedBehind.length > 0
        ? ` Before it started, this action had waited ${formatDuration(queuedMs)} for run ${queuedBehind.join(', ')} to end (if-running: queue).`
        : ''
    return managedOutcome(config.name, {
      ...fields,
      timedOut: true,
      ...failed(waited.timedOut + queued)
    })
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
