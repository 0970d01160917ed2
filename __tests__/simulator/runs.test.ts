// The run model is a pure function of time, so its lifecycle is tested at exact instants.

import { describe, expect, it } from '@jest/globals'
import {
  ingestedAt,
  logLinesAt,
  newRun,
  runView,
  settledAt,
  statusAt,
  tableStatsAt
} from '../../simulator/runs.js'
import { resolveScenario, type Scenario } from '../../simulator/scenario.js'

const T0 = Date.UTC(2026, 0, 1)

function run(scenario: Scenario = {}) {
  return newRun(resolveScenario(scenario), 'run-1', 'aws-prod', 'created', T0)
}

describe('run lifecycle', () => {
  const timing = { pendingMs: 100, startDelayMs: 200, durationMs: 1000, ingestionDelayMs: 500 }

  it('goes created → pending → started → completed on schedule', () => {
    const r = run({ run: timing })
    expect(statusAt(r, T0)).toBe('created')
    expect(statusAt(r, T0 + 99)).toBe('created')
    expect(statusAt(r, T0 + 100)).toBe('pending')
    expect(statusAt(r, T0 + 300)).toBe('started')
    expect(statusAt(r, T0 + 1299)).toBe('started')
    expect(statusAt(r, T0 + 1300)).toBe('completed')
  })

  it('grows counters during the run and reports completion and ingestion', () => {
    const r = run({ run: { ...timing, totalRows: 1000, errors: 10, warnings: 4 } })
    expect(runView(r, T0 + 300)).toMatchObject({ total_rows: 0, errors: 0, warnings: 0 })
    expect(runView(r, T0 + 800)).toMatchObject({ status: 'started', total_rows: 500, errors: 5 })
    const done = runView(r, T0 + 1300)
    expect(done).toMatchObject({ total_rows: 1000, errors: 10, warnings: 4, ingested: false })
    expect(done.completed_at).toBe(new Date(T0 + 1300).toISOString())
    expect(runView(r, T0 + 300)).not.toHaveProperty('completed_at')
    expect(runView(r, T0 + 1799).ingested).toBe(false)
    expect(runView(r, T0 + 1800).ingested).toBe(true)
    expect(settledAt(r)).toBe(T0 + 1800)
  })

  it('reports failures with their reason and never ingests them', () => {
    const r = run({ run: { ...timing, finalStatus: 'failed', statusReason: 'oom_killed' } })
    expect(runView(r, T0 + 5000)).toMatchObject({
      status: 'failed',
      status_reason: 'oom_killed',
      ingested: false
    })
    expect(runView(r, T0 + 500)).not.toHaveProperty('status_reason')
    expect(ingestedAt(r)).toBeNull()
    expect(settledAt(r)).toBe(T0 + 1300)
  })

  it('never ingests a run whose ingestion failed', () => {
    const r = run({ run: { ...timing, statusReason: 'ingestion_failed' } })
    expect(runView(r, T0 + 60_000)).toMatchObject({
      status: 'completed',
      status_reason: 'ingestion_failed',
      ingested: false
    })
  })

  it('stops at the cancel instant', () => {
    const r = run({ run: { ...timing, totalRows: 1000 } })
    r.cancelledAt = T0 + 800
    const view = runView(r, T0 + 5000)
    expect(view).toMatchObject({ status: 'cancelled', total_rows: 500, ingested: false })
    expect(view.completed_at).toBe(new Date(T0 + 800).toISOString())
    expect(logLinesAt(r, T0 + 5000).at(-1)?.message).toBe('Sync run cancelled')
  })

  it('follows a status sequence with statuses the action does not know', () => {
    const r = run({
      run: {
        statusSequence: [
          { status: 'created', ms: 10 },
          { status: 'queued_for_retry', ms: 20 },
          { status: 'started', ms: 100 }
        ]
      }
    })
    expect([0, 10, 30, 130].map((dt) => statusAt(r, T0 + dt))).toEqual([
      'created',
      'queued_for_retry',
      'started',
      'completed'
    ])
  })

  it('sends null, missing and unknown fields when asked to', () => {
    const r = run({
      run: { nullFields: ['total_rows'], omitFields: ['ingested'], extraFields: { shard: 3 } }
    })
    const view = runView(r, T0)
    expect(view.total_rows).toBeNull()
    expect(view).not.toHaveProperty('ingested')
    expect(view.shard).toBe(3)
  })

  it('runs tables one after another and logs across the run', () => {
    const r = run({
      run: {
        ...timing,
        tables: [
          { name: 'a', resources: 10 },
          { name: 'b', resources: 20, errors: 2 }
        ],
        logLines: ['one', { level: 'error', message: 'two' }]
      }
    })
    expect(tableStatsAt(r, T0 + 200)).toEqual([])
    const midway = tableStatsAt(r, T0 + 550)
    expect(midway).toHaveLength(1)
    expect(midway[0]).toMatchObject({ name: 'a', resources: 5 })
    expect(midway[0]).not.toHaveProperty('completed_at')
    const end = tableStatsAt(r, T0 + 1300)
    expect(end.map((t) => [t.name, t.resources, t.errors, t.completed_at !== undefined])).toEqual([
      ['a', 10, 0, true],
      ['b', 20, 2, true]
    ])
    expect(logLinesAt(r, T0 + 300).map((l) => l.message)).toEqual(['one'])
    expect(logLinesAt(r, T0 + 1300).map((l) => [l.level, l.message])).toEqual([
      ['info', 'one'],
      ['error', 'two']
    ])
  })
})
