import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../../src/lib/duration.js'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
    ['1h0m5s', 3_605_000],
    ['300', 300_000],
    [' 15S ', 15_000],
    ['0', 0]
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', 'h', '1.5m', '-5s', '10 minutes', '5m1h', '1d', 'abc', '1h 30m'])(
    'rejects %p',
    (text) => {
      expect(parseDuration(text)).toBeUndefined()
    }
  )
})

describe('formatDuration', () => {
  it.each([
    [800, '0.8s'],
    [45_000, '45s'],
    [3_723_000, '1h 2m 3s'],
    [3_600_000, '1h'],
    [0, '0s'],
    [-1, 'unknown']
  ])('renders %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
