// `if-running: queue` in the sync stage, against the simulator over real HTTP on a virtual clock:
// wait for the run going to end, then start exactly one of this action's own; never adopt, report
// as known or cancel the run waited for; the wait counts against `timeout`. Both answers the spec
// leaves open to a start while a run is active (a 422, a second run) are played.

import { describe, expect, it } from '@jest/globals'
import type { SyncConfig } from '../../src/inputs/config.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import type { PlatformClient } from '../../src/platform/client.js'
import { runAllSyncs, type SyncResult } from '../../src/sync/all-syncs.js'
import type { ManagedOutcome } from '../../src/sync/outcome.js'
import { runSyncStage } from '../../src/sync/stage.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { RunSnapshot, Simulator } from '../../simulator/server.js'
import type { FakeClock } from '../helpers/fake-clock.js'
import { managedObserver, type RecordingObserver } from '../helpers/observers.js'
import { clientFor, redactKey, withSimulator } from '../helpers/platform.js'

const QUEUE: SyncConfig = {
  name: 'aws-prod',
  ifRunning: 'queue',
  wait: true,
  timeoutMs: 600_000,
  pollIntervalMs: 15_000,
  cancelOnTimeout: true,
  logs: 'never'
}
const RUN = { pendingMs: 2_000, startDelayMs: 3_000, durationMs: 45_000, ingestionDelayMs: 4_000 }
const START = '/syncs/{sync_name}/runs'
const CANCEL = '/syncs/{sync_name}/runs/{sync_run_id}'
const MINUTE = 60_000

interface Queued {
  outcome: ManagedOutcome
  observer: RecordingObserver
  sim: Simulator
  clock: FakeClock
  log: string[]
  /** The clock when the stage started. */
  from: number
}

/** `client` lets a test put another client's request in the way of the stage's own. */
function queued(
  scenario: Scenario,
  config: Partial<SyncConfig> = {},
  client: (own: PlatformClient, sim: Simulator, clock: FakeClock) => PlatformClient = (own) => own
): Promise<Queued> {
  return withSimulator(
    { ...scenario, run: { ...RUN, ...scenario.run } },
    async (sim, own, clock) => {
      const log = createMemoryLogger()
      const observer = managedObserver()
      const from = clock.now()
      const outcome = await runSyncStage(
        { ...QUEUE, ...config },
        { client: client(own, sim, clock), clock, log, redact: redactKey },
        observer
      )
      return { outcome, observer, sim, clock, log: log.lines, from }
    }
  )
}

function runOf(sim: Simulator, origin: RunSnapshot['origin']): RunSnapshot[] {
  return sim.runs.filter((run) => run.origin === origin)
}

/** The one run the stage started, started after `before` had ended. */
function expectOneRunStartedAfter(result: Queued, before: RunSnapshot): RunSnapshot {
  const { sim, outcome, observer } = result
  const created = runOf(sim, 'created')
  expect(created).toHaveLength(1)
  const [own] = created
  expect(own.createdAt).toBeGreaterThanOrEqual(before.terminalAt)
  expect(sim.requestsTo('POST', START).map((r) => r.status)).toEqual([201])
  expect(outcome.run?.id).toBe(own.id)
  expect(outcome).toMatchObject({ verdict: 'pass', startedByAction: true, timedOut: false })
  expect(observer.known).toMatchObject({ run: { id: own.id }, startedByAction: true })
  return own
}

