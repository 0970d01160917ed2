// Finding the run to follow: the one named by `sync-run-id`, an active one (`if-running`), or a new
// one, started exactly once even when the answer to the start request is lost.

import type { SyncConfig } from '../inputs/config.js'
import { backoffDelay } from '../lib/backoff.js'
import type { Clock } from '../lib/poll.js'
import type { Logger } from '../lib/logger.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import { isActive, type SyncRun, type SyncRunDetails } from '../platform/types.js'
import { syncNotFound } from './not-found.js'
import type { ManagedRunObserver } from './observer.js'

const RUN_HISTORY_SIZE = 20
const START_ATTEMPTS = 3
/** After a POST timed out, the run list is read this often before a new POST. */
const LATE_CREATE_LOOKS = 6
/** How far ahead of this runner's clock the Platform's may be before a date is not believed. */
const CLOCK_SKEW_MS = 5 * 60_000

export const CANCELLED_BEFORE_START =
  'The workflow was cancelled before a run of this sync was started.'

export type Resolution =
  | { run: SyncRunDetails; started: boolean; history: SyncRun[] }
  | { refusal: string }
  /** `if-running: queue`: wait for this run (another's) to end, then resolve again. */
  | { queueBehind: SyncRun; history: SyncRun[] }

/** Finds the run to follow: the one named, an active one (`if-running`), or a new one. */
export async function resolveRun(
  config: SyncConfig,
  deps: StageDeps,
  observer: ManagedRunObserver
): Promise<Resolution> {
  const { log } = deps
  // Before anything is started, no request may outlast the time left; after, see startRun.
  const client = deps.startBy ? deps.client.within(deps.startBy) : deps.client
  const history = await listRunsOrExplain({ ...deps, client }, config.name)
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
    if (decision === 'queue') return { queueBehind: active, history }
    if (decision !== 'start') return 'refusal' in decision ? decision : { ...decision, history }
  }
  const run = await startRun(config, deps, history, observer)
  if ('refusal' in run || 'queueBehind' in run) return run
  return { ...run, history }
}

