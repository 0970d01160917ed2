import { describe, expect, it } from '@jest/globals'
import type { SyncConfig } from '../../src/inputs/config.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import {
  followAllExternal,
  latestCompletion,
  runAllSyncs,
  type SyncResult
} from '../../src/sync/all-syncs.js'
import { cancelStartedRun } from '../../src/sync/cancel.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import { syncOutcome, syncRun } from '../__fixtures__/report.js'
import { externalObserver, managedObserver, type RecordingObserver } from '../helpers/observers.js'
import { withSimulator, redactKey } from '../helpers/platform.js'

const NAMES = ['aws-prod', 'aws-dev', 'gcp-prod']
const SETTINGS: Omit<SyncConfig, 'name'> = {
  ifRunning: 'attach',
  wait: true,
  timeoutMs: 600_000,
  pollIntervalMs: 15_000,
  cancelOnTimeout: true,
  logs: 'on-failure'
}
const RUN = { pendingMs: 2_000, startDelayMs: 3_000, durationMs: 45_000, ingestionDelayMs: 4_000 }
const CANCEL = 'PATCH /syncs/{sync_name}/runs/{sync_run_id}'

interface Followed {
  results: SyncResult[]
  order: string[]
  observers: RecordingObserver[]
  sim: Simulator
  log: string[]
}

async function followAll(
  scenario: Scenario,
  settings: Partial<SyncConfig> = {},
  names = NAMES
): Promise<Followed> {
  return withSimulator(
    { syncs: NAMES, ...scenario, run: { ...RUN, ...scenario.run } },
    async (sim, client, clock) => {
      const log = createMemoryLogger()
      const configs = names.map((name) => ({ name, ...SETTINGS, ...settings }))
      const observers = configs.map(() => managedObserver())
      const results: SyncResult[] = []
      const order: string[] = []
      await runAllSyncs(
        configs,
        { client, clock, log, redact: redactKey },
        (index) => observers[index],
        (index, result) => {
          results[index] = result
          order.push(names[index])
        }
      )
      return { results, order, observers, sim, log: log.lines }
    }
  )
}

function outcomeOf(result: SyncResult) {
  if (!('outcome' in result)) throw new Error(`the stage threw: ${String(result.error)}`)
  return result.outcome
}

describe('several syncs in one step', () => {
  it('starts each sync once and follows all of them to their end', async () => {
    const { results, sim, log } = await followAll({})
    expect(results.map((result) => outcomeOf(result).verdict)).toEqual(['pass', 'pass', 'pass'])
    expect(results.map((result) => outcomeOf(result).syncName)).toEqual(NAMES)
    const posts = sim.requests.filter((r) => r.method === 'POST').map((r) => r.path)
    expect(posts.sort()).toEqual(NAMES.map((name) => `/api/syncs/${name}/runs`).sort())
    // Followed at the same time: every run was started before any of them finished.
    const started = log.filter((line) => / Started run /.test(line)).length
    const firstDone = log.findIndex((line) => /: completed/.test(line))
    expect(started).toBe(3)
    expect(log.slice(0, firstDone).filter((line) => / Started run /.test(line))).toHaveLength(3)
  })

  it('prefixes every line with the sync it is about, and one sync not at all', async () => {
    const several = await followAll({})
    for (const name of NAMES)
      expect(several.log.some((line) => line.startsWith(`[${name}] Started run`))).toBe(true)
    expect(several.log.every((line) => /^(debug: |warning: )?\[[a-z-]+\] /.test(line))).toBe(true)
    const one = await followAll({}, {}, ['aws-prod'])
    expect(one.log.some((line) => line.startsWith('Started run'))).toBe(true)
    expect(one.log.some((line) => line.includes('[aws-prod]'))).toBe(false)
  })

  it('keeps following the others when one sync cannot be started', async () => {
    const { results } = await followAll({
      faults: [
        { match: { method: 'POST', path: '^/syncs/gcp-prod/runs$' }, kind: '503', count: 'always' }
      ]
    })
    expect(outcomeOf(results[0]).verdict).toBe('pass')
    expect(outcomeOf(results[1]).verdict).toBe('pass')
    expect('error' in results[2] && String(results[2].error)).toMatch(/503/)
  })

  it('on timeout cancels the runs it started and leaves the one it attached to', async () => {
    const { results, sim } = await followAll(
      { activeRun: { syncName: 'aws-dev', durationMs: 600_000 } },
      { timeoutMs: 20_000 }
    )
    const outcomes = results.map(outcomeOf)
    expect(outcomes.map((outcome) => outcome.timedOut)).toEqual([true, true, true])
    expect(outcomes.map((outcome) => outcome.startedByAction)).toEqual([true, false, true])
    expect(outcomes.map((outcome) => outcome.cancelledByAction)).toEqual([true, false, true])
    const cancels = sim.requests.filter((r) => `${r.method} ${r.pathTemplate}` === CANCEL)
    expect(cancels.map((r) => r.path.split('/')[3]).sort()).toEqual(['aws-prod', 'gcp-prod'])
  })

  it('cancels only a run it started, and only while it has not ended', async () => {
    await withSimulator(
      { syncs: NAMES, run: RUN, activeRun: { syncName: 'aws-dev', durationMs: 600_000 } },
      async (sim, client) => {
        const deps = { client, log: createMemoryLogger() }
        const attached = (await client.listRuns('aws-dev')).items[0]
        const started = await client.createRun('aws-prod')
        const ended = { ...started, status: 'completed' }
        const cancelled = await Promise.all([
          cancelStartedRun(deps, 'aws-prod', { run: started, startedByAction: true }),
          cancelStartedRun(deps, 'aws-dev', { run: attached, startedByAction: false }),
          cancelStartedRun(deps, 'aws-prod', { run: ended, startedByAction: true })
        ])
        expect(cancelled.map((answer) => answer?.status)).toEqual([
          'cancelled',
          undefined,
          undefined
        ])
        expect(sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1)
      }
    )
  })
})

