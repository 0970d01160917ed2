// Finding or starting the run to follow, in turn: with `if-running: queue`, while another run of the
// sync is going, wait for it to end, then start one of this action's own, so that the data judged
// was synced after this job's deploy. The run waited for is another's: it is never reported as
// known, saved for the post step or cancelled, and the policies are judged on data evaluated after
// this action's own run, not that one. The wait counts against `timeout`, and a cancelled workflow
// ends it like any wait.

import type { SyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { expectedDuration } from '../lib/poll-schedule.js'
import type { StageDeps } from '../platform/deps.js'
import { isTerminal, type SyncRun } from '../platform/types.js'
import { followRun, type RunSource } from './follow.js'
import type { ManagedRunObserver } from './observer.js'
import { runProgress } from './run-status.js'
import { CANCELLED_BEFORE_START, resolveRun, type Resolution } from './start.js'

/** The runs waited for before this action's own could start, and for how long in all. */
export interface Queueing {
  queuedBehind: string[]
  queuedMs: number
}

export type Resolved =
  | (Extract<Resolution, { run: unknown }> & Queueing)
  | ({ refusal: string; timedOut: boolean } & Queueing)

type Limit = <T>(start: () => Promise<T>) => Promise<T>

/**
 * Resolves the run to follow (start.ts); each time the answer is to queue behind another's run,
 * waits for that run to end and resolves again. `limitStarts` bounds the starts in flight when
 * several syncs start at once; a queue wait holds no start slot.
 */
export async function resolveInTurn(
  config: SyncConfig,
  deps: StageDeps,
  observer: ManagedRunObserver,
  limitStarts: Limit
): Promise<Resolved> {
  const since = deps.clock.now()
  const queuedBehind: string[] = []
  // Only a queue wait counts against the timeout: without one, the time starts with the run.
  const queueing = (): Queueing => ({
    queuedBehind: [...queuedBehind],
    queuedMs: queuedBehind.length > 0 ? deps.clock.now() - since : 0
  })
  for (;;) {
    // A sync still waiting for a start slot when the workflow is cancelled starts nothing.
    const resolved = await limitStarts((): Promise<Resolution> =>
      deps.signal?.aborted
        ? Promise.resolve({ refusal: CANCELLED_BEFORE_START })
        : resolveRun(config, deps, observer)
    )
    if ('refusal' in resolved) return { ...resolved, timedOut: false, ...queueing() }
    if ('run' in resolved) return { ...resolved, ...queueing() }
    const { queueBehind, history } = resolved
    queuedBehind.push(queueBehind.id)
    observer.queued(queueBehind)
    const remainingMs = config.timeoutMs - (deps.clock.now() - since)
    const ended = await waitForOthersRun(config, deps, queueBehind, history, remainingMs)
    if (ended !== 'ended') {
      const refusal =
        ended === 'aborted'
          ? CANCELLED_BEFORE_START
          : queueTimedOut(config, ended.last, deps.clock.now() - since)
      return { refusal, timedOut: ended !== 'aborted', ...queueing() }
    }
  }
}

/** Follows another's run until it has ended (its data's ingestion is not awaited: it is not ours). */
async function waitForOthersRun(
  config: SyncConfig,
  deps: StageDeps,
  run: SyncRun,
  history: SyncRun[],
  remainingMs: number
): Promise<'ended' | 'aborted' | { last: SyncRun }> {
  const { client } = deps
  const source: RunSource<SyncRun> = {
    read: () => client.getRun(config.name, run.id),
    isFinished: (current) => isTerminal(current.status),
    isIngesting: () => false,
    progress: (current) => runProgress(current, `Run ${current.id} (queued behind)`),
    createdAt: (current) => current.created_at
  }
  const plan = {
    timeoutMs: Math.max(0, remainingMs),
    pollIntervalMs: config.pollIntervalMs,
    expectedMs: expectedDuration(history)
  }
  const followed = await followRun(source, run, plan, deps, () => undefined)
  if (followed.kind === 'aborted') return 'aborted'
  if (followed.kind === 'timeout') return { last: followed.last }
  deps.log.info(
    `Run ${run.id} ended (status "${followed.last.status}"); starting a run of this action's own (if-running: queue).`
  )
  return 'ended'
}

function queueTimedOut(config: SyncConfig, last: SyncRun, waitedMs: number): string {
  return `Timed out after ${formatDuration(waitedMs)} waiting for run ${last.id} of sync "${config.name}" (status "${last.status}") to end before starting one of this action's own (if-running: queue). That run is not this action's, so it was left running; no run was started.`
}
