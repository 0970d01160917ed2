import { describe, expect, it } from '@jest/globals'
import { backoffDelay, parseRetryAfter } from '../../src/lib/backoff.js'

describe('backoffDelay', () => {
  const policy = { baseMs: 500, capMs: 10_000 }

  it('doubles the ceiling each attempt up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6].map((attempt) =>
      backoffDelay(attempt, policy, () => 0.999999)
    )
    expect(ceilings).toEqual([499, 999, 1999, 3999, 7999, 9999, 9999])
  })

  it('draws uniformly from zero (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T10:00:00Z')

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000)
  })

  it('reads an HTTP-date', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:03 GMT', now)).toBe(3000)
  })

  it('never returns a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})
