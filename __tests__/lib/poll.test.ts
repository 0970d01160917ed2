import { describe, expect, it } from '@jest/globals'
import { pollUntil, systemClock, Waker } from '../../src/lib/poll.js'
import { FakeClock } from '../helpers/fake-clock.js'

describe('pollUntil', () => {
  it('returns the value that is done, with the checks it took', async () => {
    const clock = new FakeClock()
    let calls = 0
    const result = await pollUntil({
      clock,
      timeoutMs: 60_000,
      check: async () => ++calls,
      isDone: (value) => value === 4,
      nextDelay: () => 1000
    })
    expect(result).toEqual({ kind: 'done', value: 4, elapsedMs: 3000, checks: 4 })
  })

  it('reports a timeout as a result, never sleeping past it', async () => {
    const clock = new FakeClock()
    const result = await pollUntil({
      clock,
      timeoutMs: 10_000,
      check: async () => 'running',
      isDone: () => false,
      nextDelay: () => 4000
    })
    expect(result.kind).toBe('timeout')
    expect(result.elapsedMs).toBe(10_000)
    expect(clock.sleeps).toEqual([4000, 4000, 2000])
  })

  it('stops after the current check when aborted', async () => {
    const clock = new FakeClock()
    const abort = new AbortController()
    let calls = 0
    const result = await pollUntil({
      clock,
      signal: abort.signal,
      timeoutMs: 60_000,
      check: async () => {
        if (++calls === 2) abort.abort()
        return calls
      },
      isDone: () => false,
      nextDelay: () => 1000
    })
    expect(result).toMatchObject({ kind: 'aborted', last: 2, checks: 2 })
  })

  it('checks at once when woken during a sleep, and only once', async () => {
    const clock = new FakeClock()
    const waker = new Waker()
    const start = clock.now()
    const checkedAt: number[] = []
    const result = await pollUntil({
      clock,
      waker,
      timeoutMs: 60_000,
      check: async () => {
        checkedAt.push(clock.now() - start)
        // Something else (the end of a live log stream) wakes the loop 20 ms into its first sleep.
        if (checkedAt.length === 1) void clock.follower.sleep(20).then(() => waker.wake())
        return checkedAt.length
      },
      isDone: (value) => value === 3,
      nextDelay: () => 20_000
    })
    // Checked at the wake, then slept the whole delay again: the wake was used up by the sleep it
    // cut short and did not also skip the next one.
    expect(checkedAt).toEqual([0, 20, 20_020])
    expect(clock.sleeps).toEqual([20_000, 20_000])
    expect(result).toEqual({ kind: 'done', value: 3, elapsedMs: 20_020, checks: 3 })
  })

  it('does not sleep after a wake that came during a check', async () => {
    const clock = new FakeClock()
    const waker = new Waker()
    let calls = 0
    await pollUntil({
      clock,
      waker,
      timeoutMs: 60_000,
      check: async () => {
        if (++calls === 1) waker.wake()
        return calls
      },
      isDone: (value) => value === 3,
      nextDelay: () => 5000
    })
    expect(clock.sleeps).toEqual([5000, 5000])
    expect(clock.now() - Date.parse('2026-11-27T10:00:00Z')).toBe(5000)
  })
})

describe('systemClock.sleep', () => {
  const timers = (): number =>
    process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length

  it('resolves early when its signal aborts, and leaves no timer behind', async () => {
    const abort = new AbortController()
    const before = timers()
    // An hour: were the abort ignored, the test would time out rather than pass.
    const sleeping = systemClock.sleep(3_600_000, abort.signal)
    expect(timers()).toBe(before + 1)
    abort.abort()
    await sleeping
    expect(timers()).toBe(before)
  })

  it('does not start at all when its signal has already aborted', async () => {
    const before = timers()
    await systemClock.sleep(3_600_000, AbortSignal.abort())
    expect(timers()).toBe(before)
  })
})
