// The summary against hostile input: GitHub's size limit, Platform text posing as markup, secrets.

import { describe, expect, it } from '@jest/globals'
import type { PolicyResult } from '../../../src/policies/outcome.js'
import { SUMMARY_MAX_BYTES } from '../../../src/report/summary/summary.js'
import {
  API_KEY,
  failedSync,
  manyPolicies,
  policy,
  policyOutcome,
  runReport,
  WORKFLOW_RUN_URL
} from '../../__fixtures__/report.js'
import { expectValidTables, outsideCode, render } from './helpers.js'

describe('renderSummary: caps', () => {
  it('shows 50 violating policies and counts the rest', () => {
    const out = render(runReport({ policies: policyOutcome(manyPolicies(60)) }))
    expect(out).toContain('#### Violating policies (60)')
    const rows = out.split('\n').filter((line) => /^\| 🟠\u00a0High \| Policy \d\d \|/.test(line))
    expect(rows).toHaveLength(50)
    expect(rows[0]).toContain('| Policy 01 | security | 60 |')
    expect(out).not.toContain('| Policy 51 |')
    expect(out).toContain('_…and 10 more violating policies, all listed in the JSON report._')
  })

  it('keeps a report of hostile size under GitHub’s limit, dropping samples that do not fit', () => {
    const huge = (index: number): string => `${'&<'.repeat(3000)}${index}`
    const policies: PolicyResult[] = Array.from({ length: 300 }, (_, index) =>
      policy({
        name: huge(index),
        domain: huge(index),
        severity: index % 2 === 0 ? 'critical' : huge(index),
        violations: 1000 + index,
        stale: index % 3 === 0,
        samples: Array.from({ length: 100 }, () => ({
          name: huge(index),
          resource_type_label: huge(index),
          _cq_account_name: huge(index),
          region: huge(index)
        }))
      })
    )
    const outcome = policyOutcome(policies, {
      warnings: Array.from({ length: 100 }, (_, index) => huge(index)),
      trend: Array.from({ length: 90 }, (_, index) => ({ date: huge(index), violations: index }))
    })
    const out = render(
      runReport({
        syncs: [
          {
            ...failedSync(),
            reasons: Array.from({ length: 100 }, (_, index) => huge(index)),
            warnings: Array.from({ length: 100 }, (_, index) => huge(index)),
            tablesWithErrors: Array.from({ length: 100 }, (_, index) => ({
              service_name: huge(index),
              name: huge(index),
              started_at: '',
              errors: index
            }))
          }
        ],
        policies: outcome,
        errors: Array.from({ length: 100 }, (_, index) => ({
          stage: 'policies' as const,
          message: huge(index)
        }))
      })
    )
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(out).toMatch(
      /_Samples of \d+ more policies are left out to keep the summary within GitHub's size limit\._/
    )
    expect(out).toContain('_…and 80 more errors._')
    expect(out).toContain('_…and 90 more tables with errors._')
    expect(out).toContain('_…and 50 more stale policies._')
    expect(out).toContain('#### Violations over the last 14 days')
    expect(out).not.toMatch(/<(?!\/?(code|details|summary|sub)>)/)
    expectValidTables(out)
  })
})

describe('renderSummary: hostile text from the Platform', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](http://evil.example)',
    '![img](http://x.example/a.png)',
    '| a | b |',
    '@org/team',
    'two\nlines',
    '::set-output name=result::pass'
  ]
  const policies = hostile.map((name, index) =>
    policy({
      name,
      domain: name,
      severity: 'critical',
      violations: index + 1,
      samples: [{ name, resource_type_label: name, _cq_account_name: name, region: name }]
    })
  )
  const out = render(
    runReport({
      syncs: [failedSync()],
      policies: policyOutcome(policies, { warnings: hostile }),
      errors: hostile.map((message) => ({ stage: 'policies' as const, message }))
    })
  )

  it('never lets it become HTML, links, images or mentions', () => {
    expect(out).not.toMatch(/<(?!\/?(code|details|summary|sub)>)/)
    // The one link is the footer's, to the workflow run.
    expect(out.replace(`[Workflow run](${WORKFLOW_RUN_URL})`, '')).not.toMatch(/(?<!\\)\]\(/)
    expect(out).not.toMatch(/(?<!\\)!\[/)
    expect(outsideCode(out)).not.toMatch(/@[A-Za-z]/)
    expect(outsideCode(out)).not.toContain('http://evil')
  })

  it('keeps every table a table', () => {
    expectValidTables(out)
  })

  it('keeps workflow commands as text in the middle of a line', () => {
    for (const line of out.split('\n')) expect(line.startsWith('::')).toBe(false)
    expect(out).toContain('::set-output name=result::pass')
  })

  it('collapses newlines in names', () => {
    expect(out).toContain('two ⏎ lines')
  })
})

describe('renderSummary: redaction', () => {
  it('removes the API key wherever the Platform echoed it, even where escaping would split it', () => {
    const leaky = `token ${API_KEY} here`
    const out = render(
      runReport({
        syncs: [{ ...failedSync(), reasons: [leaky] }],
        policies: policyOutcome([
          policy({
            name: leaky,
            severity: 'critical',
            violations: 1,
            samples: [{ name: leaky }]
          })
        ]),
        errors: [{ stage: 'policies', message: leaky }]
      })
    )
    const visible = out.replace(/\\/g, '')
    expect(visible).not.toContain(API_KEY)
    expect(visible).not.toContain('Sup3r')
    expect(out).toContain('token \\*\\*\\* here')
  })
})