describe('if-running: queue', () => {
  it.each(['create', 'reject'] as const)(
    'waits for the active run to end, then starts exactly one of its own (a POST while active: %s)',
    async (whileActive) => {
      const result = await queued({
        whileActive,
        activeRun: { ageMs: 10_000, durationMs: 4 * MINUTE }
      })
      const [active] = runOf(result.sim, 'active')
      const own = expectOneRunStartedAfter(result, active)
      // The run waited for is reported as such, never as known, and never cancelled.
      expect(result.outcome.queuedBehind).toEqual([active.id])
      expect(result.observer.queuedBehind).toEqual([active.id])
      expect(result.sim.requestsTo('PATCH', CANCEL)).toEqual([])
      expect(active.cancelledAt).toBeNull()
      // The freshness cutoff is this action's own run's completion, not the other's.
      expect(result.outcome.completedAt).toBe(new Date(own.terminalAt).toISOString())
      expect(result.log.join('\n')).toMatch(
        new RegExp(`active run ${active.id} .*waiting for it to end.*if-running: queue`)
      )
      // The queue wait is part of the time waited.
      expect(result.outcome.waitedMs).toBe(result.clock.now() - result.from)
    }
  )

  it('starts at once when no run is going', async () => {
    const result = await queued({})
    expect(runOf(result.sim, 'created')).toHaveLength(1)
    expect(result.outcome).toMatchObject({ verdict: 'pass', startedByAction: true })
    expect(result.outcome.queuedBehind).toEqual([])
    expect(result.observer.queuedBehind).toEqual([])
  })

  it('waits in turn for a run another client started while it waited', async () => {
    let other: RunSnapshot | undefined
    const result = await queued(
      { activeRun: { ageMs: 10_000, durationMs: 2 * MINUTE } },
      {},
      (own, sim, clock) => {
        // Another copy starts a run 90 s in, while the first is still going; it ends after it.
        void clock.follower.sleep(1.5 * MINUTE).then(async () => {
          await clientFor(sim, clock).createRun('aws-prod')
          other = runOf(sim, 'created')[0]
        })
        return own
      }
    )
    const [active] = runOf(result.sim, 'active')
    expect(other).toBeDefined()
    const created = runOf(result.sim, 'created')
    expect(created).toHaveLength(2)
    const own = created.find((run) => run.id !== other!.id)!
    expect(own.createdAt).toBeGreaterThanOrEqual(Math.max(active.terminalAt, other!.terminalAt))
    expect(result.outcome.run?.id).toBe(own.id)
    expect(result.outcome.queuedBehind).toEqual([active.id, other!.id])
    expect(result.sim.requestsTo('PATCH', CANCEL)).toEqual([])
  })

  // Another client starts a run between the stage's listing (nothing going) and its POST.
  describe('a run started by another client just before its own start', () => {
    const raced = (own: PlatformClient, sim: Simulator, clock: FakeClock): PlatformClient => {
      const other = clientFor(sim, clock)
      let first = true
      const client = Object.create(own) as PlatformClient
      client.createRun = async (syncName) => {
        if (first) {
          first = false
          await other.createRun(syncName)
        }
        return own.createRun(syncName)
      }
      return client
    }

    it('refused with 422: waits for that run to end, then starts its own', async () => {
      const result = await queued({ whileActive: 'reject' }, {}, raced)
      const starts = result.sim.requestsTo('POST', START).map((r) => r.status)
      // The other client's start, this action's refused one, then its own after the wait.
      expect(starts).toEqual([201, 422, 201])
      const [other, own] = runOf(result.sim, 'created')
      expect(own.createdAt).toBeGreaterThanOrEqual(other.terminalAt)
      expect(result.outcome.run?.id).toBe(own.id)
      expect(result.outcome.queuedBehind).toEqual([other.id])
      expect(result.observer.known?.run.id).toBe(own.id)
      expect(result.sim.requestsTo('PATCH', CANCEL)).toEqual([])
    })

    it('answered with a second run: follows its own, never the other', async () => {
      const result = await queued({ whileActive: 'create' }, {}, raced)
      expect(result.sim.requestsTo('POST', START).map((r) => r.status)).toEqual([201, 201])
      const [other, own] = runOf(result.sim, 'created')
      expect(result.outcome.run?.id).toBe(own.id)
      expect(result.outcome).toMatchObject({ startedByAction: true, queuedBehind: [] })
      expect(result.observer.known?.run.id).toBe(own.id)
      expect(other.cancelledAt).toBeNull()
    })
  })

  it('the queue wait counts against the timeout: its own run gets what is left', async () => {
    const result = await queued(
      { activeRun: { ageMs: 0, durationMs: 9.5 * MINUTE } },
      { timeoutMs: 10 * MINUTE, cancelOnTimeout: true }
    )
    const [active] = runOf(result.sim, 'active')
    const [own] = runOf(result.sim, 'created')
    expect(own.createdAt).toBeGreaterThanOrEqual(active.terminalAt)
    // Its own run (50 s long) would have finished in a whole timeout; after the queue it cannot.
    expect(result.outcome).toMatchObject({
      timedOut: true,
      verdict: 'fail',
      cancelledByAction: true
    })
    expect(result.clock.now() - result.from).toBeLessThanOrEqual(10 * MINUTE + 30_000)
    expect(result.outcome.reasons[0]).toMatch(
      new RegExp(`Before it started, this action had waited .* for run ${active.id} to end`)
    )
    // The run it cancelled on timeout is its own, never the one it waited for.
    expect(result.sim.requestsTo('PATCH', CANCEL).map((r) => r.params.sync_run_id)).toEqual([
      own.id
    ])
  })

  it('a timeout during the queue wait fails clearly, naming the run, and starts and cancels nothing', async () => {
    const result = await queued(
      { activeRun: { ageMs: 0, durationMs: 30 * MINUTE } },
      { timeoutMs: 5 * MINUTE }
    )
    const [active] = runOf(result.sim, 'active')
    expect(result.sim.runsStarted()).toBe(0)
    expect(result.sim.requestsTo('PATCH', CANCEL)).toEqual([])
    expect(result.outcome).toMatchObject({
      verdict: 'fail',
      timedOut: true,
      waited: true,
      startedByAction: false,
      queuedBehind: [active.id]
    })
    expect(result.outcome.run).toBeUndefined()
    expect(result.outcome.reasons).toEqual([
      `Timed out after 5m waiting for run ${active.id} of sync "aws-prod" (status "started") to end before starting one of this action's own (if-running: queue). That run is not this action's, so it was left running; no run was started.`
    ])
    expect(result.clock.now() - result.from).toBe(5 * MINUTE)
  })

  it('a cancelled workflow ends the queue wait: nothing started, nothing cancelled', async () => {
    const abort = new AbortController()
    const result = await withSimulator(
      { run: RUN, activeRun: { ageMs: 0, durationMs: 30 * MINUTE } },
      async (sim, client, clock) => {
        const observer = managedObserver()
        void clock.follower.sleep(2 * MINUTE).then(() => abort.abort())
        const deps = { client, clock, log: createMemoryLogger(), redact: redactKey }
        const outcome = await runSyncStage(QUEUE, { ...deps, signal: abort.signal }, observer)
        return { outcome, observer, sim, at: clock.now() }
      }
    )
    expect(result.sim.runsStarted()).toBe(0)
    expect(result.sim.requestsTo('PATCH', CANCEL)).toEqual([])
    expect(result.observer.known).toBeUndefined()
    expect(result.observer.starts).toBe(0)
    expect(result.outcome).toMatchObject({ verdict: 'fail', timedOut: false })
    // Stopped at the signal, not at the end of the run waited for.
    expect(result.at).toBeLessThan(runOf(result.sim, 'active')[0].terminalAt)
  })

  it('applies per sync, and a queue wait holds no start slot of the others', async () => {
    // Four syncs queue behind long runs; a fifth, with none going, starts at once all the same
    // (four starts at once at most: a queue wait holding a slot would keep it waiting).
    const names = ['s1', 's2', 's3', 's4', 's5']
    const busy = names.slice(0, 4)
    const { results, sim } = await withSimulator(
      {
        syncs: names,
        run: RUN,
        activeRun: busy.map((syncName) => ({ syncName, ageMs: 0, durationMs: 20 * MINUTE }))
      },
      async (sim, client, clock) => {
        const results: SyncResult[] = []
        await runAllSyncs(
          names.map((name) => ({ ...QUEUE, name, timeoutMs: 60 * MINUTE })),
          { client, clock, log: createMemoryLogger(), redact: redactKey },
          () => managedObserver(),
          (index, result) => (results[index] = result)
        )
        return { results, sim }
      }
    )
    const created = runOf(sim, 'created')
    expect(created.map((run) => run.syncName).sort()).toEqual(names)
    const actives = runOf(sim, 'active')
    const firstEnd = Math.min(...actives.map((run) => run.terminalAt))
    expect(created.find((run) => run.syncName === 's5')!.createdAt).toBeLessThan(firstEnd)
    for (const syncName of busy) {
      const own = created.find((run) => run.syncName === syncName)!
      const active = actives.find((run) => run.syncName === syncName)!
      expect(own.createdAt).toBeGreaterThanOrEqual(active.terminalAt)
    }
    for (const result of results) {
      expect('outcome' in result && result.outcome.verdict).toBe('pass')
    }
  })
})
