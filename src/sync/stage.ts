// Stage 3: the sync run. Start a run of the named sync (or adopt one), follow it to its end and its
// data's ingestion, and judge it. Expected outcomes (a failed run, a timeout, an active run with
// `if-running: fail`) are results; only a Platform that cannot be talked to throws.

import type { SyncConfig } from '../inputs/parse.js'
import type { Logger } from '../lib/logger.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'
import {
  ACTIVE_RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  type SyncRun,
  type SyncRunDetails,
  type SyncRunTableStat
} from '../platform/types.js'
import { pollUntil, Waker, type Clock } from '../lib/poll.js'
import { expectedDuration, nextPollDelay } from '../lib/poll-schedule.js'
import { fetchRunLogs, LiveLogs } from './logs.js'
import { formatDuration } from '../lib/duration.js'
import { oneLine } from '../lib/log-safety.js'
import { backoffDelay } from '../lib/backoff.js'

/** What is known about the run at any moment: read by cancellation and the post step. */
export interface RunTracker {
  syncName: string
  runId?: string
  /** This action created the run (so it may cancel it); false when it attached to one. */
  startedByAction: boolean
  /** The run's latest known state. */
  run?: SyncRunDetails
  /** The POST that starts the run, while it is under way (it fills runId when it succeeds). */
  pendingStart?: Promise<unknown>
  /** Called once the run is known, so its identity survives a killed process. */
  onRunKnown?: (tracker: RunTracker) => void
}

export type SyncVerdict = 'pass' | 'fail'

export interface SyncOutcome {
  syncName: string
  run?: SyncRunDetails
  startedByAction: boolean
  /** False with `wait: false`: the run was started and left running. */
  waited: boolean
  verdict: SyncVerdict
  /** Why the stage failed, in plain words; empty when it passed. */
  reasons: string[]
  warnings: string[]
  timedOut: boolean
  /** The action cancelled the run (on timeout). */
  cancelledByAction: boolean
  waitedMs: number
  durationSeconds?: number
  /** Tables with errors, most errors first (top 10). */
  tablesWithErrors: SyncRunTableStat[]
  logLines: string[]
  /** How many times the run's status was read while waiting. */
  statusChecks: number
}

export interface SyncStageDeps {
  client: PlatformClient
  clock: Clock
  log: Logger
  /** Aborts the wait (the workflow was cancelled); the caller deals with the run. */
  signal?: AbortSignal
}

const PROGRESS_EVERY_MS = 30_000
const RUN_HISTORY_SIZE = 20
const START_ATTEMPTS = 3
/** After a POST timed out, the run list is read this often before a new POST. */
const LATE_CREATE_LOOKS = 6
const MAX_TABLES = 10

export function isTerminal(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status)
}

export function isActive(status: string): boolean {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status)
}

/** Done: terminal, and for a completed run, its data ingested (or ingestion failed). */
function isFinished(run: SyncRun): boolean {
  if (!isTerminal(run.status)) return false
  if (run.status !== 'completed') return true
  return run.ingested === true || run.status_reason === 'ingestion_failed'
}

export async function runSyncStage(
  config: SyncConfig,
  deps: SyncStageDeps,
  tracker: RunTracker
): Promise<SyncOutcome> {
  const { client, log } = deps
  const outcome = { ...initialOutcome(tracker), syncName: config.name }

  const resolved = await resolveRun(config, deps, tracker)
  if ('refusal' in resolved) {
    outcome.verdict = 'fail'
    outcome.reasons.push(resolved.refusal)
    return outcome
  }
  const { run, history } = resolved
  tracker.runId = run.id
  tracker.run = run
  tracker.startedByAction = resolved.started
  tracker.onRunKnown?.(tracker)
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
  if (outcome.timedOut) return outcome
  if (!isFinished(final)) return outcome

  judgeRun(final, config, outcome)
  outcome.tablesWithErrors = await fetchTablesWithErrors(client, config.name, final.id, log)
  return outcome
}

