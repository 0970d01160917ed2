// Globs: the same answers as the regular expression they stand for, and no blow-up on patterns
// that made a backtracking engine run for minutes. Checked as a property against a reference.

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { globMatcher } from '../../src/lib/glob.js'

/** The obvious regular expression for a glob: the reference the matcher must agree with. */
function reference(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'is')
}

const ALPHABET = ['a', 'b', 'A', '*', '?', '.', '-']

describe('globMatcher', () => {
  it('matches as the regular expression it stands for, ignoring case', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 }),
        fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 }),
        (pattern, text) => {
          expect(globMatcher([pattern])(text)).toBe(reference(pattern).test(text))
        }
      ),
      { numRuns: 2000 }
    )
  })

  it('matches any of several patterns; none is every text', () => {
    const match = globMatcher(['legacy-*', 'app-?'])
    expect([match('LEGACY-1'), match('app-1'), match('app-12'), match('other')]).toEqual([
      true,
      true,
      false,
      false
    ])
    expect(globMatcher([])('anything')).toBe(true)
  })

  it('a star stands for a literal star too, and ? for one character of any kind', () => {
    expect(globMatcher(['a*b'])('a*xb')).toBe(true)
    expect(globMatcher(['a?c'])('a\nc')).toBe(true)
  })

  // No clock here: a backtracking matcher does not finish these within the test's timeout (it ran
  // for minutes), and this one takes at most text × pattern steps.
  it('answers adversarial patterns against 10,000-character names', () => {
    const name = 'a'.repeat(10_000)
    for (const pattern of [
      '*a*a*a*a*a*a*a*a*a*a*b',
      `${'*a'.repeat(40)}b`,
      '*?*?*?*?*?*?*?*?*?*?c'
    ]) {
      expect(globMatcher([pattern])(name)).toBe(false)
    }
    expect(globMatcher(['*a*a*a*a*a*a*a*a*a*a'])(name)).toBe(true)
  })
})
