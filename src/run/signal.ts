// A cancelled workflow (SIGINT, then SIGTERM 7.5 s later): the stages are stopped and closed out of
// the state, the runs this action started are cancelled (a start under way is awaited first, so
// the run it creates is cancelled too), and what is known is published, each within a deadline.
// A CLI run being followed is reported as last seen, and never cancelled.

import { settleWithin } from '../lib/poll.js'
import { cancelStartedRun } from '../sync/cancel.js'
import type { ActionDeps, Publisher } from './deps.js'
import type { RunState } from './state.js'

/** How long a cancelled workflow gives us: the runner sends SIGTERM 7.5 s after SIGINT. */
const CANCEL_DEADLINE_MS = 2_000
/**
 * How long a signal waits for the answer to a start request under way, so that the run it
 * created is known, saved for the post step and cancelled: most of the runner's grace, leaving
 * CANCEL_DEADLINE_MS for the cancel itself.
 */
const START_GRACE_MS = 5_000

export interface SignalContext {
  state: RunState
  /** Stops the stages: they start nothing new and stop waiting. */
  abort: AbortController
  deps: Pick<ActionDeps, 'client' | 'clock' | 'log'>
  publish: Publisher
}

export async function cancelOnSignal(
  signal: string,
  { state, abort, deps, publish }: SignalContext
): Promise<void> {
  const { clock, log } = deps
  log.warning(`Received ${signal}: the workflow was cancelled or timed out.`)
  abort.abort()
  state.cancel()
  await settleWithin(state.startsSettled(), START_GRACE_MS, clock)
  await settleWithin(cancelStarted(state, deps), CANCEL_DEADLINE_MS, clock)
  await settleWithin(publish(state.snapshot(clock.now())), CANCEL_DEADLINE_MS, clock)
}

/** Cancels every run this action started and has not seen end; never one it attached to. */
async function cancelStarted(state: RunState, deps: SignalContext['deps']): Promise<void> {
  await Promise.all(
    state.runsToCancel().map(async ({ index, syncName, known }) => {
      const answer = await cancelStartedRun(deps, syncName, known)
      if (answer) state.cancelledOnSignal(index, answer)
    })
  )
}