/** What the stage knows before (or without) following the run: the verdict waits for the run. */
export function initialOutcome(tracker: RunTracker): SyncOutcome {
  return {
    syncName: tracker.syncName,
    run: tracker.run,
    startedByAction: tracker.startedByAction,
    waited: false,
    verdict: 'pass',
    reasons: [],
    warnings: [],
    timedOut: false,
    cancelledByAction: false,
    waitedMs: 0,
    tablesWithErrors: [],
    logLines: [],
    statusChecks: 0
  }
}

type Resolution =
  { run: SyncRunDetails; started: boolean; history: SyncRun[] } | { refusal: string }

/** Finds the run to follow: the one named, an active one (`if-running`), or a new one. */
async function resolveRun(
  config: SyncConfig,
  deps: SyncStageDeps,
  tracker: RunTracker
): Promise<Resolution> {
  const { client, log } = deps
  const history = await listRunsOrExplain(client, config.name)
  if (config.runId) {
    const run = await client.getRun(config.name, config.runId).catch((error: unknown) => {
      if (error instanceof PlatformError && error.status === 404) {
        throw new PlatformError(
          `Run ${config.runId} of sync "${config.name}" was not found (404). Check "sync-run-id": it must be a run of this sync.`,
          'http',
          error.endpoint,
          404,
          error.serverMessage
        )
      }
      throw error
    })
    log.info(`Following run ${run.id} of sync "${config.name}" (status "${run.status}").`)
    return { run, started: false, history }
  }

  const active = history.find((run) => isActive(run.status))
  if (active) {
    const decision = onActiveRun(config, active, log)
    if (decision !== 'start') return 'refusal' in decision ? decision : { ...decision, history }
  }
  const run = await startRun(config, deps, history, tracker)
  if ('refusal' in run) return run
  return { ...run, history }
}

function onActiveRun(
  config: SyncConfig,
  active: SyncRun,
  log: Logger
): { run: SyncRun; started: false } | { refusal: string } | 'start' {
  const since = active.created_at ? ` since ${active.created_at}` : ''
  switch (config.ifRunning) {
    case 'fail':
      return {
        refusal: `Sync "${config.name}" already has an active run ${active.id} (status "${active.status}"${since}), and "if-running" is "fail".`
      }
    case 'attach':
      log.info(
        `Sync "${config.name}" already has an active run ${active.id} (status "${active.status}"${since}); following it (if-running: attach).`
      )
      return { run: active, started: false }
    case 'start':
      log.info(
        `Sync "${config.name}" has an active run ${active.id}; starting another (if-running: start).`
      )
      return 'start'
  }
}

/**
 * Starts a run exactly once. A POST that failed in a way that leaves its effect unknown (network
 * error, 5xx) may still have created the run, so before trying again look for a run that appeared
 * since: one that was not there before the POST.
 */
async function startRun(
  config: SyncConfig,
  deps: SyncStageDeps,
  history: SyncRun[],
  tracker: RunTracker
): Promise<{ run: SyncRunDetails; started: boolean } | { refusal: string }> {
  const { client, log, clock } = deps
  let lastError: PlatformError | undefined
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      const creating = client.createRun(config.name)
      // A cancelled workflow must be able to cancel a run whose POST is still under way.
      tracker.pendingStart = creating.then(
        (created) =>
          Object.assign(tracker, { runId: created.id, run: created, startedByAction: true }),
        () => undefined
      )
      const run = await creating
      log.info(`Started run ${run.id} of sync "${config.name}".`)
      return { run, started: true }
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      lastError = error
      if (error.status === 404) throw await syncNotFound(client, config.name, error)
      if (error.status === 422) return onStartRefused(config, deps, error)
      if (!error.outcomeUnknown) throw error
      log.warning(
        `Starting a run of "${config.name}" failed (${error.message}); checking whether it was created anyway.`
      )
      const created = await findCreatedRun(client, config.name, history, clock, error.kind)
      if (created) {
        log.info(`Run ${created.id} was created by the failed request; following it.`)
        return { run: created, started: true }
      }
      await clock.sleep(backoffDelay(attempt))
    }
  }
  throw lastError ?? new Error('starting the run failed')
}

