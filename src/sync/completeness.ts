// Whether the policy results can mean anything yet: they are evaluated over the data the runs
// loaded, so they are read only once that data is complete. Pure, so each rule is tested alone.

import type { IfRunning } from '../inputs/config.js'
import type { SyncOutcome } from './outcome.js'

export interface SyncStageState {
  /** The syncs the workflow named, in order (one for an external sync). */
  names: readonly string[]
  ifRunning?: IfRunning
  /** By the order of `names`; a gap for a sync whose stage has no outcome. */
  outcomes: readonly (SyncOutcome | undefined)[]
  /** A stage before the syncs failed (the preflight, the inputs). */
  otherStageFailed: boolean
  /** A sync's stage threw (a Platform it could not talk to). */
  syncStageThrew: boolean
}

/**
 * Why the policy stage must not run yet; undefined when it may. The data is complete when every
 * run has ended (finished with its data ingested, failed, or cancelled: none still running or
 * ingesting, none left unawaited, none whose stage ended without knowing whether a run is going,
 * no other run of a sync refused by `if-running: fail` still going) and at least one finished with
 * its data ingested, so a failed sync among several does not hold back the others' results.
 */
export function whyPolicyDataIsIncomplete(state: SyncStageState): string | undefined {
  const { names } = state
  if (names.length === 0) return undefined
  if (state.otherStageFailed) return 'the sync stage did not finish'
  const skips = names.map((_, index) => runSkip(state, index))
  if (names.length === 1) return skips[0]?.reason
  const open = skips.findIndex((skip) => skip?.open)
  if (open >= 0) return `the data of sync "${names[open]}" may still change: ${skips[open]!.reason}`
  if (skips.every((skip) => skip !== undefined))
    return 'no sync run finished with its data ingested, so the policy results would not reflect any'
  return undefined
}

interface RunSkip {
  reason: string
  /** The run may still be writing data, so no result over it is complete yet. */
  open: boolean
}

/** Why one run's data is not in the policy results; undefined when it is. */
function runSkip(state: SyncStageState, index: number): RunSkip | undefined {
  const sync = state.outcomes[index]
  // A stage that threw before it knew of a run (its start unanswered, say) may have one going.
  if (!sync) return { reason: 'the sync stage did not finish', open: true }
  // A CLI run not found (yet) may still be created, and upload: the CLI, not this action, starts it.
  if (!sync.view && sync.kind === 'external')
    return { reason: 'its CLI run was not found, so its data may still arrive', open: true }
  const open = sync.view !== undefined && sync.view.phase !== 'ended'
  // One sync keeps its one message for any failure of its stage.
  if (state.syncStageThrew && state.names.length === 1)
    return { reason: 'the sync stage did not finish', open }
  // A failure first: a run refused by if-running: fail was not awaited either, but not because of wait.
  if (sync.verdict === 'fail') {
    if (sync.waited)
      return { reason: 'the sync run failed, so the policy results would not reflect it', open }
    // Another run of the sync is going, writing the tables the policies read.
    if (state.ifRunning === 'fail' && !sync.startedByAction) {
      return {
        reason: 'no run was started: the sync already had an active run and "if-running" is "fail"',
        open: true
      }
    }
    return { reason: 'the sync stage failed before its run finished', open }
  }
  if (!sync.waited) {
    return {
      reason: 'the run was not awaited (wait: false), so its data is not in the results yet',
      open: true
    }
  }
  return undefined
}
