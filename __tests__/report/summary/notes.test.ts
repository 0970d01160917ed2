// Figures that would mislead without a word: a `New` column where nothing was compared, and a
// trend whose last day differs from the gate's total.

import { describe, expect, it } from '@jest/globals'
import { policy, policyOutcome, runReport, TREND } from '../../__fixtures__/report.js'
import { render, section } from './helpers.js'

const compared = policy({ name: 'Public buckets', severity: 'low', violations: 3 })

describe('the New column', () => {
  it('shows — rather than 0 where nothing was compared (no baseline file)', () => {
    const out = section(
      render(runReport({ policies: policyOutcome([compared], { trend: [] }) })),
      '### 🛡️ Policy gate'
    )
    expect(out).toContain('| 🔵\u00a0Low | **3** | — |')
    expect(out).not.toMatch(/\| 🔵\u00a0Low \| \*\*3\*\* \| 0 \|/)
  })
})

describe('the 7-day trend', () => {
  const withTrend = (trend: typeof TREND, trendNote?: string): string =>
    render(
      runReport({
        policies: { ...policyOutcome([compared], { trend }), trendNote }
      })
    )

  it('says why its last day differs from the gate total (paused policies count there)', () => {
    const out = withTrend([
      { date: '2026-11-26', violations: 0 },
      { date: '2026-11-27', violations: 52 }
    ])
    expect(out).toContain('0 → 52')
    expect(out).toMatch(
      /paused policies included; the gate above counts the 1 selected active policy \\\(3 violations now\\\)/
    )
  })

  it('adds no note when the last day matches the total', () => {
    const out = withTrend([
      { date: '2026-11-26', violations: 1 },
      { date: '2026-11-27', violations: 3 }
    ])
    expect(out).not.toContain('paused policies included')
  })

  it('shows the stage note when named policies cannot narrow it', () => {
    const out = withTrend(TREND, 'The trend covers every policy matching the filters.')
    expect(out).toContain('_The trend covers every policy matching the filters.')
  })
})
