// Figures that would mislead without a word: a `New` column where nothing was compared, and a
// trend whose last day differs from the gate's total.

import { describe, expect, it } from '@jest/globals'
import { policy, policyOutcome, runReport, TREND } from '../__fixtures__/report.js'
import { render, section } from './summary-helpers.js'

const notCompared = policy({
  name: 'Open security groups',
  severity: 'medium',
  violations: 6,
  newViolations: undefined
})
const compared = policy({
  name: 'Public buckets',
  severity: 'low',
  violations: 3,
  newViolations: 2
})

function gateTable(policies = [notCompared], partial = true): string {
  const outcome = { ...policyOutcome(policies, { trend: [] }), newViolationsPartial: partial }
  return section(render(runReport({ policies: outcome })), '### 🛡️ Policy gate')
}

describe('the New column with gate-on: all', () => {
  it('shows — rather than 0 where no policy was compared, and says why', () => {
    const out = gateTable()
    expect(out).toContain('| 🟡 Medium | **6** | — |')
    expect(out).not.toMatch(/\| 🟡 Medium \| \*\*6\*\* \| 0 \|/)
    expect(out).toMatch(
      /_New: added since each policy's previous evaluation\. With <code>gate-on: all<\/code>/
    )
  })

  it('shows a lower bound where only some were compared', () => {
    expect(gateTable([notCompared, compared])).toContain('| 🔵 Low | **3** | ≥ 2 |')
  })

  it('shows exact figures, without the note, when every policy was compared', () => {
    const out = gateTable([compared], false)
    expect(out).toContain('| 🔵 Low | **3** | 2 |')
    expect(out).not.toContain('_New:')
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
      /paused policies included; the gate above counts the 1 selected active policy \\\(3 now\\\)/
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