/**
 * Looks for the run a failed POST may have created: one that was not in `history`. A POST that
 * timed out may still be at work on the Platform, so then the listing is repeated for a while
 * (a little longer than the request itself was given) before the caller may try again.
 */
async function findCreatedRun(
  client: PlatformClient,
  syncName: string,
  history: SyncRun[],
  clock: Clock,
  failure: PlatformError['kind']
): Promise<SyncRun | undefined> {
  const known = new Set(history.map((run) => run.id))
  const looks = failure === 'timeout' ? LATE_CREATE_LOOKS : 1
  for (let look = 1; ; look++) {
    const runs = await client.listRuns(syncName, RUN_HISTORY_SIZE)
    const created = runs.items.find((run) => !known.has(run.id) && isNewerThanAll(run, history))
    if (created || look >= looks) return created
    await clock.sleep(Math.max(500, client.requestTimeoutMs / 5))
  }
}

function isNewerThanAll(run: SyncRun, history: SyncRun[]): boolean {
  const created = Date.parse(run.created_at)
  return history.every((known) => Date.parse(known.created_at) <= created)
}

/** The spec does not say what a POST does while a run is active; a 422 is read as that. */
async function onStartRefused(
  config: SyncConfig,
  deps: SyncStageDeps,
  error: PlatformError
): Promise<{ run: SyncRunDetails; started: boolean } | { refusal: string }> {
  const runs = await deps.client.listRuns(config.name, RUN_HISTORY_SIZE)
  const active = runs.items.find((run) => isActive(run.status))
  if (!active) throw error
  if (config.ifRunning === 'fail') {
    return {
      refusal: `Sync "${config.name}" already has an active run ${active.id}, and "if-running" is "fail".`
    }
  }
  deps.log.warning(
    `The Platform refused to start another run of "${config.name}" while run ${active.id} is active (${error.serverMessage ?? 'HTTP 422'}); following that run instead.`
  )
  return { run: active, started: false }
}

async function listRunsOrExplain(client: PlatformClient, syncName: string): Promise<SyncRun[]> {
  try {
    return (await client.listRuns(syncName, RUN_HISTORY_SIZE)).items
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404)
      throw await syncNotFound(client, syncName, error)
    throw error
  }
}

