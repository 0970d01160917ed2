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
    const waker = new Waker()
    const started = Date.now()
    let calls = 0
    const result = await pollUntil({
      clock: systemClock,
      waker,
      timeoutMs: 30_000,
      check: async () => {
        calls++
        if (calls === 1) setTimeout(() => waker.wake(), 20)
        return calls
      },
      isDone: (value) => value === 2,
      nextDelay: () => 20_000
    })
    expect(result.kind).toBe('done')
    expect(Date.now() - started).toBeLessThan(5000)
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
  it('resolves early when its signal aborts', async () => {
    const abort = new AbortController()
    const started = Date.now()
    setTimeout(() => abort.abort(), 10)
    await systemClock.sleep(10_000, abort.signal)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
