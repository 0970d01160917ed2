// The state of one run of the action, with one owner: what the preflight found, a slot per run
// followed, the stages' errors, the policy stage's outcome or why it was skipped, and whether the
// workflow was cancelled. It changes only through the methods below. A signal closes it to the
// stages, so whatever they report afterwards cannot change the report the signal publishes; the
// report, at the end or on a signal, is made from one frozen snapshot of it.

import type { ActionConfig, BaselineFile } from '../inputs/config.js'
import type { PolicyOutcome } from '../policies/outcome.js'
import type { SyncRun } from '../platform/types.js'
import type { KnownRun } from '../sync/cancel.js'
import type { ExternalRunObserver, ManagedRunObserver } from '../sync/observer.js'
import type { ExternalOutcome, ManagedOutcome, SyncOutcome } from '../sync/outcome.js'
import type { StageError, StageName } from '../verdict/decide.js'
import { ExternalSlot, ManagedSlot, type Door, type SavedRun } from './slots.js'

export type { SavedRun } from './slots.js'

/** The state at one moment, frozen: what the report is made from. */
export interface RunSnapshot {
  readonly startedAt: string
  readonly takenAt: string
  readonly platformVersion?: string
  /** The baseline the preflight found (`baseline-artifact`); a `baseline-file` is the config's. */
  readonly baseline?: BaselineFile
  readonly errors: readonly StageError[]
  readonly cancelled: boolean
  /** By the order the workflow named the syncs; a gap for a sync whose stage has no outcome. */
  readonly syncs: readonly (SyncOutcome | undefined)[]
  readonly policies?: PolicyOutcome
  /** Why the policy stage was configured but not run. */
  readonly policiesSkipped?: string
}

/** A run a signal's handler may cancel, and where its answer goes. */
export interface RunToCancel {
  index: number
  syncName: string
  known: KnownRun
}

export class RunState {
  private readonly managed: ManagedSlot[]
  private readonly external: ExternalSlot[]
  private readonly errors: StageError[] = []
  private platformVersion?: string
  private baseline?: BaselineFile
  private policies?: PolicyOutcome
  private policiesSkipped?: string
  private cancelled = false

  /** `onRunsChanged` hears of every run that becomes known, to save it for the post step. */
  constructor(
    config: Pick<ActionConfig, 'syncs' | 'externalSyncs'>,
    private readonly startedAt: string,
    onRunsChanged: (runs: SavedRun[]) => void = () => undefined
  ) {
    const door: Door = {
      isOpen: () => !this.cancelled,
      runsChanged: () => onRunsChanged(this.savedRuns())
    }
    this.managed = config.syncs.map((sync) => new ManagedSlot(sync.name, sync.wait, door))
    this.external = config.externalSyncs.map(({ id }) => new ExternalSlot(id, door))
  }

  // --- What the stages report (refused after a signal) -----------------------------------------

  preflightPassed(platformVersion: string): void {
    if (!this.cancelled) this.platformVersion = platformVersion
  }

  baselineFound(baseline: BaselineFile): void {
    if (!this.cancelled) this.baseline = baseline
  }

  stageFailed(stage: StageName, message: string): void {
    if (!this.cancelled) this.errors.push({ stage, message })
  }

  managedObserver(index: number): ManagedRunObserver {
    return this.managed[index]
  }

  externalObserver(index: number): ExternalRunObserver {
    return this.external[index]
  }

  syncEnded(index: number, outcome: SyncOutcome): void {
    if (outcome.kind === 'managed') this.managed[index]?.ended(outcome)
    else this.external[index]?.ended(outcome)
  }

  /** A sync's stage threw: its error, and a managed run it knew of reported as failed. */
  syncThrew(index: number, message: string): void {
    if (this.cancelled) return
    this.errors.push({ stage: 'sync', message })
    this.managed[index]?.stageThrew()
  }

  policiesDone(outcome: PolicyOutcome): void {
    if (!this.cancelled) this.policies = outcome
  }

  policiesNotRun(reason: string): void {
    if (!this.cancelled) this.policiesSkipped = reason
  }

  // --- What a signal's handler does -------------------------------------------------------------

  /** The workflow was cancelled: from now on the stages' reports are refused. */
  cancel(): void {
    this.cancelled = true
  }

  get isCancelled(): boolean {
    return this.cancelled
  }

  /** Settles once every start request under way has answered. */
  async startsSettled(): Promise<void> {
    await Promise.all(this.managed.map((slot) => slot.startSettled()))
  }

  /** The runs this action started (a cancel skips those already ended). */
  runsToCancel(): RunToCancel[] {
    return this.managed.flatMap((slot, index) => {
      const known = slot.toCancel
      return known ? [{ index, syncName: slot.syncName, known }] : []
    })
  }

  cancelledOnSignal(index: number, run: SyncRun): void {
    this.managed[index]?.cancelledOnSignal(run)
  }

  // --- Reading -----------------------------------------------------------------------------------

  /** The runs known so far, for the post step. */
  savedRuns(): SavedRun[] {
    return this.managed.flatMap((slot) => slot.savedRun() ?? [])
  }

  /** The state now, frozen; after a signal each run without an outcome is reported as last seen. */
  snapshot(now: number): RunSnapshot {
    const syncs: (ManagedOutcome | ExternalOutcome | undefined)[] =
      this.external.length > 0
        ? this.external.map((slot) => slot.reported(this.cancelled))
        : this.managed.map((slot) => slot.reported(this.cancelled))
    return deepFreeze({
      startedAt: this.startedAt,
      takenAt: new Date(now).toISOString(),
      platformVersion: this.platformVersion,
      baseline: this.baseline,
      errors: [...this.errors],
      cancelled: this.cancelled,
      syncs,
      policies: this.policies,
      policiesSkipped: this.policiesSkipped
    })
  }
}

/** Freezes a plain value all the way down, so no renderer or late write can change a snapshot. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const child of Object.values(value)) deepFreeze(child)
  return value
}
