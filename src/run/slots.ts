// One slot per run the step follows: a named sync's run, or a CLI run (an external sync). Each goes
// waiting → starting → known → ended, and is the observer its sync's stage reports to. A slot takes
// a stage's report only while its door is open: after a signal the signal's report is final.

import type { ExternalSync, SyncRun, SyncRunDetails } from '../platform/types.js'
import type { KnownRun } from '../sync/cancel.js'
import type { ExternalRunObserver, ManagedRunObserver } from '../sync/observer.js'
import {
  interruptedExternal,
  interruptedManaged,
  managedOutcome,
  type ExternalOutcome,
  type ManagedOutcome
} from '../sync/outcome.js'

export type SlotPhase = 'waiting' | 'starting' | 'known' | 'ended'

/** What a slot is told by the state that holds it. */
export interface Door {
  /** The stages may still report: no signal has come. */
  isOpen(): boolean
  /** A run became known: its identity is saved at once, so a killed process leaves it to the post step. */
  runsChanged(): void
}

/** A run the post step may have to cancel. */
export interface SavedRun {
  syncName: string
  runId: string
  startedByAction: boolean
}

export class ManagedSlot implements ManagedRunObserver {
  private starting?: Promise<void>
  private known?: KnownRun
  private outcome?: ManagedOutcome
  /** The signal's handler cancelled the run (a cancel on timeout is the stage's, in its outcome). */
  private cancelledBySignal = false

  /** `waits`: the workflow asked to wait for the run (`wait`). */
  constructor(
    readonly syncName: string,
    private readonly waits: boolean,
    private readonly door: Door
  ) {}

  get phase(): SlotPhase {
    if (this.outcome) return 'ended'
    if (this.known) return 'known'
    return this.starting ? 'starting' : 'waiting'
  }

  startPending(creating: Promise<SyncRunDetails>): void {
    if (!this.door.isOpen()) return
    // Taken in even after a signal: a start under way is awaited so that its run can be cancelled.
    // Nobody awaits this but the signal's handler: a failed start must not be an unhandled rejection.
    this.starting = creating.then((run) => this.learn(run, true)).catch(() => undefined)
  }

  runKnown(run: SyncRunDetails, startedByAction: boolean): void {
    if (this.door.isOpen()) this.learn(run, startedByAction)
  }

  statusSeen(run: SyncRunDetails): void {
    if (this.door.isOpen() && this.known) this.known = { ...this.known, run }
  }

  cancelAnswered(run: Partial<SyncRun>): void {
    if (this.door.isOpen()) this.answered(run)
  }

  /** The stage's outcome. */
  ended(outcome: ManagedOutcome): void {
    if (this.door.isOpen()) this.outcome = outcome
  }

  /** The stage threw: a run it knew of is reported, as failed; `waited` as the workflow asked. */
  stageThrew(): void {
    if (!this.door.isOpen() || !this.known) return
    this.outcome = interruptedManaged(
      this.syncName,
      { ...this.known, cancelledByAction: false },
      this.waits
    )
  }

  /** Settles once a start request under way has answered (at once when there is none). */
  async startSettled(): Promise<void> {
    await this.starting
  }

  /** The run to cancel on a signal: one this action started, not seen ended. */
  get toCancel(): KnownRun | undefined {
    return this.known?.startedByAction ? this.known : undefined
  }

  /** The answer to the cancel the signal's handler sent. */
  cancelledOnSignal(run: SyncRun): void {
    if (!this.known) return
    this.cancelledBySignal = true
    this.answered(run)
  }

  savedRun(): SavedRun | undefined {
    if (!this.known) return undefined
    return {
      syncName: this.syncName,
      runId: this.known.run.id,
      startedByAction: this.known.startedByAction
    }
  }

  /**
   * What the report holds: the stage's outcome; after a signal a run this action just cancelled
   * says so with the state the cancel answered, and a run known without an outcome is reported as
   * last seen, failed (it was not followed to its end).
   */
  reported(cancelled: boolean): ManagedOutcome | undefined {
    const cancelledByAction = this.cancelledBySignal
    if (this.outcome) {
      if (!cancelledByAction || !this.known) return this.outcome
      return managedOutcome(this.syncName, {
        ...this.outcome,
        run: this.known.run,
        cancelledByAction
      })
    }
    if (!cancelled || !this.known) return undefined
    return interruptedManaged(this.syncName, { ...this.known, cancelledByAction }, true)
  }

  private learn(run: SyncRunDetails, startedByAction: boolean): void {
    this.known = { run, startedByAction }
    this.door.runsChanged()
  }

  /** What a cancel answered changed, over the last state seen. */
  private answered(run: Partial<SyncRun>): void {
    if (this.known) this.known = { ...this.known, run: { ...this.known.run, ...run } }
  }
}

export class ExternalSlot implements ExternalRunObserver {
  private lastSeen?: ExternalSync
  private outcome?: ExternalOutcome

  constructor(
    readonly id: string,
    private readonly door: Door
  ) {}

  get phase(): SlotPhase {
    if (this.outcome) return 'ended'
    return this.lastSeen ? 'known' : 'waiting'
  }

  externalSeen(sync: ExternalSync): void {
    if (this.door.isOpen()) this.lastSeen = sync
  }

  ended(outcome: ExternalOutcome): void {
    if (this.door.isOpen()) this.outcome = outcome
  }

  /** A CLI run never cancelled: after a signal it is reported as last seen, failed. */
  reported(cancelled: boolean): ExternalOutcome | undefined {
    if (this.outcome || !cancelled) return this.outcome
    return interruptedExternal(this.id, this.lastSeen)
  }
}
