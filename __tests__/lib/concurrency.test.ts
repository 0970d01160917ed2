import { describe, expect, it } from '@jest/globals'
import { createLimiter, mapWithConcurrency } from '../../src/lib/concurrency.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and the results in order', async () => {
    let inFlight = 0
    let most = 0
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      most = Math.max(most, ++inFlight)
      for (let k = 0; k < n; k++) await tick()
      inFlight--
      return `${i}:${n}`
    })
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6'])
    expect(most).toBe(3)
  })

  it('starts nothing more after a failure, and rejects with it', async () => {
    const started: number[] = []
    const run = mapWithConcurrency([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n)
      await tick()
      if (n === 2) throw new Error('boom')
      return n
    })
    await expect(run).rejects.toThrow('boom')
    expect(started).toEqual([1, 2, 3])
  })

  it('handles no items', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([])
  })
})

describe('createLimiter', () => {
  it('keeps at most `limit` calls in flight and starts them in the order given', async () => {
    const limit = createLimiter(2)
    let inFlight = 0
    let most = 0
    const started: number[] = []
    const results = await Promise.all(
      [3, 1, 2, 0, 1].map((n, i) =>
        limit(async () => {
          started.push(i)
          most = Math.max(most, ++inFlight)
          for (let k = 0; k < n; k++) await tick()
          inFlight--
          return i
        })
      )
    )
    expect(results).toEqual([0, 1, 2, 3, 4])
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect(most).toBe(2)
  })

  it('frees the slot of a call that rejects', async () => {
    const limit = createLimiter(1)
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(limit(() => Promise.resolve('next'))).resolves.toBe('next')
  })
})
