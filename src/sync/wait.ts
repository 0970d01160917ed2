// Following the run to its end: an adaptive poll of its status, woken early by the end of its live
// log stream, a progress line now and then, and on timeout the cancel of a run this action started.

import type { SyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { pollUntil, readBefore, settleWithin, Waker, type PollResult } from '../lib/poll.js'
import { expectedDuration, nextPollDelay } from '../lib/poll-schedule.js'
import { messageOf } from '../lib/text.js'
import type { StageDeps } from '../platform/deps.js'
import { isActive, isTerminal, type SyncRun, type SyncRunDetails } from '../platform/types.js'
import { fetchRunLogs, LiveLogs } from './logs.js'
import type { SyncOutcome } from './outcome.js'
import { progressReporter, type ProgressSnapshot } from './progress.js'
import { isFinished, progressLine, runAge, runFailed, statusLabel } from './run-status.js'
import { cancelStartedRun, type RunTracker } from './tracker.js'

/** Polls the run until it is finished or time runs out; records the wait in `outcome`. */
export async function waitForRun(
  config: SyncConfig,
  deps: StageDeps,
  tracker: RunTracker,
  history: SyncRun[],
  outcome: SyncOutcome
): Promise<SyncRunDetails> {
  const { clock, log } = deps
  const run = tracker.run as SyncRunDetails
  const expectedMs = expectedDuration(history)
  const waker = new Waker()
  const stream = openLiveLogs(config, deps, tracker, waker)
  // Starting (or finding) the run answered its state a moment ago: that is the first look, so the
  // first status request waits for the schedule.
  let known: SyncRunDetails | undefined = run
  const ageAtStart = runAge(run, clock.now())
  const report = progressReporter(log, clock, deps.redact)
  const deadline = clock.now() + config.timeoutMs
  log.info(waitingLine(config, run, expectedMs))
  const result = await pollUntil<SyncRunDetails>({
    clock,
    waker,
    signal: deps.signal,
    timeoutMs: config.timeoutMs,
    check: async () => {
      const value = known ?? (await statusWithin(deps, config.name, tracker, deadline))
      if (!known) outcome.statusChecks++
      known = undefined
      return value
    },
    isDone: isFinished,
    onValue: (current, elapsedMs) => {
      tracker.statusSeen(current)
      report(progressOf(current), elapsedMs)
      if (isTerminal(current.status)) stream.stop()
      else stream.follow(current.status)
    },
    nextDelay: (current, elapsedMs) =>
      nextPollDelay({
        elapsedMs,
        runAgeMs: ageAtStart === undefined ? undefined : ageAtStart + elapsedMs,
        expectedDurationMs: expectedMs,
        maxIntervalMs: config.pollIntervalMs,
        awaitingIngestion: isTerminal(current.status),
        streamOpen: stream.open
      })
  }).catch((error: unknown) => cancelAfterFailure(error, config, deps, tracker, stream))
  stream.stop()
  outcome.waitedMs = result.elapsedMs
  let final = 'value' in result ? result.value : result.last
  if (result.kind === 'timeout') final = await onTimeout(result, config, deps, tracker, outcome)
  // With `always` the lines were printed as they came; `on-failure` prints them only now.
  if (config.logs === 'on-failure' && (runFailed(final) || outcome.timedOut)) {
    outcome.logLines = await failureLogs(config, deps, final, stream)
    log.group(`Logs of run ${final.id} (last ${outcome.logLines.length} lines)`, outcome.logLines)
  }
  return final
}

function progressOf(run: SyncRunDetails): ProgressSnapshot {
  return {
    subject: `Run ${run.id}`,
    status: run.status,
    label: statusLabel(run),
    known: isTerminal(run.status) || isActive(run.status),
    progress: progressLine(run)
  }
}

function waitingLine(config: SyncConfig, run: SyncRun, expectedMs: number | undefined): string {
  const earlier = expectedMs ? ` (earlier runs took about ${formatDuration(expectedMs)})` : ''
  return `Waiting up to ${formatDuration(config.timeoutMs)} for run ${run.id}${earlier}.`
}

/**
 * The run's status, or its last known one when `deadline` comes first or a request fails after
 * it: `timeout` is kept, and the timeout path can still cancel.
 */
function statusWithin(
  { client, clock }: StageDeps,
  syncName: string,
  tracker: RunTracker,
  deadline: number
): Promise<SyncRunDetails> {
  const last = tracker.run as SyncRunDetails
  return readBefore(() => client.getRun(syncName, tracker.runId!), last, deadline, clock)
}

/** The live log stream, whose end wakes the poll loop for an immediate status check. */
function openLiveLogs(
  config: SyncConfig,
  { client, log, redact }: StageDeps,
  tracker: RunTracker,
  waker: Waker
): LiveLogs {
  const run = tracker.run as SyncRunDetails
  const stream = new LiveLogs(client, config.name, run.id, {
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
  stream.follow(run.status)
  return stream
}

/** A timed-out wait fails the stage; a run this action started is cancelled when so configured. */
async function onTimeout(
  result: Extract<PollResult<SyncRunDetails>, { kind: 'timeout' }>,
  config: SyncConfig,
  deps: StageDeps,
  tracker: RunTracker,
  outcome: SyncOutcome
): Promise<SyncRunDetails> {
  const last = result.last
  outcome.timedOut = true
  outcome.verdict = 'fail'
  const what = isTerminal(last.status) ? 'its data to be ingested' : 'it to finish'
  outcome.reasons.push(
    `Timed out after ${formatDuration(result.elapsedMs)} waiting for run ${last.id} of sync "${config.name}" (status "${last.status}") — waited for ${what}.`
  )
  if (isTerminal(last.status)) return last
  if (!tracker.startedByAction) {
    deps.log.info(`Run ${last.id} was not started by this action, so it is left running.`)
    return last
  }
  if (!config.cancelOnTimeout) return last
  const cancelled = await cancelWithin(deps, tracker)
  outcome.cancelledByAction = cancelled !== undefined
  return cancelled ? { ...last, ...cancelled } : last
}

/** The Platform cannot be followed any more: a run this action started is not left behind. */
async function cancelAfterFailure(
  error: unknown,
  config: SyncConfig,
  deps: StageDeps,
  tracker: RunTracker,
  stream: LiveLogs
): Promise<never> {
  stream.stop()
  if (config.cancelOnTimeout) await cancelWithin(deps, tracker)
  throw error
}

/** Cancels the run if this action started it, within one request's deadline whatever happens. */
function cancelWithin(
  { client, clock, log }: StageDeps,
  tracker: RunTracker
): Promise<SyncRun | undefined> {
  return settleWithin(cancelStartedRun(client, tracker, log), client.requestTimeoutMs, clock)
}

/** The run's stored logs; the streamed lines when those cannot be read. */
async function failureLogs(
  config: SyncConfig,
  { client, log, redact }: StageDeps,
  run: SyncRun,
  stream: LiveLogs
): Promise<string[]> {
  const lines = await fetchRunLogs(client, { syncName: config.name, runId: run.id }, redact).catch(
    (error: unknown) => {
      log.warning(
        `Could not read the run's stored logs (${messageOf(error)}); showing the streamed lines.`
      )
      return stream.recentLines
    }
  )
  return lines.length > 0 ? lines : stream.recentLines
}
