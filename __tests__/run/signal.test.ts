// A cancelled workflow, through the whole action in this process: the simulator over real HTTP, a
// virtual clock, and a termination signal fired by the test at the moment it chooses.

import { describe, expect, it } from '@jest/globals'
import { buildReport } from '../../src/run/report.js'
import type { ExternalOutcome, ManagedOutcome } from '../../src/sync/outcome.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import { runActionOn } from '../helpers/run-action.js'

const NAMES = ['s1', 's2', 's3', 's4', 's5', 's6']
const LONG_RUN = {
  pendingMs: 2_000,
  startDelayMs: 3_000,
  durationMs: 600_000,
  ingestionDelayMs: 4_000
}
const CANCEL = 'PATCH /syncs/{sync_name}/runs/{sync_run_id}'

const posts = (sim: Simulator): string[] =>
  sim.requests.filter((r) => r.method === 'POST').map((r) => r.path.split('/')[3])
const cancels = (sim: Simulator): string[] =>
  sim.requests
    .filter((r) => `${r.method} ${r.pathTemplate}` === CANCEL)
    .map((r) => r.path.split('/')[3])
    .sort()

describe('a signal while several syncs are starting', () => {
  // Six syncs, four starts at once, each POST answered 1.5 s after it arrives: the signal comes
  // while four POSTs are unanswered and two syncs wait for a start slot.
  const scenario: Scenario = {
    syncs: NAMES,
    run: LONG_RUN,
    faults: [
      {
        match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
        kind: 'slow',
        delayMs: 1_500,
        count: 'always'
      }
    ]
  }

  it('starts nothing after it, awaits the starts under way and cancels the runs they made', async () => {
    const run = await runActionOn(scenario, { 'sync-name': NAMES.join('\n') }, async (action) => {
      await action.until(() => posts(action.sim).length === 4)
      await action.signal()
    })
    const started = posts(run.sim)
    expect(started).toHaveLength(4)
    expect(cancels(run.sim)).toEqual([...started].sort())
    expect(run.sim.runs.filter((r) => r.origin === 'created').map((r) => r.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled'
    ])
    expect(run.result).toEqual({ failures: [], warnings: [], cancelled: true })
    const [report] = run.published
    expect(run.published).toHaveLength(1)
    expect(report.cancelled).toBe(true)
    expect(report.syncNames).toEqual(NAMES)
    // The four runs, each reported as cancelled by this action; the two never started have none.
    const reported = report.syncs as ManagedOutcome[]
    expect(reported.map((sync) => sync.syncName).sort()).toEqual([...started].sort())
    for (const sync of reported) {
      expect(sync).toMatchObject({
        verdict: 'fail',
        startedByAction: true,
        cancelledByAction: true
      })
      expect(sync.view?.status).toBe('cancelled')
    }
    // Each run was saved for the post step as soon as its start answered, never as finished.
    const lastSaved = run.saved.at(-1)!
    expect(lastSaved.finished).toBe(false)
    expect(lastSaved.runs.map((saved) => saved.syncName).sort()).toEqual([...started].sort())
    expect(run.saved.some((saved) => saved.finished)).toBe(false)
  })
})

describe('a signal while runs are followed', () => {
  const scenario: Scenario = { syncs: ['aws-prod', 'aws-dev'], run: LONG_RUN }

  it('publishes what the state held at the signal, and no later report of a stage shows', async () => {
    let signalledAt = 0
    const run = await runActionOn(
      scenario,
      { 'sync-name': 'aws-prod\naws-dev' },
      async (action) => {
        await action.until(() => action.log.filter((l) => l.includes('Waiting up to')).length === 2)
        signalledAt = action.clock.now()
        await action.signal()
      }
    )
    const [report] = run.published
    expect(run.published).toHaveLength(1)
    // The stages were still following both runs: stopped by the signal, each ended with an
    // outcome of its own (a run still going, passed), which the state refused. The report shows
    // the runs as the state knew them at the signal, cut short: failed, cancelled by this action.
    const reported = report.syncs as ManagedOutcome[]
    expect(reported).toHaveLength(2)
    for (const sync of reported) {
      expect(sync).toMatchObject({ verdict: 'fail', waited: true, waitedMs: 0, statusChecks: 0 })
      expect(sync).toMatchObject({ cancelledByAction: true, startedByAction: true })
      expect(sync.view?.status).toBe('cancelled')
    }
    // Taken from the state again now that every stage has ended: the same report.
    const now = Date.parse(report.finishedAt)
    expect(now).toBeGreaterThanOrEqual(signalledAt)
    expect(buildReport(run.state.snapshot(now), run.config)).toEqual(report)
    expect(Object.isFrozen(report.syncs[0])).toBe(true)
    expect(Object.isFrozen(report.syncs[0].view)).toBe(true)
  })
})

describe('a signal while a CLI run is followed', () => {
  const INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
  const scenario: Scenario = {
    externalSyncs: [{ invocationId: INVOCATION, startedMs: 3 * 3_600_000 }]
  }

  it('reports it as last seen and never cancels it', async () => {
    const run = await runActionOn(
      scenario,
      { 'external-sync': INVOCATION, timeout: '4h' },
      async (action) => {
        await action.until(() => action.log.some((l) => l.startsWith('Found external sync')))
        await action.signal()
      }
    )
    expect(run.sim.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(run.result.cancelled).toBe(true)
    const [report] = run.published
    expect(report).toMatchObject({ cancelled: true, externalSync: true, syncNames: [INVOCATION] })
    const [sync] = report.syncs as ExternalOutcome[]
    expect(sync).toMatchObject({
      kind: 'external',
      verdict: 'fail',
      startedByAction: false,
      cancelledByAction: false
    })
    expect(sync.external?.invocation_id).toBe(INVOCATION)
    expect(sync.view).toMatchObject({ status: 'started', phase: 'active' })
    expect(report.verdict.result).toBe('fail')
    // Nothing of a CLI run is left to the post step: it is never cancelled.
    expect(run.saved).toEqual([])
  })
})
