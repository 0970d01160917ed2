// Each section of the summary for a finished run: what a reader needs without opening the logs.

import { describe, expect, it } from '@jest/globals'
import { sparkline } from '../../../src/report/summary/policies.js'
import {
  comparedPolicies,
  completedSync,
  failingPolicies,
  partialSync,
  passingPolicies,
  policy,
  policyOutcome,
  RUN_ID,
  runReport,
  WORKFLOW_RUN_URL
} from '../../__fixtures__/report.js'
import { expectValidTables, render, section } from './helpers.js'

describe('renderSummary: a full passing run', () => {
  const out = render(runReport({ syncs: [completedSync()], policies: passingPolicies() }))

  it('opens with a pass banner that says why in one line', () => {
    expect(out.startsWith('## ✅ CloudQuery Platform: passed\n\n')).toBe(true)
    expect(out.split('\n')[2]).toBe(
      'Sync <code>aws-prod</code> completed: 1,234,567 rows. 13 violations in 2 of 3 policies, all within the thresholds.'
    )
  })

  it('shows the sync run: status, id, times, duration, rows and metered resources', () => {
    const sync = section(out, '### 🔄 Sync run of <code>aws-prod</code>')
    expect(sync).toContain(
      `**Status:** ✅ <code>completed</code> · **Run:** <code>${RUN_ID}</code> (started by this action)`
    )
    expect(sync).toContain(
      '| Started | Completed | Duration | Rows | Errors | Warnings | CPU | Memory | Egress |'
    )
    expect(sync).toContain(
      '| 2026-11-27 10:00:05 UTC | 2026-11-27 10:05:17 UTC | 5m 12s | 1,234,567 | 0 | 2 | 812.4 s | 180 GiB·s | 5.5 MiB |'
    )
    expect(sync).not.toContain('Tables with errors')
  })

  it('shows the thresholds table with the status of each row', () => {
    const gate = section(out, '### 🛡️ Policy gate')
    expect(gate).toContain('Gate on **all** current violations · evaluation <code>wait</code>')
    // No baseline and no exceptions: the thresholds judge the Platform's count itself, so the
    // table has no New, Suppressed or Counted column to confuse with it.
    expect(gate).toContain('| Severity | Violations | Allowed | Status |')
    expect(gate).toContain('| 🔴 Critical | **0** | 0 | ✅ within |')
    expect(gate).toContain('| 🟡 Medium | **4** | — | ➖ no limit |')
    expect(gate).toContain('| **Total** | **13** | — | ➖ no limit |')
    expect(gate).toContain("_The thresholds judge the Platform's current Violations._")
  })

  it('lists violating policies, most severe first', () => {
    const gate = section(out, '### 🛡️ Policy gate')
    expect(gate).toContain('#### Violating policies (2)')
    const medium = gate.indexOf('| 🟡 Medium | Unencrypted EBS volumes | security | 4 | ±0 |')
    const low = gate.indexOf('| 🔵 Low | Untagged resources | governance | 9 | ±0 |')
    expect(medium).toBeGreaterThan(0)
    expect(low).toBeGreaterThan(medium)
  })

  it('draws the 7-day trend as a sparkline with numbers', () => {
    expect(out).toContain('#### Violations over the last 7 days')
    expect(out).toContain('<code>▁▂▂▄█▇▃</code> 12 → 18 (\\+6)')
    expect(out).toContain('| 2026-11-21 | 2026-11-22 |')
    expect(out).toContain('| 12 | 15 | 15 | 20 | 31 | 27 | 18 |')
  })

  it('ends with a footer naming the Platform and its version, and linking the workflow run', () => {
    const footer = out.slice(out.lastIndexOf('---'))
    expect(footer).toContain('CloudQuery Platform GitHub Action 1.0.0')
    expect(footer).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
    expect(footer).toContain(
      'Platform <code>https://cloudquery.example.com/api</code> (version v1.42.0)'
    )
    expect(footer).toContain('finished 2026-11-27 10:07:30 UTC')
  })

  it('has only well-formed tables and no errors section', () => {
    expectValidTables(out)
    expect(out).not.toContain('### Errors')
  })
})

