// The gate over figures: per policy (the Platform's count, suppressed, new, counted) and per row,
// where an unknown figure makes the sum unknown and a limited row it is in is never "within".

import { describe, expect, it } from '@jest/globals'
import type { Thresholds } from '../../src/inputs/config.js'
import type { KnownSeverity } from '../../src/lib/severity.js'
import type { PolicyResult } from '../../src/policies/outcome.js'
import {
  gateRows,
  policyFigures,
  type FigureSettings,
  type PolicyFigures
} from '../../src/verdict/figures.js'
import { evaluateGate } from '../../src/verdict/gate.js'
import { policy } from '../__fixtures__/report.js'

const NO_LIMITS: Thresholds = {
  critical: undefined,
  high: undefined,
  medium: undefined,
  low: undefined,
  total: undefined
}

function settings(overrides: Partial<FigureSettings> = {}): FigureSettings {
  return {
    gateOn: 'all',
    thresholds: NO_LIMITS,
    compared: false,
    scoped: false,
    namedByException: () => false,
    inBaseline: () => 0,
    ...overrides
  }
}

const POLICIES: PolicyResult[] = [
  policy({ name: 'c', severity: 'critical', violations: 1 }),
  policy({ name: 'h', severity: 'high', violations: 2 }),
  policy({ name: 'm', severity: 'medium', violations: 3 }),
  policy({ name: 'l', severity: 'low', violations: 4 })
]

function gate(
  policies: PolicyResult[],
  thresholds: Thresholds = NO_LIMITS,
  figureSettings: Partial<FigureSettings> = {}
) {
  const all = settings({ thresholds, ...figureSettings })
  const figures: Record<string, PolicyFigures> = {}
  for (const p of policies) figures[p.id] = policyFigures(p, undefined, all)
  return evaluateGate({ policies, figures, thresholds, gateOn: all.gateOn })
}

