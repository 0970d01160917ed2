// What is known about the run at any moment, for whoever must act on it before the stage returns:
// the signal handler that cancels it and the post step that cleans up after a killed process. Its
// state is read-only from outside and changes only through the named methods below.

import { messageOf } from '../lib/text.js'
import type { Logger } from '../lib/logger.js'
import type { PlatformClient } from '../platform/client.js'
import { isTerminal, type SyncRun, type SyncRunDetails } from '../platform/types.js'
import { blankOutcome, type SyncOutcome } from './outcome.js'

export class RunTracker {
  private known?: { run: SyncRunDetails; startedByAction: boolean }
  private starting?: Promise<unknown>

  /** `onRunKnown` runs whenever the run becomes known, so its identity survives a killed process. */
  constructor(
    readonly syncName: string,
    private readonly onRunKnown: (tracker: RunTracker) => void = () => undefined
  ) {}

  get runId(): string | undefined {
    return this.known?.run.id
  }

  /** The run's latest known state. */
  get run(): SyncRunDetails | undefined {
    return this.known?.run
  }

  /** This action created the run (so it may cancel it); false when it attached to one. */
  get startedByAction(): boolean {
    return this.known?.startedByAction ?? false
  }

  /** Settles once a start request under way has answered (or at once when there is none). */
  async startSettled(): Promise<void> {
    await this.starting
  }

  /** The run to follow is known: started by this action, or attached to. */
  runKnown(run: SyncRunDetails, startedByAction: boolean): void {
    this.known = { run, startedByAction }
    this.onRunKnown(this)
  }

  /** A POST is starting a run: a cancelled workflow must be able to cancel it once it answers. */
  startPending(creating: Promise<SyncRunDetails>): void {
    // Nobody awaits this but a signal handler: a failed start (or a failed save of the run's
    // identity, which the end of the step repeats) must not become an unhandled rejection.
    this.starting = creating.then((created) => this.runKnown(created, true)).catch(() => undefined)
  }

  /** A status check read the run's current state. */
  statusSeen(run: SyncRunDetails): void {
    if (this.known) this.known = { ...this.known, run }
  }

  /** The answer to a cancel: what it says changed, over the last state seen. */
  cancelAnswered(run: Partial<SyncRunDetails>): void {
    if (this.known) this.known = { ...this.known, run: { ...this.known.run, ...run } }
  }
}

/**
 * Cancels the run this action started (never one it attached to, nor one that already ended);
 * returns its new state, or undefined when there was nothing to cancel or the cancel failed.
 */
export async function cancelStartedRun(
  client: PlatformClient,
  tracker: RunTracker,
  log: Logger
): Promise<SyncRun | undefined> {
  if (!tracker.runId || !tracker.startedByAction) return undefined
  if (tracker.run && isTerminal(tracker.run.status)) return undefined
  try {
    const run = await client.cancelRun(tracker.syncName, tracker.runId)
    tracker.cancelAnswered(run)
    log.info(
      `Cancelled run ${tracker.runId} of sync "${tracker.syncName}", which this action started.`
    )
    return run
  } catch (error) {
    log.warning(`Could not cancel run ${tracker.runId}: ${messageOf(error)}`)
    return undefined
  }
}

/** What is known before (or without) following the run to its end: the verdict waits for the run. */
export function outcomeSoFar(tracker: RunTracker): SyncOutcome {
  return {
    ...blankOutcome('managed', tracker.syncName),
    run: tracker.run,
    startedByAction: tracker.startedByAction
  }
}

/**
 * A stage that threw, or was interrupted, still reports the run it knew about, as failed; `waited`
 * is what the workflow asked for (`wait`), so a failed request is never shown as `wait: false`.
 */
export function interruptedOutcome(tracker: RunTracker, waited: boolean): SyncOutcome | undefined {
  return tracker.runId ? { ...outcomeSoFar(tracker), waited, verdict: 'fail' } : undefined
}
