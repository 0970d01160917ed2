import { describe, expect, it } from '@jest/globals'
import { expectedDuration, nextPollDelay, type ScheduleInput } from '../../src/lib/poll-schedule.js'

const base: ScheduleInput = {
  elapsedMs: 0,
  maxIntervalMs: 15_000,
  awaitingIngestion: false,
  streamOpen: false
}

/** The times at which a run of `runMs` would be checked, and when its end is noticed. */
function simulate(
  runMs: number,
  input: Partial<ScheduleInput>
): { checks: number; lateMs: number } {
  let t = 0
  let checks = 0
  for (;;) {
    checks++
    if (t >= runMs) return { checks, lateMs: t - runMs }
    t += nextPollDelay({ ...base, ...input, elapsedMs: t, runAgeMs: t })
  }
}

describe('nextPollDelay', () => {
  it('ramps up from one second to the poll interval', () => {
    const delays = [0, 1000, 3000, 7000, 15_000, 60_000].map((elapsedMs) =>
      nextPollDelay({ ...base, elapsedMs })
    )
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000])
  })

  it('never exceeds the poll interval', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 600_000, maxIntervalMs: 5000 })).toBe(5000)
  })

  it('polls quickly while the data is ingested', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 600_000, awaitingIngestion: true })).toBe(1000)
    expect(
      nextPollDelay({ ...base, elapsedMs: 600_000, awaitingIngestion: true, maxIntervalMs: 1000 })
    ).toBe(1000)
  })

  it('stays sparse while the live stream will signal the end, from the start', () => {
    expect(nextPollDelay({ ...base, elapsedMs: 120_000, streamOpen: true })).toBe(15_000)
    expect(nextPollDelay({ ...base, elapsedMs: 0, streamOpen: true })).toBe(15_000)
    expect(nextPollDelay({ ...base, elapsedMs: 0, streamOpen: true, maxIntervalMs: 5000 })).toBe(
      5000
    )
  })

  it('does not sleep past the window before the predicted end', () => {
    // Expected 180 s, window 18 s: at 160 s only 2 s remain before the window opens.
    expect(
      nextPollDelay({ ...base, elapsedMs: 160_000, runAgeMs: 160_000, expectedDurationMs: 180_000 })
    ).toBe(2000)
  })

  it('looks often near the predicted end and backs off when the run is overdue', () => {
    const near = nextPollDelay({
      ...base,
      elapsedMs: 175_000,
      runAgeMs: 175_000,
      expectedDurationMs: 180_000
    })
    const overdue = nextPollDelay({
      ...base,
      elapsedMs: 400_000,
      runAgeMs: 400_000,
      expectedDurationMs: 180_000
    })
    expect(near).toBe(3000)
    expect(overdue).toBe(15_000)
  })

  it('notices a run that ends when predicted sooner than a fixed 15 s poller, with few checks', () => {
    const adaptive = simulate(181_000, { expectedDurationMs: 180_000 })
    expect(adaptive.lateMs).toBeLessThanOrEqual(3000)
    expect(adaptive.checks).toBeLessThanOrEqual(25)
  })
})

describe('expectedDuration', () => {
  const run = (minutes: number, status = 'completed') => ({
    status,
    created_at: '2026-11-27T10:00:00Z',
    completed_at: new Date(Date.parse('2026-11-27T10:00:00Z') + minutes * 60_000).toISOString()
  })

  it('is the median of completed runs', () => {
    expect(expectedDuration([run(3), run(10), run(4)])).toBe(240_000)
    expect(expectedDuration([run(3), run(5)])).toBe(240_000)
  })

  it('ignores runs that failed or have not finished', () => {
    expect(
      expectedDuration([
        run(1, 'failed'),
        { status: 'started', created_at: '2026-11-27T10:00:00Z' }
      ])
    ).toBeUndefined()
  })
})
