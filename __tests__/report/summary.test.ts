import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../src/lib/log-safety.js'
import type { PolicyResult } from '../../src/policies/outcome.js'
import { renderSummary, SUMMARY_MAX_BYTES } from '../../src/report/summary.js'
import { sparkline } from '../../src/report/summary-policies.js'
import type { RunReport } from '../../src/report/model.js'
import {
  API_KEY,
  completedSync,
  failedSync,
  failingPolicies,
  manyPolicies,
  notAwaitedSync,
  partialSync,
  passingPolicies,
  policy,
  policyOutcome,
  RUN_ID,
  runReport,
  timedOutSync,
  WORKFLOW_RUN_URL
} from '../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const render = (report: RunReport): string =>
  renderSummary(report, { redact, context: { workflowRunUrl: WORKFLOW_RUN_URL } })

/** Each table: its lines, so tests can check that the structure holds. */
function tablesOf(markdown: string): string[][] {
  const tables: string[][] = []
  let current: string[] = []
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) current.push(line)
    else if (current.length > 0) {
      tables.push(current)
      current = []
    }
  }
  if (current.length > 0) tables.push(current)
  return tables
}

const structuralPipes = (line: string): number => line.match(/(?<!\\)(?:\\\\)*\|/g)?.length ?? 0

function expectValidTables(markdown: string): void {
  for (const lines of tablesOf(markdown)) {
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[1]).toMatch(/^\|( :?---:? \|)+$/)
    const width = structuralPipes(lines[0])
    for (const line of lines) expect(structuralPipes(line)).toBe(width)
  }
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading)
  expect(start).toBeGreaterThanOrEqual(0)
  const next = markdown.indexOf('\n### ', start + heading.length)
  return markdown.slice(start, next === -1 ? undefined : next)
}

describe('renderSummary: a full passing run', () => {
  const out = render(runReport({ sync: completedSync(), policies: passingPolicies() }))

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
    expect(gate).toContain('| Severity | Violations | New | Allowed | Status |')
    expect(gate).toContain('| 🔴 Critical | **0** | 0 | 0 | ✅ within |')
    expect(gate).toContain('| 🟡 Medium | **4** | 0 | — | ➖ no limit |')
    expect(gate).toContain('| **Total** | **13** | 0 | — | ➖ no limit |')
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

  it('ends with a footer linking the workflow run', () => {
    const footer = out.slice(out.lastIndexOf('---'))
    expect(footer).toContain('CloudQuery Platform GitHub Action 1.0.0')
    expect(footer).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
    expect(footer).toContain('Platform <code>https:\u200d//cloudquery.example.com/api</code>')
    expect(footer).toContain('finished 2026-11-27 10:07:30 UTC')
  })

  it('has only well-formed tables and no errors section', () => {
    expectValidTables(out)
    expect(out).not.toContain('### Errors')
  })
})

