// Following a managed run to its end (the loop in follow.ts, woken early by the end of its live
// log stream), and on timeout the cancel of a run this action started (`cancel-on-timeout`).

import type { SyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { settleWithin, Waker } from '../lib/poll.js'
import { expectedDuration } from '../lib/poll-schedule.js'
import { messageOf } from '../lib/text.js'
import type { StageDeps } from '../platform/deps.js'
import { isTerminal, type SyncRun, type SyncRunDetails } from '../platform/types.js'
import { cancelStartedRun, type KnownRun } from './cancel.js'
import { followRun, type LiveStream, type RunSource } from './follow.js'
import { fetchRunLogs, LiveLogs } from './logs.js'
import type { ManagedRunObserver } from './observer.js'
import { runFailed, runProgress } from './run-status.js'
import { isFinished } from './run-view.js'

/** What following the run came to. */
export interface Waited {
  /** The run as last seen (with what a cancel answered). */
  final: SyncRunDetails
  waitedMs: number
  statusChecks: number
  /** Why the wait failed on timeout; undefined when it did not time out. */
  timedOut?: string
  cancelledByAction: boolean
  /** With `sync-logs: on-failure`, the logs of a run that failed or timed out. */
  logLines: string[]
}

/** Follows the run until it is finished or time runs out. */
export async function waitForRun(
  config: SyncConfig,
  deps: StageDeps,
  known: KnownRun,
  history: SyncRun[],
  observer: ManagedRunObserver
): Promise<Waited> {
  const expectedMs = expectedDuration(history)
  const stream = liveStream(config, deps, known.run)
  deps.log.info(waitingLine(config, known.run, expectedMs))
  let last = known.run
  const followed = await followRun(
    managedSource(config, deps, known.run, stream),
    known.run,
    { timeoutMs: config.timeoutMs, pollIntervalMs: config.pollIntervalMs, expectedMs },
    deps,
    (run) => {
      last = run
      observer.statusSeen(run)
    }
  ).catch((error: unknown) =>
    cancelAfterFailure(error, config, deps, { ...known, run: last }, observer)
  )
  const { elapsedMs: waitedMs, statusChecks } = followed
  const ended =
    followed.kind === 'timeout'
      ? await onTimeout(followed.last, waitedMs, { config, deps, known, observer })
      : { final: followed.last, cancelledByAction: false }
  // With `always` the lines were printed as they came; `on-failure` prints them only now.
  const showLogs =
    config.logs === 'on-failure' && (runFailed(ended.final) || ended.timedOut !== undefined)
  const logLines = showLogs ? await failureLogs(config, deps, ended.final, stream.logs) : []
  if (showLogs) {
    deps.log.group(`Logs of run ${ended.final.id} (last ${logLines.length} lines)`, logLines)
  }
  return { ...ended, waitedMs, statusChecks, logLines }
}

function managedSource(
  config: SyncConfig,
  { client }: StageDeps,
  run: SyncRunDetails,
  stream: LiveStream<SyncRunDetails>
): RunSource<SyncRunDetails> {
  return {
    read: () => client.getRun(config.name, run.id),
    isFinished,
    isIngesting: (current) => isTerminal(current.status) && !isFinished(current),
    progress: (current) => runProgress(current),
    createdAt: (current) => current.created_at,
    stream
  }
}

function waitingLine(config: SyncConfig, run: SyncRun, expectedMs: number | undefined): string {
  const earlier = expectedMs ? ` (earlier runs took about ${formatDuration(expectedMs)})` : ''
  return `Waiting up to ${formatDuration(config.timeoutMs)} for run ${run.id}${earlier}.`
}

/** The live log stream, whose end wakes the loop for an immediate status check. */
function liveStream(
  config: SyncConfig,
  { client, log, redact }: StageDeps,
  run: SyncRunDetails
): LiveStream<SyncRunDetails> & { logs: LiveLogs } {
  const waker = new Waker()
  const logs = new LiveLogs(client, config.name, run.id, {
    print: config.logs === 'always' ? (line) => log.info(`│ ${line}`) : undefined,
    redact,
    onEnd: (reason) => {
      log.debug(`Live log stream: ${reason}.`)
      // Whatever the reason, look now: even a 204, which says nothing of the run's end, leaves
      // the loop asleep as if a stream would wake it, so a run that ends meanwhile would be
      // noticed only at poll-interval.
      waker.wake()
    }
  })
  return {
    logs,
    waker,
    get open() {
      return logs.open
    },
    seen: (current) => {
      if (isTerminal(current.status)) logs.stop()
      else logs.follow(current.status)
    },
    stop: () => logs.stop()
  }
}

/** A timed-out wait fails the stage; a run this action started is cancelled when so configured. */
async function onTimeout(
  last: SyncRunDetails,
  waitedMs: number,
  { config, deps, known, observer }: TimeoutContext
): Promise<Pick<Waited, 'final' | 'timedOut' | 'cancelledByAction'>> {
  const what = isTerminal(last.status) ? 'its data to be ingested' : 'it to finish'
  const timedOut = `Timed out after ${formatDuration(waitedMs)} waiting for run ${last.id} of sync "${config.name}" (status "${last.status}") — waited for ${what}.`
  const leftAsItIs = { final: last, timedOut, cancelledByAction: false }
  if (isTerminal(last.status)) return leftAsItIs
  if (!known.startedByAction) {
    deps.log.info(`Run ${last.id} was not started by this action, so it is left running.`)
    return leftAsItIs
  }
  if (!config.cancelOnTimeout) return leftAsItIs
  const cancelled = await cancelWithin(deps, config, { ...known, run: last }, observer)
  if (!cancelled) return leftAsItIs
  return { final: { ...last, ...cancelled }, timedOut, cancelledByAction: true }
}

interface TimeoutContext {
  config: SyncConfig
  deps: StageDeps
  known: KnownRun
  observer: ManagedRunObserver
}

/** The Platform cannot be followed any more: a run this action started is not left behind. */
async function cancelAfterFailure(
  error: unknown,
  config: SyncConfig,
  deps: StageDeps,
  known: KnownRun,
  observer: ManagedRunObserver
): Promise<never> {
  if (config.cancelOnTimeout) await cancelWithin(deps, config, known, observer)
  throw error
}

/** Cancels the run if this action started it, within one request's deadline whatever happens. */
async function cancelWithin(
  deps: StageDeps,
  config: SyncConfig,
  known: KnownRun,
  observer: ManagedRunObserver
): Promise<SyncRun | undefined> {
  const { client, clock } = deps
  const cancelling = cancelStartedRun(deps, config.name, known)
  const cancelled = await settleWithin(cancelling, client.requestTimeoutMs, clock)
  if (cancelled) observer.cancelAnswered(cancelled)
  return cancelled
}

/** The run's stored logs; the streamed lines when those cannot be read. */
async function failureLogs(
  config: SyncConfig,
  { client, log, redact }: StageDeps,
  run: SyncRun,
  stream: LiveLogs
): Promise<string[]> {
  const stored = { syncName: config.name, runId: run.id }
  const lines = await fetchRunLogs(client, stored, redact).catch((error: unknown) => {
    log.warning(
      `Could not read the run's stored logs (${messageOf(error)}); showing the streamed lines.`
    )
    return stream.recentLines
  })
  return lines.length > 0 ? lines : stream.recentLines
}