function onActiveRun(
  config: SyncConfig,
  active: SyncRun,
  log: Logger
): { run: SyncRun; started: false } | { refusal: string } | 'start' | 'queue' {
  const since = active.created_at ? ` since ${active.created_at}` : ''
  switch (config.ifRunning) {
    case 'queue':
      log.info(
        `Sync "${config.name}" already has an active run ${active.id} (status "${active.status}"${since}); waiting for it to end, then starting a run of this action's own (if-running: queue).`
      )
      return 'queue'
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

type Started =
  | { run: SyncRunDetails; started: boolean }
  | { refusal: string }
  | { queueBehind: SyncRun; history: SyncRun[] }

/**
 * Starts a run exactly once. A POST that failed in a way that leaves its effect unknown (network
 * error, 5xx) may still have created the run, so before trying again look for a run that appeared
 * since: one that was not there before the POST.
 */
async function startRun(
  config: SyncConfig,
  deps: StageDeps,
  history: SyncRun[],
  observer: ManagedRunObserver
): Promise<Started> {
  const { client, log, clock } = deps
  let lastError: PlatformError | undefined
  let lastUnknown = false
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    // After a signal nothing new is started: the handler cancels only the starts under way, and
    // there is no await between here and startPending, so none can slip past it.
    if (deps.signal?.aborted) return { refusal: CANCELLED_BEFORE_START }
    try {
      const creating = client.createRun(config.name)
      observer.startPending(creating)
      const run = await creating
      log.info(`Started run ${run.id} of sync "${config.name}".`)
      return { run, started: true }
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      lastError = error
      if (error.status === 404) throw await syncNotFound(client, config.name, error, deps.redact)
      // After a POST whose outcome is unknown, an active run that was not there before is ours.
      if (error.status === 422) return onStartRefused(config, deps, error, lastUnknown && history)
      if (!error.outcomeUnknown) throw error
      lastUnknown = true
      log.warning(
        `Starting a run of "${config.name}" failed (${error.message}); checking whether it was created anyway.`
      )
      const created = await findCreatedRuns(client, config.name, history, clock, error.kind)
      if (created.length > 0) return adoptFoundRun(config, created, log)
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
async function findCreatedRuns(
  client: PlatformClient,
  syncName: string,
  history: SyncRun[],
  clock: Clock,
  failure: PlatformError['kind']
): Promise<SyncRun[]> {
  const known = new Set(history.map((run) => run.id))
  const believable = history.filter(
    (run) => Date.parse(run.created_at) <= clock.now() + CLOCK_SKEW_MS
  )
  const looks = failure === 'timeout' ? LATE_CREATE_LOOKS : 1
  for (let look = 1; ; look++) {
    const runs = await client.listRuns(syncName, RUN_HISTORY_SIZE)
    const created = runs.items.filter(
      (run) => !known.has(run.id) && isNewerThanAll(run, believable)
    )
    if (created.length > 0 || look >= looks) return created
    await clock.sleep(Math.max(500, client.requestTimeoutMs / 5))
  }
}

/**
 * Copies of the action that start runs while another is going (`start`), or all at once when the
 * run they queued behind ends (`queue`): a run that appeared may be another copy's.
 */
function copiesStartTogether(config: SyncConfig): boolean {
  return config.ifRunning === 'start' || config.ifRunning === 'queue'
}

/**
 * A run that appeared after a start request whose answer was lost is this action's own (so it
 * cancels it on timeout or cancellation) only when no other copy can have started it: it is the
 * only new run and `if-running` is neither `start` nor `queue`. Otherwise it is followed but never
 * cancelled: a copy of the action cancels only what it started, and leaving a run going is the
 * lesser harm.
 */
function adoptFoundRun(
  config: SyncConfig,
  created: SyncRun[],
  log: Logger
): { run: SyncRun; started: boolean } {
  const [run] = created
  if (created.length === 1 && !copiesStartTogether(config)) {
    log.info(`Run ${run.id} was created by the failed request; following it.`)
    return { run, started: true }
  }
  const why =
    created.length > 1
      ? `${created.length} runs appeared since`
      : `with "if-running: ${config.ifRunning}" another copy of this action may have started it`
  log.warning(
    `Run ${run.id} of "${config.name}" appeared after a start request whose answer was lost, but ${why}: following it, though it will not be cancelled on timeout or cancellation, since it may not be this action's.`
  )
  return { run, started: false }
}

/**
 * A run not listed before the POST is new unless it is older than a run that was: dates the
 * Platform got wrong (unparseable, in the future) are left out of `history` by the caller, and a
 * new run with an unparseable date is taken as new rather than starting a second one.
 */
function isNewerThanAll(run: SyncRun, history: SyncRun[]): boolean {
  const created = Date.parse(run.created_at)
  if (Number.isNaN(created)) return true
  return history.every((known) => Date.parse(known.created_at) <= created)
}

/**
 * The spec does not say what a POST does while a run is active; a 422 is read as that. With
 * `if-running: queue` the stage waits for that run to end (it started between the listing and the
 * POST), then tries again.
 */
async function onStartRefused(
  config: SyncConfig,
  deps: StageDeps,
  error: PlatformError,
  beforeLostStart: SyncRun[] | false
): Promise<Started> {
  const runs = await deps.client.listRuns(config.name, RUN_HISTORY_SIZE)
  const active = runs.items.find((run) => isActive(run.status))
  if (!active) throw error
  if (beforeLostStart && !beforeLostStart.some((run) => run.id === active.id)) {
    const appeared = runs.items.filter(
      (run) => isActive(run.status) && !beforeLostStart.some((known) => known.id === run.id)
    )
    if (appeared.length > 1 || copiesStartTogether(config))
      return adoptFoundRun(config, appeared, deps.log)
    deps.log.info(
      `Run ${active.id} was created by an earlier request whose answer was lost; following it.`
    )
    return { run: active, started: true }
  }
  if (config.ifRunning === 'fail') {
    return {
      refusal: `Sync "${config.name}" already has an active run ${active.id}, and "if-running" is "fail".`
    }
  }
  if (config.ifRunning === 'queue') {
    deps.log.info(
      `The Platform refused to start another run of "${config.name}" while run ${active.id} is active (${error.serverMessage ?? 'HTTP 422'}); waiting for it to end (if-running: queue).`
    )
    return { queueBehind: active, history: runs.items }
  }
  deps.log.warning(
    `The Platform refused to start another run of "${config.name}" while run ${active.id} is active (${error.serverMessage ?? 'HTTP 422'}); following that run instead.`
  )
  return { run: active, started: false }
}

async function listRunsOrExplain(
  { client, redact }: StageDeps,
  syncName: string
): Promise<SyncRun[]> {
  try {
    return (await client.listRuns(syncName, RUN_HISTORY_SIZE)).items
  } catch (error) {
    if (error instanceof PlatformError && error.status === 404)
      throw await syncNotFound(client, syncName, error, redact)
    throw error
  }
}
