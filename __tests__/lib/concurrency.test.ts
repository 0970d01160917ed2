import { describe, expect, it } from '@jest/globals'
import { mapWithConcurrency } from '../../src/lib/concurrency.js'

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
