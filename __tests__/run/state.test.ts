// The run's state on its own: what each method changes, what a signal closes, what a snapshot is.

import { describe, expect, it } from '@jest/globals'
import type { SyncConfig } from '../../src/inputs/config.js'
import type { SyncRunDetails } from '../../src/platform/types.js'
import { RunState, type SavedRun } from '../../src/run/state.js'
import { managedOutcome, type ManagedOutcome } from '../../src/sync/outcome.js'
import { passingPolicies, syncOutcome, syncRun } from '../__fixtures__/report.js'

const STARTED_AT = '2026-11-27T10:00:00.000Z'
const NOW = Date.parse('2026-11-27T10:05:00.000Z')

function sync(name: string, wait = true): SyncConfig {
  return {
    name,
    wait,
    ifRunning: 'attach',
    timeoutMs: 600_000,
    pollIntervalMs: 15_000,
    cancelOnTimeout: true,
    logs: 'on-failure'
  }
}

function stateOf(...syncs: SyncConfig[]): { state: RunState; saved: SavedRun[][] } {
  const saved: SavedRun[][] = []
  const state = new RunState({ syncs, externalSyncs: [] }, STARTED_AT, (runs) => saved.push(runs))
  return { state, saved }
}

const run = (id: string, status = 'started'): SyncRunDetails =>
  syncRun({ id, status, completed_at: null, ingested: false })

describe('RunState', () => {
  it('takes each slot from waiting through starting and known to ended, saving runs as they are known', async () => {
    const { state, saved } = stateOf(sync('a'), sync('b'))
    const slot = state.managedObserver(0)
    let answer!: (created: SyncRunDetails) => void
    slot.startPending(new Promise((resolve) => (answer = resolve)))
    expect(saved).toEqual([])
    answer(run('r1'))
    await state.startsSettled()
    expect(saved).toEqual([[{ syncName: 'a', runId: 'r1', startedByAction: true }]])
    state.managedObserver(1).runKnown(run('r2'), false)
    expect(saved.at(-1)).toEqual([
      { syncName: 'a', runId: 'r1', startedByAction: true },
      { syncName: 'b', runId: 'r2', startedByAction: false }
    ])
    const outcome = syncOutcome({ syncName: 'a', run: run('r1', 'completed') })
    state.syncEnded(0, outcome)
    const { syncs } = state.snapshot(NOW)
    expect(syncs).toEqual([outcome, undefined])
  })

  it('reports a known run of a stage that threw as failed, awaited as the workflow asked', () => {
    const { state } = stateOf(sync('a', false), sync('b'))
    state.managedObserver(0).runKnown(run('r1'), true)
    state.syncThrew(0, 'Sync "a": GET /syncs/a/runs/r1 failed with HTTP 503')
    state.syncThrew(1, 'Sync "b": POST /syncs/b/runs failed with HTTP 503')
    const snapshot = state.snapshot(NOW)
    expect(snapshot.syncs[0]).toMatchObject({
      verdict: 'fail',
      waited: false,
      startedByAction: true
    })
    expect(snapshot.syncs[1]).toBeUndefined()
    expect(snapshot.errors.map((error) => error.stage)).toEqual(['sync', 'sync'])
  })

  it('refuses what the stages report after a signal: the signal publishes what it held', async () => {
    const { state, saved } = stateOf(sync('a'), sync('b'), sync('c'))
    state.preflightPassed('v1.42.0')
    state.managedObserver(0).runKnown(run('r1'), true)
    let answer!: (created: SyncRunDetails) => void
    state.managedObserver(1).startPending(new Promise((resolve) => (answer = resolve)))
    state.cancel()

    // What the stages say from now on changes nothing...
    state.managedObserver(0).statusSeen(run('r1', 'completed'))
    state.syncEnded(0, syncOutcome({ syncName: 'a', run: run('r1', 'completed') }))
    state.managedObserver(2).runKnown(run('r3'), false)
    state.syncThrew(2, 'Sync "c": late')
    state.stageFailed('policies', 'late')
    state.policiesDone(passingPolicies())
    state.policiesNotRun('late')
    // ...but a start already under way is awaited, so that its run is cancelled and saved.
    answer(run('r2'))
    await state.startsSettled()
    expect(saved.at(-1)?.map((saved) => saved.runId)).toEqual(['r1', 'r2'])
    expect(state.runsToCancel().map(({ syncName, known }) => [syncName, known.run.id])).toEqual([
      ['a', 'r1'],
      ['b', 'r2']
    ])
    state.cancelledOnSignal(0, { status: 'cancelled' } as SyncRunDetails)

    const snapshot = state.snapshot(NOW)
    expect(snapshot).toMatchObject({
      cancelled: true,
      platformVersion: 'v1.42.0',
      errors: [],
      policies: undefined,
      policiesSkipped: undefined
    })
    const [first, second, third] = snapshot.syncs as ManagedOutcome[]
    // Without an outcome, each known run is reported as the state knew it, cut short.
    expect(first).toMatchObject({ verdict: 'fail', waited: true, cancelledByAction: true })
    expect(first.view?.status).toBe('cancelled')
    expect(second).toMatchObject({ verdict: 'fail', cancelledByAction: false })
    expect(second.view).toMatchObject({ id: 'r2', status: 'started' })
    expect(third).toBeUndefined()
  })

  it('marks a reported run cancelled by the signal, with the state the cancel answered', () => {
    const { state } = stateOf(sync('a', false))
    state.managedObserver(0).runKnown(run('r1', 'created'), true)
    state.syncEnded(0, managedOutcome('a', { run: run('r1', 'created'), startedByAction: true }))
    state.cancel()
    state.cancelledOnSignal(0, { status: 'cancelled' } as SyncRunDetails)
    const [reported] = state.snapshot(NOW).syncs as ManagedOutcome[]
    expect(reported).toMatchObject({ waited: false, verdict: 'pass', cancelledByAction: true })
    expect(reported.run?.status).toBe('cancelled')
    expect(reported.view?.status).toBe('cancelled')
  })

  it('hands out frozen snapshots, all the way down', () => {
    const { state } = stateOf(sync('a'))
    state.syncEnded(0, syncOutcome({ syncName: 'a' }))
    state.policiesDone(passingPolicies())
    const snapshot = state.snapshot(NOW)
    const [outcome] = snapshot.syncs as ManagedOutcome[]
    expect(() => outcome.reasons.push('late')).toThrow(TypeError)
    expect(() => Object.assign(outcome.view!, { status: 'failed' })).toThrow(TypeError)
    expect(() => Object.assign(snapshot.policies!.policies[0], { violations: 0 })).toThrow(
      TypeError
    )
    expect(state.snapshot(NOW)).toEqual(snapshot)
  })
})
