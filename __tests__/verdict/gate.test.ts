import { describe, expect, it } from '@jest/globals'
import { emptyCounts, type KnownSeverity } from '../../src/lib/severity.js'
import { evaluateGate, type GateInput } from '../../src/verdict/gate.js'

const NO_LIMITS = {
  critical: undefined,
  high: undefined,
  medium: undefined,
  low: undefined,
  total: undefined
}

function input(overrides: Partial<GateInput> = {}): GateInput {
  return {
    violations: { critical: 1, high: 2, medium: 3, low: 4 },
    newViolations: emptyCounts(),
    unknownSeverityViolations: 0,
    newUnknownSeverityViolations: 0,
    thresholds: NO_LIMITS,
    gateOn: 'all',
    stalePolicies: 0,
    ...overrides
  }
}

describe('evaluateGate', () => {
  it.each<[KnownSeverity, number]>([
    ['critical', 1],
    ['high', 2],
    ['medium', 3],
    ['low', 4]
  ])('max-%s-violations allows %i and no more', (severity, count) => {
    const at = (allowed: number) =>
      evaluateGate(input({ thresholds: { ...NO_LIMITS, [severity]: allowed } }))
    expect(at(count)).toMatchObject({ verdict: 'pass', reasons: [] })
    const over = at(count - 1)
    expect(over.verdict).toBe('fail')
    expect(over.reasons).toEqual([
      `${count} ${severity} violation${count === 1 ? '' : 's'}; at most ${count - 1} allowed (max-${severity}-violations)`
    ])
    expect(over.rows.find((row) => row.severity === severity)).toMatchObject({
      counted: count,
      allowed: count - 1,
      breached: true
    })
  })

  it('lists the rows most severe first, then the total with unknown severities in it', () => {
    const verdict = evaluateGate(input({ unknownSeverityViolations: 5 }))
    expect(verdict.rows.map((row) => [row.severity, row.violations])).toEqual([
      ['critical', 1],
      ['high', 2],
      ['medium', 3],
      ['low', 4],
      ['total', 15]
    ])
    expect(verdict.verdict).toBe('pass')
  })

  it('max-violations limits the total', () => {
    const at = (total: number) =>
      evaluateGate(input({ thresholds: { ...NO_LIMITS, total }, unknownSeverityViolations: 5 }))
    expect(at(15).verdict).toBe('pass')
    expect(at(14).reasons).toEqual(['15 violations in all; at most 14 allowed (max-violations)'])
  })

  it('gate-on new counts only new violations', () => {
    const verdict = evaluateGate(
      input({
        gateOn: 'new',
        newViolations: { critical: 0, high: 1, medium: 0, low: 0 },
        newUnknownSeverityViolations: 2,
        thresholds: { ...NO_LIMITS, critical: 0, high: 0, total: 2 }
      })
    )
    expect(verdict.reasons).toEqual([
      '1 new high violation; at most 0 allowed (max-high-violations)',
      '3 new violations in all; at most 2 allowed (max-violations)'
    ])
    expect(verdict.rows[0]).toMatchObject({ violations: 1, newViolations: 0, breached: false })
  })

  it('fails when any policy is stale, whatever the counts', () => {
    const verdict = evaluateGate(input({ stalePolicies: 2 }))
    expect(verdict.verdict).toBe('fail')
    expect(verdict.reasons).toEqual([
      '2 policies with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them'
    ])
  })
})
