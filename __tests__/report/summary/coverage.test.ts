// The summary's coverage: marks beside the rows and policies whose data is not all this run's, with
// a footnote, and a section naming each counted policy's gap and what a failed sync would have
// refreshed.

import { describe, expect, it } from '@jest/globals'
import {
  completedSync,
  coverageReport,
  passingPolicies,
  policy,
  policyOutcome,
  runReport,
  syncOutcome
} from '../../__fixtures__/report.js'
import { expectValidTables, render } from './helpers.js'

const coverageSection = (markdown: string): string => {
  const start = markdown.indexOf('#### Coverage')
  expect(start).toBeGreaterThanOrEqual(0)
  const end = markdown.slice(start + 1).search(/\n(---|#### )/)
  return markdown.slice(start, end < 0 ? undefined : start + 1 + end)
}

describe('renderSummary: coverage', () => {
  const out = render(coverageReport())

  it('marks the gate rows that count a policy whose data is not all this run’s, with a footnote', () => {
    expectValidTables(out)
    expect(out).toContain('| 🔴 Critical ⚠️ | **0** | 0 | ✅ within |')
    expect(out).toContain('| 🟠 High 🕘❓ | **0** | 0 | ✅ within |')
    expect(out).toContain('| 🔵 Low | **4** | — | ➖ no limit |')
    expect(out).toContain(
      "_⚠️ a counted policy reads a table this run synced with errors or panics · 🕘 a counted policy reads a table this run did not sync \\(judged on earlier data\\) · ❓ a counted policy's coverage is unknown: see Coverage._"
    )
  })

  it('names each counted policy with a gap: the table and its errors, earlier data, unknown', () => {
    const section = coverageSection(out)
    expect(section).toContain(
      '4 counted policies: 1 complete, ⚠️ 1 read a table synced with errors, 🕘 1 on earlier data, ❓ 1 unknown.'
    )
    expect(section).toContain(
      '- ⚠️ **Public S3 buckets** (critical): aws\\_s3\\_buckets: 3 errors, 1 panic; fails the gate (<code>table-errors: fail</code>)'
    )
    expect(section).toContain(
      '- 🕘 **IAM users without MFA** (high): aws\\_iam\\_users not synced by this run: judged on earlier data'
    )
    expect(section).toMatch(
      /- ❓ \*\*Cross-account trust\*\* \(high\): coverage unknown: the Platform lists no top-level table/
    )
    // A policy no threshold counts is not cross-checked.
    expect(section).not.toContain('Untagged resources')
  })

  it('says which counted policies a failed sync would have refreshed', () => {
    expect(coverageSection(out)).toContain(
      '- Sync <code>iam-prod</code> failed: it would have refreshed the data of 1 counted policy: "IAM users without MFA".'
    )
  })

  it('with table-errors: warn, shows the same table errors as not failing the gate', () => {
    const warned = render(coverageReport('warn'))
    expect(warned).toContain('| 🔴 Critical ⚠️ |')
    expect(coverageSection(warned)).toContain(
      '; shown, not failed (<code>table-errors: warn</code>)'
    )
  })

  it('marks a violating policy whose table had errors in its row', () => {
    const report = runReport({
      syncs: [syncOutcome({ tables: [{ name: 'aws_s3_buckets', rows: 9, errors: 2, panics: 0 }] })],
      policies: policyOutcome([
        policy({ name: 'Open buckets', severity: 'critical', violations: 2 })
      ])
    })
    const markdown = render(report)
    expect(markdown).toContain('| 🔴 Critical | Open buckets ⚠️ | security | 2 |')
    expectValidTables(markdown)
  })

  it('says so in one line when every counted policy is complete, and adds no mark', () => {
    const markdown = render(runReport({ syncs: [completedSync()], policies: passingPolicies() }))
    expect(coverageSection(markdown)).toBe(
      '#### Coverage\n\nEvery counted policy \\(1\\) reads only tables this run wrote without errors.\n'
    )
    expect(markdown).not.toMatch(/⚠️|🕘|❓/)
  })

  it('says a policies-only gate was not cross-checked', () => {
    const markdown = render(runReport({ syncNames: [], policies: passingPolicies() }))
    expect(coverageSection(markdown)).toContain(
      'Not checked: a policies-only gate: no run, so no table to cross-check the counted policies against.'
    )
  })
})