describe('the shards of a sync the CLI ran', () => {
  it('follows each at once, one failing never stopping the other, and cancels none', async () => {
    const shards = ['4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69', '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9']
    await withSimulator(
      {
        externalSyncs: [
          { invocationId: shards[0], startedMs: 60_000, finalizingMs: 3_000 },
          { invocationId: shards[1], startedMs: 20_000, finalStatus: 'failed' }
        ]
      },
      async (sim, client, clock) => {
        const log = createMemoryLogger()
        const results: SyncResult[] = []
        const configs = shards.map((id) => ({ id, timeoutMs: 600_000, pollIntervalMs: 15_000 }))
        await followAllExternal(
          configs,
          { client, clock, log, redact: redactKey },
          () => externalObserver(),
          (index, result) => {
            results[index] = result
          }
        )
        expect(results.map((result) => outcomeOf(result).verdict)).toEqual(['pass', 'fail'])
        expect(results.map((result) => outcomeOf(result).view?.status)).toEqual([
          'completed',
          'failed'
        ])
        for (const id of shards)
          expect(log.lines.some((line) => line.startsWith(`[${id}] Found external sync`))).toBe(
            true
          )
        expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([])
      }
    )
  })
})

describe('latestCompletion', () => {
  it('is the latest completion among the runs, whatever their order', () => {
    const at = (completedAt?: string) => syncOutcome({ completedAt })
    expect(
      latestCompletion([
        at('2026-11-30T10:00:00Z'),
        at(undefined),
        at('2026-11-30T12:30:00.000Z'),
        at('2026-11-30T11:00:00Z')
      ])
    ).toBe('2026-11-30T12:30:00.000Z')
    expect(latestCompletion([at(undefined)])).toBeUndefined()
  })

  it('is set by runs whose data was ingested only: a failed run triggers no evaluation', () => {
    const failed = syncOutcome({
      completedAt: '2026-11-30T13:00:00Z',
      run: syncRun({ status: 'failed', ingested: false }),
      verdict: 'fail'
    })
    const ingested = syncOutcome({ completedAt: '2026-11-30T12:00:00Z' })
    expect(latestCompletion([ingested, failed])).toBe('2026-11-30T12:00:00Z')
    expect(latestCompletion([failed])).toBeUndefined()
  })
})
