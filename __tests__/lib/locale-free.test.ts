// The locale-free figures must be exactly what en-US's Intl.NumberFormat wrote before them (the
// reports' text is unchanged), and the order of names must not depend on the order they came in.

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { compareNames, groupDigits } from '../../src/lib/locale-free.js'

function intlFigure(value: number, fractionDigits: number): string {
  return new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 0,
    maximumFractionDigits: fractionDigits
  }).format(value)
}

const fractionDigits = fc.integer({ min: 0, max: 3 })

/** Finite doubles but negative zero, which Intl writes as `-0` (see the table). */
function double(constraints: fc.DoubleConstraints): fc.Arbitrary<number> {
  return fc.double({ ...constraints, noNaN: true }).filter((number) => !Object.is(number, -0))
}

describe('groupDigits', () => {
  it.each([
    [0, 0, '0'],
    [999, 0, '999'],
    [1000, 0, '1,000'],
    [1234567, 0, '1,234,567'],
    [-1234567, 0, '-1,234,567'],
    [812.44, 1, '812.4'],
    [1.5, 0, '2'],
    [2.5, 0, '3'],
    [-2.5, 0, '-3'],
    [1.25, 2, '1.25'],
    [1.2, 3, '1.2'],
    [1536 / 1024, 1, '1.5'],
    [1e21, 0, '1,000,000,000,000,000,000,000'],
    [0.005, 2, '0.01'],
    [0.0049, 2, '0'],
    [-0.0004, 0, '-0'],
    [31293152.45, 1, '31,293,152.5'],
    [2 ** 70, 0, '1,180,591,620,717,411,300,000'],
    // Intl writes `-0` here; no figure the action shows is a negative zero.
    [-0, 0, '0']
  ])('%p with %p fraction digits → %p', (value, digits, text) => {
    expect(groupDigits(value, digits)).toBe(text)
  })

  it('writes what Intl.NumberFormat writes, for any finite number', () => {
    const value = double({ noDefaultInfinity: true })
    fc.assert(
      fc.property(value, fractionDigits, (number, digits) => {
        expect(groupDigits(number, digits)).toBe(intlFigure(number, digits))
      }),
      { numRuns: 2000 }
    )
  })

  it('writes what Intl.NumberFormat writes for counts, measures and values half-way between two figures', () => {
    const halfway = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fractionDigits)
      .map(([n, digits]) => [(n + 0.5) / 10 ** digits, digits] as const)
    const count = fc.tuple(fc.maxSafeNat(), fractionDigits)
    const measure = fc.tuple(double({ min: -1e12, max: 1e12 }), fractionDigits)
    fc.assert(
      fc.property(fc.oneof(halfway, count, measure), ([number, digits]) => {
        expect(groupDigits(number, digits)).toBe(intlFigure(number, digits))
      }),
      { numRuns: 2000 }
    )
  })
})

describe('compareNames', () => {
  it('orders ignoring case first, then upper case before lower case', () => {
    const names = ['b', 'Ab', 'B', 'aa', 'a', 'A', 'ab']
    expect([...names].sort(compareNames)).toEqual(['A', 'a', 'aa', 'Ab', 'ab', 'B', 'b'])
  })

  it('puts the same names in the same order whatever order they come in', () => {
    const names = fc.array(
      fc.string({ maxLength: 4, unit: fc.constantFrom('a', 'A', 'b', 'B', '-', 'é', 'É') })
    )
    fc.assert(
      fc.property(names, (list) => {
        const sorted = [...list].sort(compareNames)
        expect([...list].reverse().sort(compareNames)).toEqual(sorted)
        for (let i = 1; i < sorted.length; i++) {
          expect(compareNames(sorted[i - 1], sorted[i])).toBeLessThanOrEqual(0)
          expect(compareNames(sorted[i], sorted[i - 1])).toBeGreaterThanOrEqual(0)
        }
      })
    )
  })

  it('is 0 only for the same name', () => {
    expect(compareNames('policy', 'policy')).toBe(0)
    expect(compareNames('Policy', 'policy')).toBeLessThan(0)
    expect(compareNames('policy', 'Policy')).toBeGreaterThan(0)
  })
})