describe('renderSummary: a failing gate', () => {
  const report = runReport({ syncs: [partialSync()], policies: failingPolicies() })
  const out = render(report)

  it('opens with a fail banner naming the first reason and counting the rest', () => {
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expect(out).toContain(
      '**Why:** 3 critical violations; at most 0 allowed \\(max-critical-violations\\) _(and 2 more, below)_'
    )
    expect(out).not.toContain('Soft fail')
  })

  it('marks breached thresholds', () => {
    expect(out).toContain('| 🔴 Critical | **3** | 0 | ❌ over by 3 |')
    expect(out).toContain('| 🟠 High | **5** | 0 | ❌ over by 5 |')
  })

  it('shows the change since the previous evaluation and flags stale results', () => {
    expect(out).toContain(
      '| 🔴 Critical | Public S3 buckets | security | 3 | \\+2 | 2026-11-27 10:06:00 UTC |'
    )
    expect(out).toContain('| 2 | ±0 | 2026-11-26 08:00:00 UTC ⚠️ stale |')
  })

  it('puts sample resources in a collapsed block per policy', () => {
    expect(out).toContain('#### Sample violating resources')
    expect(out).toContain(
      '<details><summary>critical · Public S3 buckets — 2 of 3 resources</summary>\n\n| Resource | Type | Account | Region |'
    )
    expect(out).toContain('| acme-public-assets | S3 Bucket | prod | us-east-1 |')
    // The account id stands in for a missing account name.
    expect(out).toContain('| acme-logs | S3 Bucket | 123456789012 | eu-west-1 |')
    expect(out).toContain('</details>')
  })

  it('names the stale policies', () => {
    expect(out).toContain('#### ⚠️ Stale policies (1)')
    expect(out).toContain('- Old access keys (medium) — last evaluated 2026-11-26 08:00:00 UTC')
  })

  it('shows the partial success warning of the run', () => {
    expect(out).toContain('**Status:** ⚠️ <code>completed</code> (<code>partial\\_success</code>)')
    expect(out).toContain('- ⚠️ Run ')
  })

  it('says plainly when soft-fail kept the step from failing, and when it could not', () => {
    const breached = policyOutcome([
      policy({ name: 'Open ports', severity: 'high', violations: 2 })
    ])
    const soft = render(runReport({ policies: breached, softFail: true }))
    expect(soft).toContain('## ❌ CloudQuery Platform: failed')
    expect(soft).toContain(
      '**Soft fail:** <code>soft-fail</code> is on and only thresholds were breached, so this step is not marked as failed; the <code>result</code> output is <code>fail</code>.'
    )
    // A stale policy is data the gate could not see: soft-fail does not soften it.
    const unsoftened = render(runReport({ policies: failingPolicies(), softFail: true }))
    expect(unsoftened).toContain(
      '**Soft fail does not apply:** <code>soft-fail</code> softens breached thresholds only, and this step failed for another reason.'
    )
  })

  it('marks the judged column for gate-on: new', () => {
    const { policies, resources } = comparedPolicies()
    const fresh = render(
      runReport({ syncs: [completedSync()], policies, resources, gateOn: 'new' })
    )
    expect(fresh).toContain('Gate on **new** violations')
    expect(fresh).toContain('| Severity | Violations | New | Counted | Allowed | Status |')
    expect(fresh).toContain('| 🔴 Critical | 3 | 2 | **2** | 0 | ❌ over by 2 |')
    // The medium and low policies' resources were not read: their new figure is unknown.
    expect(fresh).toContain('| 🟡 Medium | 2 | — | — | — | ➖ no limit |')
    expect(fresh).toContain('| **Total** | 17 | — | — | — | ➖ no limit |')
    expect(fresh).toContain('_The thresholds judge Counted: the new violations')
    expect(fresh).toContain('| Public S3 buckets | security | 3 (2 new, 1 fixed) |')
    expect(fresh).toContain(
      '| 🔴 Critical | Public S3 buckets | 2 | 1 | 1 | b \\(production, us-east-1\\), c \\(production, us-east-1\\) |'
    )
    expect(fresh).not.toContain('⚠️ The baseline')
    const old = comparedPolicies()
    old.resources.baseline!.createdAt = '2026-09-01T00:00:00Z'
    const stale = render(
      runReport({ policies: old.policies, resources: old.resources, gateOn: 'new' })
    )
    expect(stale).toContain(
      '⚠️ The baseline "baseline.json" is 87 days old \\(made 2026-09-01T00:00:00Z\\), older than 30 days \\(baseline-max-age-days\\): refresh it from the default branch.'
    )
  })

  it('names the baseline artifact that judged, its run, branch and age, as text only', () => {
    const { policies, resources } = comparedPolicies()
    const report = runReport({ policies, resources, gateOn: 'new' })
    expect(render(report)).not.toContain('Baseline artifact')
    const artifact = {
      name: 'nightly_*baseline*',
      id: 201,
      createdAt: '2026-11-24T09:00:00Z',
      runId: 2010,
      runUrl: 'https://github.com/acme/infra/actions/runs/2010',
      branch: '@main <b>',
      event: 'schedule'
    }
    const out = render({ ...report, baselineSource: { path: 'nightly (artifact 201)', artifact } })
    expect(out).toContain(
      'Baseline artifact <code>nightly\\_\\*baseline\\*</code> (id 201), uploaded by [run 2010](https://github.com/acme/infra/actions/runs/2010) (schedule) on <code>@main &lt;b&gt;</code>, 3 days old.'
    )
  })

  it('reports violations of an unknown severity instead of dropping them', () => {
    const outcome = policyOutcome([
      policy({ name: 'Quantum risk', severity: 'urgent', violations: 4 })
    ])
    const withUnknown = render(runReport({ policies: outcome, syncNames: [] }))
    expect(withUnknown).toContain('| ❔ Other severities | **4** | — | counted in the total |')
    expect(withUnknown).toContain('| ❔ urgent | Quantum risk |')
    expectValidTables(withUnknown)
  })
})

describe('sparkline', () => {
  it('scales values between the lowest and the highest', () => {
    expect(sparkline([0, 7, 14])).toBe('▁▅█')
    expect(sparkline([5, 5])).toBe('▄▄')
    expect(sparkline([0, 0])).toBe('▁▁')
    expect(sparkline([1, Number.NaN, 3])).toBe('▁·█')
  })
})
