// One slot per run the step follows: a named sync's run, or a CLI run (an external sync). Each
// goes waiting → starting → known → ended, and is the observer its sync's stage reports to. A slot
// takes a stage's report only while its door is open: after a signal the signal's report is final.

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

/** What a slot is told by the state that holds it. */
export interface Door {
  /** The stages may still report: no signal has come. */
  isOpen(): boolean
  /** A run became known: saved at once, so that a killed process leaves it to the post step. */
  runsChanged(): void
}

/** A run the post step may have to cancel. */
export interface SavedRun {
  syncName: string
  runId: string
  startedByAction: boolean
}

/**
 * Where a named sync's slot is: nothing started yet (waiting for a start slot, or looking for an
 * active run); a start request under way; the run known (its last state seen); its stage ended.
 */
type ManagedPhase =
  | { phase: 'waiting' }
  | { phase: 'starting'; answered: Promise<void> }
  | { phase: 'known'; known: KnownRun }
  | { phase: 'ended'; outcome: ManagedOutcome; known?: KnownRun }

export class ManagedSlot implements ManagedRunObserver {
  private current: ManagedPhase = { phase: 'waiting' }
  /** The signal's handler cancelled the run (a cancel on timeout is in the stage's outcome). */
  private cancelledBySignal = false
  /** A run this action created that the stage learned of after a signal: for the post step only. */
  private startedLate?: KnownRun

  /** `waits`: the workflow asked to wait for the run (`wait`). */
  constructor(
    readonly syncName: string,
    private readonly waits: boolean,
    private readonly door: Door
  ) {}

  startPending(creating: Promise<SyncRunDetails>): void {
    if (!this.door.isOpen()) return
    // Taken in even after a signal: a start under way is awaited so that its run can be cancelled.
    // Only the signal's handler awaits this: a failed start must not be an unhandled rejection.
    const answered = creating.then((run) => this.learn(run, true)).catch(() => undefined)
    this.current = { phase: 'starting', answered }
  }

  runKnown(run: SyncRunDetails, startedByAction: boolean): void {
    if (this.door.isOpen()) return this.learn(run, startedByAction)
    // Too late for the report, which the signal made final; but a run this action created (found
    // after a start whose answer was lost) is still saved for the post step to cancel.
    if (startedByAction && !this.known) {
      this.startedLate = { run, startedByAction }
      this.door.runsChanged()
    }
  }

  statusSeen(run: SyncRunDetails): void {
    if (this.door.isOpen() && this.current.phase === 'known') {
      this.current = { phase: 'known', known: { ...this.current.known, run } }
    }
  }

  cancelAnswered(run: Partial<SyncRun>): void {
    if (this.door.isOpen()) this.answered(run)
  }

  /** The stage's outcome. */
  ended(outcome: ManagedOutcome): void {
    if (this.door.isOpen()) this.current = { phase: 'ended', outcome, known: this.known }
  }

  /** The stage threw: a run it knew of is reported, as failed; `waited` as the workflow asked. */
  stageThrew(): void {
    if (!this.door.isOpen() || this.current.phase !== 'known') return
    const { known } = this.current
    const outcome = interruptedManaged(
      this.syncName,
      { ...known, cancelledByAction: false },
      this.waits
    )
    this.current = { phase: 'ended', outcome, known }
  }

  /** Settles once a start request under way has answered (at once when there is none). */
  async startSettled(): Promise<void> {
    if (this.current.phase === 'starting') await this.current.answered
  }

  /** The run to cancel on a signal: one this action started (a cancel skips one that ended). */
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
    const known = this.known ?? this.startedLate
    if (!known) return undefined
    return { syncName: this.syncName, runId: known.run.id, startedByAction: known.startedByAction }
  }

  /**
   * What the report holds: the stage's outcome; after a signal a run this action just cancelled
   * says so with the state the cancel answered, and a run known without an outcome is reported as
   * last seen, failed (it was not followed to its end). Waiting or starting, there is no run.
   */
  reported(cancelled: boolean): ManagedOutcome | undefined {
    const cancelledByAction = this.cancelledBySignal
    switch (this.current.phase) {
      case 'ended': {
        const { outcome, known } = this.current
        if (!cancelledByAction || !known) return outcome
        return managedOutcome(this.syncName, { ...outcome, run: known.run, cancelledByAction })
      }
      case 'known':
        if (!cancelled) return undefined
        return interruptedManaged(this.syncName, { ...this.current.known, cancelledByAction }, true)
      default:
        return undefined
    }
  }

  private get known(): KnownRun | undefined {
    return this.current.phase === 'known' || this.current.phase === 'ended'
      ? this.current.known
      : undefined
  }

  private learn(run: SyncRunDetails, startedByAction: boolean): void {
    if (this.current.phase === 'ended') return
    this.current = { phase: 'known', known: { run, startedByAction } }
    this.door.runsChanged()
  }

  /** What a cancel answered changed, over the last state seen. */
  private answered(run: Partial<SyncRun>): void {
    const { known } = this
    if (!known) return
    const updated = { ...known, run: { ...known.run, ...run } }
    this.current =
      this.current.phase === 'ended'
        ? { ...this.current, known: updated }
        : { phase: 'known', known: updated }
  }
}

/** A CLI run: waiting (being looked for), known (its last state seen), ended (with its outcome). */
type ExternalPhase =
  | { phase: 'waiting' }
  | { phase: 'known'; lastSeen: ExternalSync }
  | { phase: 'ended'; outcome: ExternalOutcome }

export class ExternalSlot implements ExternalRunObserver {
  private current: ExternalPhase = { phase: 'waiting' }

  constructor(
    readonly id: string,
    private readonly door: Door
  ) {}

  externalSeen(sync: ExternalSync): void {
    if (this.door.isOpen() && this.current.phase !== 'ended')
      this.current = { phase: 'known', lastSeen: sync }
  }

  ended(outcome: ExternalOutcome): void {
    if (this.door.isOpen()) this.current = { phase: 'ended', outcome }
  }

  /** A CLI run is never cancelled: after a signal it is reported as last seen, failed. */
  reported(cancelled: boolean): ExternalOutcome | undefined {
    if (this.current.phase === 'ended') return this.current.outcome
    if (!cancelled) return undefined
    return interruptedExternal(
      this.id,
      this.current.phase === 'known' ? this.current.lastSeen : undefined
    )
  }
}