/** A 404 for a sync, with the closest names the Platform has. */
async function syncNotFound(
  client: PlatformClient,
  syncName: string,
  error: PlatformError
): Promise<PlatformError> {
  const suggestions = await closestSyncNames(client, syncName).catch(() => [])
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((name) => `"${oneLine(name, 100)}"`).join(', ')}?`
      : ' Check "sync-name": it is the sync\'s name (letters, digits, "-", "_"), not its display name.'
  return new PlatformError(
    `Sync "${syncName}" was not found on the Platform (404).${hint}`,
    'http',
    error.endpoint,
    404,
    error.serverMessage
  )
}

async function closestSyncNames(client: PlatformClient, syncName: string): Promise<string[]> {
  // The filter matches parts of names, so ask with pieces of the name as well as the whole.
  const pieces = [
    ...new Set([syncName, ...syncName.split(/[-_]/).filter((piece) => piece.length >= 3)])
  ].slice(0, 4)
  const pages = await Promise.all(
    pieces.map((piece) => client.listSyncs(piece).catch(() => ({ items: [] })))
  )
  const names = [...new Set(pages.flatMap((page) => page.items.map((sync) => sync.name)))]
  return names
    .map((name) => ({ name, distance: editDistance(name.toLowerCase(), syncName.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((entry) => entry.name)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

/** Polls the run (woken early by the end of its live log stream) until it is finished or time runs out. */
async function waitForRun(
  config: SyncConfig,
  deps: SyncStageDeps,
  tracker: RunTracker,
  history: SyncRun[],
  outcome: SyncOutcome
): Promise<SyncRunDetails> {
  const { client, clock, log } = deps
  const run = tracker.run as SyncRunDetails
  const expectedMs = expectedDuration(history)
  const waker = new Waker()
  let seenStatus = run.status
  const stream = new LiveLogs(client, config.name, run.id, {
    print: config.logs === 'always' ? (line) => log.info(`│ ${line}`) : undefined,
    onEnd: (reason) => {
      log.debug(`Live log stream: ${reason}.`)
      // The spec answers 204 while a run has not started: that says nothing about its end.
      if (reason === 'unavailable' && (seenStatus === 'created' || seenStatus === 'pending')) return
      waker.wake()
    }
  })
  stream.follow(run.status)
  // Starting (or finding) the run answered its state a moment ago: that is the first look, so the
  // first status request waits for the schedule.
  let known: SyncRunDetails | undefined = run

  let lastStatus = ''
  let lastProgressAt = clock.now()
  const ageAtStart = runAge(run, clock.now())
  const unknownStatuses = new Set<string>()
  log.info(
    `Waiting up to ${formatDuration(config.timeoutMs)} for run ${run.id}${expectedMs ? ` (earlier runs took about ${formatDuration(expectedMs)})` : ''}.`
  )
  const result = await pollUntil<SyncRunDetails>({
    clock,
    waker,
    signal: deps.signal,
    timeoutMs: config.timeoutMs,
    check: async () => {
      if (known) {
        const value = known
        known = undefined
        return value
      }
      const value = await client.getRun(config.name, run.id)
      outcome.statusChecks++
      return value
    },
    isDone: isFinished,
    onValue: (current, elapsedMs) => {
      tracker.run = current
      seenStatus = current.status
      const status = statusLabel(current)
      if (status !== lastStatus) {
        log.info(`Run ${current.id}: ${status} (${formatDuration(elapsedMs)} elapsed).`)
        lastStatus = status
        lastProgressAt = clock.now()
      } else if (clock.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
        log.info(
          `Run ${current.id}: still ${status}; ${progressLine(current)}; ${formatDuration(elapsedMs)} elapsed.`
        )
        lastProgressAt = clock.now()
      }
      if (
        !isTerminal(current.status) &&
        !isActive(current.status) &&
        !unknownStatuses.has(current.status)
      ) {
        unknownStatuses.add(current.status)
        log.warning(
          `Run ${current.id} reports status "${oneLine(current.status, 60)}", which this action does not know; waiting until it ends or the timeout.`
        )
      }
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
  })
  stream.stop()
  outcome.waitedMs = result.elapsedMs

  let final = 'value' in result ? result.value : result.last
  if (result.kind === 'timeout') {
    outcome.timedOut = true
    outcome.verdict = 'fail'
    const what = isTerminal(final.status) ? 'its data to be ingested' : 'it to finish'
    outcome.reasons.push(
      `Timed out after ${formatDuration(result.elapsedMs)} waiting for run ${final.id} of sync "${config.name}" (status "${final.status}") — waited for ${what}.`
    )
    if (config.cancelOnTimeout && tracker.startedByAction && !isTerminal(final.status)) {
      const cancelled = await cancelStartedRun(client, tracker, log)
      outcome.cancelledByAction = cancelled !== undefined
      // Not returned at once: a timed-out run's logs are printed below like a failed run's.
      if (cancelled) final = { ...final, ...cancelled }
    } else if (!tracker.startedByAction && !isTerminal(final.status)) {
      log.info(`Run ${final.id} was not started by this action, so it is left running.`)
    }
  }
  // With `always` the lines were printed as they came; `on-failure` prints them only now.
  if (config.logs === 'on-failure' && (runFailed(final) || outcome.timedOut)) {
    outcome.logLines = await fetchRunLogs(client, config.name, final.id).catch((error: unknown) => {
      log.warning(
        `Could not read the run's stored logs (${error instanceof Error ? error.message : String(error)}); showing the streamed lines.`
      )
      return stream.recentLines
    })
    if (outcome.logLines.length === 0) outcome.logLines = stream.recentLines
    log.group(`Logs of run ${final.id} (last ${outcome.logLines.length} lines)`, outcome.logLines)
  }
  return final
}

