import { describe, expect, it } from '@jest/globals'
import {
  formatByteSeconds,
  formatBytes,
  formatChange,
  formatCount,
  formatTimestamp,
  formatTimestampCell
} from '../../src/report/render/format.js'
import { severityRank } from '../../src/lib/severity.js'
import { syncTotals, totalRow, violatingPolicies, worstRun } from '../../src/report/model.js'
import {
  externalSyncOutcome,
  policy,
  policyOutcome,
  runReport,
  severalSyncs,
  syncOutcome
} from '../__fixtures__/report.js'

describe('violatingPolicies', () => {
  it('orders by severity (unknown last), then violations, then name', () => {
    const outcome = policyOutcome([
      policy({ name: 'b', severity: 'low', violations: 9 }),
      policy({ name: 'odd', severity: 'urgent', violations: 100 }),
      policy({ name: 'c', severity: 'critical', violations: 1 }),
      policy({ name: 'zero', severity: 'critical', violations: 0 }),
      policy({ name: 'a', severity: 'low', violations: 9 }),
      policy({ name: 'd', severity: 'low', violations: 10 })
    ])
    expect(violatingPolicies(outcome).map((result) => result.name)).toEqual([
      'c',
      'd',
      'a',
      'b',
      'odd'
    ])
    expect(severityRank('critical')).toBeLessThan(severityRank('low'))
    expect(severityRank('urgent')).toBeGreaterThan(severityRank('low'))
  })

  it('totals include unknown severities', () => {
    const outcome = policyOutcome([
      policy({ name: 'odd', severity: 'urgent', violations: 4 }),
      policy({ name: 'c', severity: 'critical', violations: 1 })
    ])
    const gate = runReport({ policies: outcome }).verdict.gate!
    expect(totalRow(gate)).toMatchObject({ violations: 5, suppressed: 0, new: null, counted: 5 })
  })
})

describe('format', () => {
  it('counts with separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(812.44, 1)).toBe('812.4')
    expect(formatCount(null)).toBeUndefined()
    expect(formatCount(Number.POSITIVE_INFINITY)).toBeUndefined()
  })

  // A no-break space keeps each unit with its figure in a narrow table column.
  it('sizes in binary units, and memory over time', () => {
    expect(formatBytes(512)).toBe('512\u00a0B')
    expect(formatBytes(1536)).toBe('1.5\u00a0KiB')
    expect(formatBytes(5.5 * 1024 ** 2)).toBe('5.5\u00a0MiB')
    expect(formatBytes(-1)).toBeUndefined()
    expect(formatByteSeconds(2 * 1024 ** 3 * 90)).toBe('180\u00a0GiB·s')
    expect(formatByteSeconds(undefined)).toBeUndefined()
  })

  it('timestamps in UTC; other text as it is', () => {
    expect(formatTimestamp('2026-11-27T12:00:05+02:00')).toBe('2026-11-27 10:00:05 UTC')
    expect(formatTimestamp('yesterday-ish')).toBe('yesterday-ish')
    expect(formatTimestamp('')).toBeUndefined()
    expect(formatTimestamp(null)).toBeUndefined()
    // In a table cell, "UTC" stays with its time; the column may break before the time.
    expect(formatTimestampCell('2026-11-27T12:00:05+02:00')).toBe('2026-11-27 10:00:05\u00a0UTC')
    expect(formatTimestampCell('yesterday-ish')).toBe('yesterday-ish')
  })

  it('signed changes', () => {
    expect(formatChange(5, 2)).toBe('+3')
    expect(formatChange(2, 5)).toBe('−3')
    expect(formatChange(2, 2)).toBe('±0')
    expect(formatChange(2, undefined)).toBe('—')
  })
})

describe('worstRun and syncTotals', () => {
  it('know nothing without a run', () => {
    const noRun = syncOutcome({ run: undefined })
    expect(worstRun([])).toBeUndefined()
    expect(worstRun([noRun])).toBeUndefined()
    expect(syncTotals([])).toEqual({})
    expect(syncTotals([noRun, ...severalSyncs()]).rows).toBeUndefined()
  })

  it('pass over a sync without a run for the worst status, and take the first on a tie', () => {
    const [passed, failed] = severalSyncs()
    const noRun = syncOutcome({ syncName: 'lost', run: undefined })
    expect(worstRun([noRun, passed])).toBe(passed)
    expect(worstRun([failed, { ...failed, syncName: 'again' }])).toBe(failed)
  })

  it('add up a CLI run only in what it reports', () => {
    expect(syncTotals([externalSyncOutcome(), severalSyncs()[0]])).toEqual({
      rows: 60480,
      errors: undefined,
      warnings: undefined,
      longestSeconds: 312
    })
  })
})
