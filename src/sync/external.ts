// Following a sync the CloudQuery CLI ran (`external-sync`): find it, follow it to `completed`
// (its data ingested) or `failed` with the managed wait's adaptive schedule and progress lines,
// and judge it. The CLI owns an external sync: this action never cancels one (the API has no way
// to), not even on timeout or a cancelled workflow. Expected outcomes are results; only a
// Platform that cannot be talked to throws.

import type { ExternalSyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { oneLine } from '../lib/log-safety.js'
import { pollUntil, readBefore, type PollResult } from '../lib/poll.js'
import { expectedDuration, nextPollDelay } from '../lib/poll-schedule.js'
import type { StageDeps } from '../platform/deps.js'
import type { ExternalSync } from '../platform/types.js'
import { findExternalSync, notFoundReason } from './external-find.js'
import {
  externalFailure,
  externalFinished,
  externalName,
  externalProgress,
  externalRunView,
  freshFrom
} from './external-status.js'
import { blankOutcome, type SyncOutcome } from './outcome.js'
import { progressReporter } from './progress.js'
import { completionTime, runAge, runDurationSeconds } from './run-status.js'

/** `onSeen` hears of each state seen, so a cancelled workflow can still report the last one. */
export async function followExternalSync(
  config: ExternalSyncConfig,
  deps: StageDeps,
  onSeen: (sync: ExternalSync) => void = () => undefined
): Promise<SyncOutcome> {
  const { clock, log } = deps
  const startedAt = clock.now()
  const outcome = externalOutcome(config)
  const found = await findExternalSync(config, deps)
  outcome.statusChecks = found.checks
  outcome.waitedMs = found.elapsedMs
  if (!found.sync) {
    if (!found.aborted) fail(outcome, notFoundReason(config, found.elapsedMs))
    return outcome
  }
  onSeen(found.sync)
  const name = externalName(found.sync, found.byInvocation)
  const remainingMs = Math.max(0, config.timeoutMs - (clock.now() - startedAt))
  log.info(`Found ${name}; waiting up to ${formatDuration(remainingMs)} for it to complete.`)
  const expectedMs = expectedDuration(found.others.map((other) => externalRunView(other, '')))
  const seen: Seen = {}
  const result = await followToEnd(config, deps, found.sync, remainingMs, outcome, {
    expectedMs,
    seen,
    onSeen
  })
  const final = 'value' in result ? result.value : result.last
  outcome.waitedMs = clock.now() - startedAt
  outcome.external = final
  outcome.run = externalRunView(final, config.id)
  outcome.durationSeconds = runDurationSeconds(outcome.run)
  if (result.kind === 'timeout') onTimeout(outcome, final, name, outcome.waitedMs)
  if (result.kind !== 'done') return outcome
  // The CLI run's own words: `finished_at` of an external sync.
  const named = { what: `External sync ${oneLine(final.id, 60)}`, field: 'finished_at' }
  outcome.completedAt = freshFrom(
    completionTime(outcome.run, clock.now(), outcome.warnings, named),
    seen.finalizingAt
  )
  if (final.status === 'failed') fail(outcome, externalFailure(final))
  return outcome
}

/** Polls until it is finished or `timeoutMs` passes; counts each status request in `outcome`. */
function followToEnd(
  config: ExternalSyncConfig,
  deps: StageDeps,
  first: ExternalSync,
  timeoutMs: number,
  outcome: SyncOutcome,
  {
    expectedMs,
    seen,
    onSeen
  }: { expectedMs?: number; seen: Seen; onSeen: (sync: ExternalSync) => void }
): Promise<PollResult<ExternalSync>> {
  const { client, clock } = deps
  const deadline = clock.now() + timeoutMs
  const report = progressReporter(deps.log, clock)
  const subject = `External sync ${oneLine(first.id, 60)}`
  const ageAtStart = runAge(externalRunView(first, ''), clock.now())
  // Finding it answered its state a moment ago: that is the first look.
  let known: ExternalSync | undefined = first
  let last = first
  return pollUntil<ExternalSync>({
    clock,
    signal: deps.signal,
    timeoutMs,
    check: async () => {
      const value =
        known ??
        (await readBefore(() => client.getExternalSyncRun(first.id), last, deadline, clock))
      if (!known) outcome.statusChecks++
      known = undefined
      return value
    },
    isDone: externalFinished,
    onValue: (current, elapsedMs) => {
      last = current
      onSeen(current)
      if (current.status === 'finalizing') seen.finalizingAt = clock.now()
      report(externalProgress(current, subject), elapsedMs)
    },
    // `finalizing` is ingestion: its end is noticed within a second, as a managed run's is. With
    // no live log stream, the end of the upload is looked for near when the team's other CLI runs
    // ended: the schedule of a managed run without its stream.
    nextDelay: (current, elapsedMs) =>
      nextPollDelay({
        elapsedMs,
        runAgeMs: ageAtStart === undefined ? undefined : ageAtStart + elapsedMs,
        expectedDurationMs: expectedMs,
        maxIntervalMs: config.pollIntervalMs,
        awaitingIngestion: current.status === 'finalizing',
        streamOpen: false
      })
  })
}

/** What the wait saw on the way. */
interface Seen {
  /** The last moment the external sync was still `finalizing`: its data was not all in yet. */
  finalizingAt?: number
}

/** A timed-out wait fails; the external sync is left as it is: the CLI owns it. */
function onTimeout(outcome: SyncOutcome, last: ExternalSync, name: string, waitedMs: number): void {
  outcome.timedOut = true
  const what = last.status === 'finalizing' ? 'its data to be ingested' : 'it to finish'
  fail(
    outcome,
    `Timed out after ${formatDuration(waitedMs)} waiting for ${name} (status "${oneLine(last.status ?? '(none)', 60)}") — waited for ${what}. It is not cancelled: the CLI owns it.`
  )
}

function fail(outcome: SyncOutcome, reason: string): void {
  outcome.verdict = 'fail'
  outcome.reasons.push(reason)
}

function externalOutcome(config: ExternalSyncConfig): SyncOutcome {
  // Always awaited: `wait: false` is refused for an external sync.
  return { ...blankOutcome('external', config.id), waited: true }
}