describe('renderSummary: a failing gate', () => {
  const report = runReport({ sync: partialSync(), policies: failingPolicies() })
  const out = render(report)

  it('opens with a fail banner naming the first reason and counting the rest', () => {
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expect(out).toContain(
      '**Why:** 3 critical violations; at most 0 allowed \\(max-critical-violations\\) _(and 2 more, below)_'
    )
    expect(out).not.toContain('Soft fail')
  })

  it('marks breached thresholds', () => {
    expect(out).toContain('| 🔴 Critical | **3** | 2 | 0 | ❌ over by 3 |')
    expect(out).toContain('| 🟠 High | **5** | 0 | 0 | ❌ over by 5 |')
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

  it('says plainly when soft-fail kept the step from failing', () => {
    const soft = render({ ...report, softFail: true })
    expect(soft).toContain('## ❌ CloudQuery Platform: failed')
    expect(soft).toContain(
      '**Soft fail:** <code>soft-fail</code> is on, so this step is not marked as failed; the <code>result</code> output is <code>fail</code>.'
    )
  })

  it('marks the judged column for gate-on: new', () => {
    const outcome = policyOutcome(failingPolicies().policies)
    const fresh = render(runReport({ sync: completedSync(), policies: outcome, gateOn: 'new' }))
    expect(fresh).toContain('Gate on **new** violations')
    expect(fresh).toContain('| 🔴 Critical | 3 | **2** | 0 | ❌ over by 2 |')
    expect(fresh).toContain('| Public S3 buckets | security | 3 (2 new) |')
  })

  it('reports violations of an unknown severity instead of dropping them', () => {
    const outcome = policyOutcome([
      policy({ name: 'Quantum risk', severity: 'urgent', violations: 4 })
    ])
    const withUnknown = render(runReport({ policies: outcome, syncName: undefined }))
    expect(withUnknown).toContain('| ❔ Other severities | 4 | 0 | — | counted in the total |')
    expect(withUnknown).toContain('| ❔ urgent | Quantum risk |')
    expectValidTables(withUnknown)
  })
})

describe('renderSummary: caps', () => {
  it('shows 50 violating policies and counts the rest', () => {
    const out = render(runReport({ policies: policyOutcome(manyPolicies(60)) }))
    expect(out).toContain('#### Violating policies (60)')
    const rows = out.split('\n').filter((line) => /^\| 🟠 High \| Policy \d\d \|/.test(line))
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
        sync: {
          ...failedSync(),
          reasons: Array.from({ length: 100 }, (_, index) => huge(index)),
          warnings: Array.from({ length: 100 }, (_, index) => huge(index)),
          tablesWithErrors: Array.from({ length: 100 }, (_, index) => ({
            service_name: huge(index),
            name: huge(index),
            started_at: '',
            errors: index
          }))
        },
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
      sync: failedSync(),
      policies: policyOutcome(policies, { warnings: hostile }),
      errors: hostile.map((message) => ({ stage: 'policies' as const, message }))
    })
  )

  it('never lets it become HTML, links, images or mentions', () => {
    expect(out).not.toMatch(/<(?!\/?(code|details|summary|sub)>)/)
    // The one link is the footer's, to the workflow run.
    expect(out.replace(`[Workflow run](${WORKFLOW_RUN_URL})`, '')).not.toMatch(/(?<!\\)\]\(/)
    expect(out).not.toMatch(/(?<!\\)!\[/)
    expect(out).not.toMatch(/@[A-Za-z]/)
    expect(out).not.toContain('http://evil')
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

describe('renderSummary: partial states', () => {
  it('only a sync stage: no policy section', () => {
    const out = render(
      runReport({ sync: completedSync(), thresholds: undefined, gateOn: undefined })
    )
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).toContain('### 🔄 Sync run of <code>aws-prod</code>')
    expect(out).not.toContain('Policy gate')
  })

  it('only a policy stage: no sync section', () => {
    const out = render(runReport({ syncName: undefined, policies: passingPolicies() }))
    expect(out).not.toContain('Sync run')
    expect(out).toContain('### 🛡️ Policy gate')
    expect(out.split('\n')[2]).toBe('13 violations in 2 of 3 policies, all within the thresholds.')
  })

  it('a sync that failed before the policies: the run, its tables with errors, and why policies were skipped', () => {
    const out = render(
      runReport({
        sync: failedSync(),
        policiesSkipped: 'the sync run failed, so the policy results would not reflect it'
      })
    )
    expect(out).toContain('**Why:** Run ')
    expect(out).toContain('\\(oom\\_killed\\)')
    expect(out).toContain('**Status:** ❌ <code>failed</code> (<code>oom\\_killed</code>)')
    expect(out).toContain('- ❌ Run ')
    expect(out).toContain('#### Tables with errors')
    expect(out).toContain('| <code>aws\\_ec2\\_instances</code> | aws | 12 | 400 | 0 |')
    expect(out).toContain(
      '### 🛡️ Policy gate\n\nNot evaluated: the sync run failed, so the policy results would not reflect it.'
    )
    expectValidTables(out)
  })

  it('an error before any run was known', () => {
    const out = render(
      runReport({
        errors: [
          { stage: 'sync', message: 'Sync "aws-prod" was not found on the Platform (404).' }
        ],
        policiesSkipped: 'the sync stage did not finish'
      })
    )
    expect(out).toContain(
      '**Why:** Sync stage: Sync "aws-prod" was not found on the Platform \\(404\\).'
    )
    expect(out).toContain('No run was started or followed: see the errors below.')
    expect(out).toContain('### Errors\n\n- **Sync stage:** Sync "aws-prod" was not found')
    expect(out).toContain('Not evaluated: the sync stage did not finish.')
  })

  it('invalid inputs: nothing but the error and the footer', () => {
    const out = render(
      runReport({
        platformUrl: undefined,
        syncName: undefined,
        thresholds: undefined,
        gateOn: undefined,
        evaluationMode: undefined,
        finishedAt: '',
        errors: [{ stage: 'inputs', message: 'Input "timeout" is "soon", which is not valid.' }]
      })
    )
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expect(out).toContain('**Why:** Inputs: Input "timeout" is "soon", which is not valid.')
    expect(out).not.toContain('Sync run')
    expect(out).not.toContain('Policy gate')
    expect(out).not.toContain('Platform <code>')
    expect(out).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
  })

  it('wait: false: the run was started and not awaited', () => {
    const out = render(
      runReport({
        sync: notAwaitedSync(),
        policiesSkipped:
          'the run was not awaited (wait: false), so its data is not in the results yet'
      })
    )
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).toContain(
      `Run <code>${RUN_ID}</code> of sync <code>aws-prod</code> was started and not awaited (<code>wait: false</code>).`
    )
    expect(out).toContain('**Status:** ⏳ <code>created</code>')
    expect(out).toContain('- ⏳ Not awaited (<code>wait: false</code>): the run may still be going')
    expect(out).toContain('| — | — | 0 | 0 | 0 |')
    expect(out).not.toContain('| CPU |')
  })

  it('a timeout that cancelled the started run', () => {
    const out = render(runReport({ sync: timedOutSync(), policiesSkipped: 'the sync run failed' }))
    expect(out).toContain('**Why:** Timed out after 1h waiting for run')
    expect(out).toContain('**Status:** 🚫 <code>cancelled</code>')
    expect(out).toContain('- ⏱️ Timed out after 1h. This action cancelled the run.')
  })

  it('a timeout on a run the action did not start leaves it running', () => {
    const sync = {
      ...timedOutSync(),
      run: { ...timedOutSync().run!, status: 'started', completed_at: null },
      startedByAction: false,
      cancelledByAction: false
    }
    const out = render(runReport({ sync }))
    expect(out).toContain('(followed; not started by this action)')
    expect(out).toContain('- ⏱️ Timed out after 1h. The run was left running.')
  })

  it('a cancelled workflow', () => {
    const sync = {
      ...notAwaitedSync(),
      run: { ...notAwaitedSync().run!, status: 'started' },
      verdict: 'fail' as const
    }
    const out = render(runReport({ sync, cancelled: true }))
    expect(out).toContain('**Why:** The workflow was cancelled before the action finished.')
    expect(out).toContain('- 🚫 The workflow was cancelled while the action was following this run')
    expect(out).not.toContain('Not awaited')
    expect(out).toContain('Not evaluated: the workflow was cancelled first.')
  })

  it('a policy stage that threw', () => {
    const out = render(
      runReport({
        sync: completedSync(),
        errors: [{ stage: 'policies', message: 'GET /policies failed: HTTP 503' }]
      })
    )
    expect(out).toContain('Not evaluated: the policy stage failed \\(see the errors below\\).')
    expect(out).toContain('- **Policy stage:** GET /policies failed: HTTP 503')
  })

  it('no policies selected', () => {
    const out = render(
      runReport({
        syncName: undefined,
        policies: policyOutcome([], { warnings: ['No policies matched the selection.'] })
      })
    )
    expect(out).toContain('No policies were selected.')
    expect(out).toContain('No selected policy has violations.')
    expect(out).toContain('- ⚠️ No policies matched the selection.')
  })
})

describe('renderSummary: redaction', () => {
  it('removes the API key wherever the Platform echoed it, even where escaping would split it', () => {
    const leaky = `token ${API_KEY} here`
    const out = render(
      runReport({
        sync: { ...failedSync(), reasons: [leaky] },
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

describe('sparkline', () => {
  it('scales values between the lowest and the highest', () => {
    expect(sparkline([0, 7, 14])).toBe('▁▅█')
    expect(sparkline([5, 5])).toBe('▄▄')
    expect(sparkline([0, 0])).toBe('▁▁')
    expect(sparkline([1, Number.NaN, 3])).toBe('▁·█')
  })
})