/** Cancels the run this action started; returns its new state, or undefined when that failed. */
export async function cancelStartedRun(
  client: PlatformClient,
  tracker: RunTracker,
  log: Logger
): Promise<SyncRun | undefined> {
  if (!tracker.runId || !tracker.startedByAction) return undefined
  if (tracker.run && isTerminal(tracker.run.status)) return undefined
  try {
    const run = await client.cancelRun(tracker.syncName, tracker.runId)
    log.info(
      `Cancelled run ${tracker.runId} of sync "${tracker.syncName}", which this action started.`
    )
    return run
  } catch (error) {
    log.warning(
      `Could not cancel run ${tracker.runId}: ${error instanceof Error ? error.message : String(error)}`
    )
    return undefined
  }
}

function runFailed(run: SyncRun): boolean {
  return (
    run.status === 'failed' ||
    run.status === 'cancelled' ||
    run.status_reason === 'ingestion_failed' ||
    run.status_reason === 'oom_killed'
  )
}

/** The stage's verdict on a finished run. */
export function judgeRun(
  run: SyncRun,
  config: Pick<SyncConfig, 'maxErrors' | 'name'>,
  outcome: Pick<SyncOutcome, 'verdict' | 'reasons' | 'warnings'>
): void {
  const fail = (reason: string): void => {
    outcome.verdict = 'fail'
    outcome.reasons.push(reason)
  }
  const id = `Run ${run.id} of sync "${config.name}"`
  const errors = run.errors ?? 0
  switch (run.status) {
    case 'completed':
      if (run.status_reason === 'ingestion_failed') {
        fail(
          `${id} completed, but its data could not be ingested into the Platform (ingestion_failed), so policy results would not reflect it.`
        )
      } else if (run.status_reason === 'partial_success') {
        outcome.warnings.push(
          `${id} completed with partial success: ${errors} error(s) and ${run.warnings ?? 0} warning(s); some tables may be incomplete.`
        )
      }
      break
    case 'failed':
      fail(
        run.status_reason === 'oom_killed'
          ? `${id} failed: it ran out of memory and was killed (oom_killed). Give the sync more memory or split its tables.`
          : `${id} failed${run.status_reason ? ` (${oneLine(run.status_reason, 60)})` : ''} with ${errors} error(s). See its logs below.`
      )
      break
    case 'cancelled':
      fail(`${id} was cancelled before it finished.`)
      break
  }
  if (config.maxErrors !== undefined && errors > config.maxErrors) {
    fail(`${id} had ${errors} error(s); at most ${config.maxErrors} allowed (max-sync-errors).`)
  }
}

async function fetchTablesWithErrors(
  client: PlatformClient,
  syncName: string,
  runId: string,
  log: Logger
): Promise<SyncRunTableStat[]> {
  try {
    const page = await client.listRunTables(syncName, runId, MAX_TABLES)
    return page.items.filter((table) => (table.errors ?? 0) > 0).slice(0, MAX_TABLES)
  } catch (error) {
    log.warning(
      `Could not read the run's table statistics: ${error instanceof Error ? error.message : String(error)}`
    )
    return []
  }
}

function statusLabel(run: SyncRun): string {
  if (run.status === 'completed' && !isFinished(run)) return 'completed, ingesting data'
  return run.status_reason ? `${run.status} (${run.status_reason})` : run.status
}

function progressLine(run: SyncRun): string {
  return `${run.total_rows ?? 0} rows, ${run.errors ?? 0} errors, ${run.warnings ?? 0} warnings`
}

function runAge(run: SyncRun, now: number): number | undefined {
  const created = Date.parse(run.created_at)
  return Number.isFinite(created) ? Math.max(0, now - created) : undefined
}

function runDurationSeconds(run: SyncRun): number | undefined {
  if (!run.completed_at) return undefined
  const ms = Date.parse(run.completed_at) - Date.parse(run.created_at)
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined
}