describe('the gate', () => {
  it.each<[KnownSeverity, number]>([
    ['critical', 1],
    ['high', 2],
    ['medium', 3],
    ['low', 4]
  ])('max-%s-violations allows %i and no more', (severity, count) => {
    const at = (allowed: number) => gate(POLICIES, { ...NO_LIMITS, [severity]: allowed })
    expect(at(count)).toMatchObject({ gate: { verdict: 'pass' }, reasons: [] })
    const over = at(count - 1)
    expect(over.gate.verdict).toBe('fail')
    expect(over.reasons).toEqual([
      {
        kind: 'threshold',
        text: `${count} ${severity} violation${count === 1 ? '' : 's'}; at most ${count - 1} allowed (max-${severity}-violations)`
      }
    ])
    expect(over.gate.rows.find((row) => row.key === severity)).toMatchObject({
      counted: count,
      allowed: count - 1,
      status: 'breached'
    })
  })

  it('lists the rows most severe first, then other severities only when some policy has one, then the total', () => {
    expect(gate(POLICIES).gate.rows.map((row) => row.key)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'total'
    ])
    const odd = [...POLICIES, policy({ name: 'u', severity: 'urgent', violations: 5 })]
    expect(gate(odd).gate.rows.map((row) => [row.key, row.violations, row.status])).toEqual([
      ['critical', 1, 'no-limit'],
      ['high', 2, 'no-limit'],
      ['medium', 3, 'no-limit'],
      ['low', 4, 'no-limit'],
      ['other', 5, 'no-limit'],
      ['total', 15, 'no-limit']
    ])
  })

  it('max-violations limits the total, unknown severities included', () => {
    const odd = [...POLICIES, policy({ name: 'u', severity: 'urgent', violations: 5 })]
    expect(gate(odd, { ...NO_LIMITS, total: 15 }).gate.verdict).toBe('pass')
    expect(gate(odd, { ...NO_LIMITS, total: 14 }).reasons).toEqual([
      { kind: 'threshold', text: '15 violations in all; at most 14 allowed (max-violations)' }
    ])
  })

  it('gate-on: new counts the new figure, and a policy whose new figure is unknown makes its row unknown, never within', () => {
    const unread = gate(POLICIES, { ...NO_LIMITS, high: 0 }, { gateOn: 'new', compared: true })
    const high = unread.gate.rows.find((row) => row.key === 'high')
    expect(high).toMatchObject({ violations: 2, new: null, counted: null, status: 'unknown' })
    expect(unread.gate.verdict).toBe('fail')
    expect(unread.reasons).toEqual([
      {
        kind: 'stale',
        text: '1 policy counted by the thresholds with an unknown figure, so the gate cannot vouch for them: "h" (its violating resources were not read (no threshold counts it))'
      }
    ])
    expect(unread.gate.rows.at(-1)).toMatchObject({ violations: 10, new: null, counted: null })
  })

  it('a policy with no violation is known to have nothing new, suppressed or unchanged, and all its baseline entries fixed', () => {
    const clean = policy({ name: 'clean', severity: 'critical', violations: 0 })
    const figures = policyFigures(
      clean,
      undefined,
      settings({ gateOn: 'new', compared: true, inBaseline: () => 3, namedByException: () => true })
    )
    expect(figures).toMatchObject({
      violations: 0,
      suppressed: 0,
      new: 0,
      counted: 0,
      fixed: 3,
      unchanged: 0
    })
  })

  it('an exception naming a policy whose resources were not read leaves its suppressed figure unknown', () => {
    const named = policy({ name: 'p', severity: 'high', violations: 2, stale: true })
    expect(
      policyFigures(named, undefined, settings({ namedByException: () => true }))
    ).toMatchObject({
      suppressed: null,
      counted: null,
      unknownBecause: expect.stringMatching(/stale/)
    })
  })

  it('a count that is not a count is unknown, and so is every sum it is in', () => {
    const broken = policy({ name: 'b', severity: 'high', violations: undefined })
    broken.invalidCount = '-3'
    const result = gate([...POLICIES, broken], { ...NO_LIMITS, high: 10 })
    expect(result.gate.policies[broken.id]).toMatchObject({
      violations: null,
      counted: null,
      unknownBecause: "the Platform's count (-3) is not a count"
    })
    expect(result.gate.rows.find((row) => row.key === 'high')?.status).toBe('unknown')
    expect(result.gate.rows.at(-1)?.violations).toBeNull()
    expect(result.gate.verdict).toBe('fail')
  })

  it('says why each unknown figure is unknown', () => {
    const why = (overrides: Partial<PolicyResult>, figureSettings: Partial<FigureSettings> = {}) =>
      policyFigures(
        policy({ name: 'p', severity: 'high', violations: 2, ...overrides }),
        undefined,
        settings({ thresholds: { ...NO_LIMITS, high: 0 }, ...figureSettings })
      ).unknownBecause
    expect(why({ violations: undefined })).toBe('the Platform gave no count')
    expect(why({}, { namedByException: () => true })).toBe(
      'its violating resources were not read (no threshold counts it)'
    )
    // What the policy stage said about its listing goes before staleness.
    expect(
      why(
        { stale: true, resourcesUnknown: 'its listing disagreed with its count' },
        { namedByException: () => true }
      )
    ).toBe('its listing disagreed with its count')
    expect(why({})).toBe(undefined)
  })

  it('names the first five policies with an unknown figure in its reason, and how many more', () => {
    const unknown = Array.from({ length: 7 }, (_, i) =>
      policy({ name: `u${i + 1}`, severity: 'high', violations: undefined })
    )
    const { reasons } = gate(unknown, { ...NO_LIMITS, high: 10 })
    expect(reasons).toEqual([
      {
        kind: 'stale',
        text: `7 policies counted by the thresholds with an unknown figure, so the gate cannot vouch for them: ${[1, 2, 3, 4, 5].map((i) => `"u${i}" (the Platform gave no count)`).join('; ')} and 2 more`
      }
    ])
    expect(gate(unknown.slice(0, 5), { ...NO_LIMITS, high: 10 }).reasons[0].text).toMatch(
      /"u5" \(the Platform gave no count\)$/
    )
  })

  it('suppressed figures come off the counted one, never off the Platform count', () => {
    const p = policy({ name: 'p', severity: 'critical', violations: 5 })
    const figures = policyFigures(
      p,
      { outOfScope: 0, suppressed: 4, new: 0, fixed: 0, unchanged: 0 },
      settings({ namedByException: () => true })
    )
    expect(figures).toMatchObject({ violations: 5, suppressed: 4, counted: 1 })
  })

  it('knows which policies a threshold counts', () => {
    const all = settings({ thresholds: { ...NO_LIMITS, high: 0 } })
    expect(policyFigures(POLICIES[1], undefined, all).judged).toBe(true)
    expect(policyFigures(POLICIES[0], undefined, all).judged).toBe(false)
    const total = settings({ thresholds: { ...NO_LIMITS, total: 0 } })
    expect(policyFigures(policy({ name: 'u', severity: 'urgent' }), undefined, total).judged).toBe(
      true
    )
  })

  it('fails when any policy is stale, whatever the counts', () => {
    const stale = POLICIES.map((p, i) => ({ ...p, stale: i < 2 }))
    expect(gate(stale).reasons).toEqual([
      {
        kind: 'stale',
        text: '2 policies with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them'
      }
    ])
  })

  it('sums rows only from the row’s own policies', () => {
    const figures: Record<string, PolicyFigures> = {}
    for (const p of POLICIES) figures[p.id] = policyFigures(p, undefined, settings())
    const rows = gateRows(POLICIES, figures, NO_LIMITS)
    expect(rows.map((row) => row.counted)).toEqual([1, 2, 3, 4, 10])
  })
})
