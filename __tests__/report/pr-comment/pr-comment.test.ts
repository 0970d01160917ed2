import { describe, expect, it } from '@jest/globals'
import { outsideCode } from '../summary/helpers.js'
import { createRedactor } from '../../../src/lib/log-safety.js'
import type { PolicyResult } from '../../../src/policies/outcome.js'
import type { RunReport } from '../../../src/report/model.js'
import { commentFailureMessage } from '../../../src/report/pr-comment/post.js'
import {
  COMMENT_BUDGET_BYTES,
  COMMENT_MAX_CHARS,
  commentMarker,
  isOwnComment,
  markerPart,
  renderComment
} from '../../../src/report/pr-comment/body.js'
import {
  API_KEY,
  comparedPolicies,
  completedSync,
  coverageReport,
  exceptionEntry,
  failedSync,
  failingPolicies,
  manyPolicies,
  passingPolicies,
  policy,
  policyOutcome,
  RUN_ID,
  runReport,
  WORKFLOW_RUN_URL
} from '../../__fixtures__/report.js'

const TOKEN = 'ghs_Pr1vate_GitHub_t0ken'
const redact = createRedactor([API_KEY, TOKEN])
const context = { workflowRunUrl: WORKFLOW_RUN_URL }
const render = (report: RunReport, tag = '', nowPassing = false): string =>
  renderComment(report, context, { redact, tag, nowPassing })

const structuralPipes = (line: string): number => line.match(/(?<!\\)(?:\\\\)*\|/g)?.length ?? 0

function expectValidTables(markdown: string): void {
  const lines = markdown.split('\n')
  let width = -1
  for (const line of lines) {
    if (!line.startsWith('|')) {
      width = -1
      continue
    }
    if (width === -1) width = structuralPipes(line)
    expect(structuralPipes(line)).toBe(width)
  }
}

const withoutMarker = (body: string): string => body.slice(body.indexOf('\n') + 1)

/** The one HTML comment a body may hold: the marker, on its first line. */
function expectOnlyTheMarkerComment(body: string): void {
  const [first, ...rest] = body.split('\n')
  expect(first).toMatch(/^<!-- cloudquery-platform-action:[A-Za-z0-9._%~-]*:[A-Za-z0-9._%~-]* -->$/)
  expect(first.slice(4, -3)).not.toContain('--')
  expect(rest.join('\n')).not.toMatch(/<!--|-->/)
}

describe('renderComment: a failing gate', () => {
  const out = render(
    runReport({ syncs: [completedSync()], policies: failingPolicies(), syncNames: ['aws-prod'] })
  )

  it('starts with the hidden marker of the sync, then the verdict', () => {
    const lines = out.split('\n')
    expect(lines[0]).toBe('<!-- cloudquery-platform-action:aws-prod: -->')
    expect(lines[1]).toBe('## ❌ CloudQuery Platform: failed')
    expect(out.split('\n')[3]).toBe(
      '**Why:** 3 critical violations; at most 0 allowed \\(max-critical-violations\\) _(and 2 more, below)_'
    )
  })

  it('has a line on the sync run', () => {
    expect(out).toContain(
      `**Sync <code>aws-prod</code>** · **Status:** ✅ <code>completed</code> · **Run:** <code>${RUN_ID}</code> (started by this action) · 1,234,567 rows · 5m 12s`
    )
  })

  it('has the thresholds table and the violating policies', () => {
    expect(out).toContain('| Severity | Violations | Allowed | Status |')
    expect(out).toContain('| 🔴 Critical | **3** | 0 | ❌ over by 3 |')
    expect(out).toContain('#### Violating policies (4)')
    expect(out).toContain('| 🔴 Critical | Public S3 buckets | security | 3 | \\+2 |')
    expectValidTables(out)
  })

  it('collapses every failure reason when there is more than one', () => {
    expect(out).toContain('<details><summary>Why it failed: 3 reasons</summary>')
    expect(out).toContain('- 5 high violations; at most 0 allowed \\(max-high-violations\\)')
  })

  it('links the workflow run, and leaves out what only the summary has room for', () => {
    expect(out).toContain(
      `📄 Full report: the job summary of [this workflow run](${WORKFLOW_RUN_URL}).`
    )
    expect(out).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
    expect(out).not.toContain('Sample violating resources')
    expect(out).not.toContain('Violations over the last')
    expect(out).not.toContain('acme-public-assets')
  })
})

describe('renderComment: per resource', () => {
  it('shows new, fixed and unchanged against the baseline, and what exceptions suppressed', () => {
    const { policies, resources } = comparedPolicies()
    const entries = [
      exceptionEntry({ line: 3, policy: 'Public S3 buckets', resources: ['c'], owner: '@web' }),
      exceptionEntry({ line: 8, policy: 'Public S3 buckets', expires: '2026-01-01' })
    ]
    const out = render(
      runReport({
        syncs: [completedSync()],
        policies,
        gateOn: 'new',
        resources: { ...resources, exceptions: { path: 'exceptions.yml', entries } }
      })
    )
    // The Platform's 3 stay 3; beside them, under their own names, the 1 suppressed, the 1 new
    // and the 1 the thresholds counted.
    expect(out).toContain(
      '| Severity | Violations | Suppressed | New | Counted | Allowed | Status |'
    )
    expect(out).toContain('| 🔴 Critical | 3 | 1 | 1 | **1** | 0 | ❌ over by 1 |')
    expect(out).toContain('#### Against the baseline')
    expect(out).toContain(
      '| 🔴 Critical | Public S3 buckets | 1 | 1 | 1 | b \\(production, us-east-1\\) |'
    )
    const artifact = {
      name: 'cloudquery-baseline',
      id: 201,
      createdAt: '2026-11-27T05:00:00Z',
      runId: 2010,
      runUrl: 'https://github.com/acme/infra/actions/runs/2010',
      branch: 'main',
      event: 'schedule'
    }
    const fromArtifact = render(
      runReport({
        syncs: [completedSync()],
        policies,
        gateOn: 'new',
        resources,
        baselineSource: { path: 'cloudquery-baseline (artifact 201)', artifact }
      })
    )
    expect(fromArtifact).toContain(
      'Baseline artifact <code>cloudquery-baseline</code> (id 201), uploaded by [run 2010](https://github.com/acme/infra/actions/runs/2010) (schedule) on <code>main</code>, 5 hours old.'
    )
    // The owner cannot ping anyone from a comment.
    expect(out).toContain(
      '| Public S3 buckets | 1 | line 3 | Accepted | <code>@web</code> | 2026-12-31 |'
    )
    expect(out).toContain(
      '❌ line 8 \\(policy "Public S3 buckets"\\): expired on 2026-01-01; it suppresses nothing'
    )
    expectValidTables(out)
  })
})

describe('renderComment: variants', () => {
  it('a policies-only gate is marked "policies" and has no sync line', () => {
    const out = render(runReport({ syncNames: [], policies: passingPolicies() }))
    expect(out.split('\n')[0]).toBe('<!-- cloudquery-platform-action:policies: -->')
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).not.toContain('**Sync')
    expect(out).not.toContain('<details>')
  })

  it('puts the comment tag in the marker and names the gate', () => {
    const out = render(runReport({ policies: passingPolicies() }), 'prod-accounts')
    expect(out.split('\n')[0]).toBe('<!-- cloudquery-platform-action:aws-prod:prod-accounts -->')
    expect(out).toContain('<sub>Sync <code>aws-prod</code> · tag <code>prod-accounts</code></sub>')
  })

  it('says the gate passes now when it replaces an earlier failing comment', () => {
    const out = render(runReport({ policies: passingPolicies() }), '', true)
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).toContain('this run passes')
    // Only a passing run says so.
    expect(render(runReport({ policies: failingPolicies() }), '', true)).not.toContain(
      'this run passes'
    )
  })

  it('a failed sync: why, the run line, and why the policies were not evaluated', () => {
    const out = render(
      runReport({
        syncs: [failedSync()],
        policiesSkipped: 'the sync run failed, so the policy results would not reflect it'
      })
    )
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expect(out).toContain('❌ <code>failed</code> (<code>oom\\_killed</code>)')
    expect(out).toContain(
      '**Policy gate:** not evaluated: the sync run failed, so the policy results would not reflect it.'
    )
  })

  it('shows the top 10 violating policies and counts the rest', () => {
    const out = render(runReport({ policies: policyOutcome(manyPolicies(60)) }))
    const rows = out.split('\n').filter((line) => /^\| 🟠 High \| Policy \d\d \|/.test(line))
    expect(rows).toHaveLength(10)
    expect(rows[0]).toContain('| Policy 01 | security | 60 |')
    expect(out).not.toContain('| Policy 11 |')
    expect(out).toContain('_…and 50 more violating policies, all listed in the JSON report._')
  })

  it('without a workflow run URL, no link', () => {
    const out = renderComment(runReport({ policies: failingPolicies() }), {}, { redact })
    expect(out).not.toContain('](')
  })
})

describe('renderComment: coverage', () => {
  it('says it in one line, with the first table that had errors', () => {
    const body = render(coverageReport())
    const lines = body.split('\n').filter((line) => line.startsWith('**Coverage:**'))
    expect(lines).toEqual([
      '**Coverage:** 4 counted policies: 1 complete, ⚠️ 1 read a table synced with errors, 🕘 1 on earlier data, ❓ 1 unknown. "Public S3 buckets": aws\\_s3\\_buckets: 3 errors, 1 panic.'
    ])
    expect(body).toContain('| 🔴 Critical ⚠️ | **0** | 0 | ✅ within |')
  })

  it('says a clean one in a line too', () => {
    const body = render(runReport({ syncs: [completedSync()], policies: passingPolicies() }))
    expect(body).toContain(
      '**Coverage:** Every counted policy \\(1\\) reads only tables this run wrote without errors.'
    )
  })
})

describe('renderComment: size', () => {
  // Every string at its worst for escaping (`&` and `<` grow fivefold, `@x` takes a joiner).
  const HUGE = '&<@x '.repeat(1000)
  const huge = (index: number): string => `${HUGE}${index}`
  const hostileReport = (): RunReport => {
    const policies: PolicyResult[] = Array.from({ length: 3000 }, (_, index) =>
      policy({
        name: huge(index),
        domain: HUGE,
        severity: index % 2 === 0 ? 'critical' : HUGE,
        violations: 1000 + index,
        samples: [{ name: HUGE, region: HUGE }]
      })
    )
    return runReport({
      syncNames: [huge(1)],
      syncs: [
        {
          ...failedSync(),
          syncName: huge(2),
          reasons: Array.from({ length: 500 }, (_, index) => huge(index)),
          warnings: Array.from({ length: 500 }, () => HUGE)
        }
      ],
      policies: policyOutcome(policies, { warnings: Array.from({ length: 500 }, () => HUGE) }),
      errors: Array.from({ length: 500 }, (_, index) => ({
        stage: 'policies' as const,
        message: huge(index)
      })),
      actionVersion: HUGE,
      platformUrl: `https://${HUGE}`
    })
  }
  const report = hostileReport()

  it('stays under GitHub’s 65,536-character limit however much data there is', () => {
    const out = renderComment(report, context, { redact, tag: huge(5) })
    expect(out.length).toBeLessThan(COMMENT_MAX_CHARS)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(COMMENT_BUDGET_BYTES)
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expectOnlyTheMarkerComment(out)
    expectValidTables(out)
    expect(withoutMarker(out)).not.toMatch(/<(?!\/?(code|details|summary|sub)>)/)
  })

  it('drops detail, never the verdict, when even the context is of hostile size', () => {
    const long = { workflowRunUrl: `https://github.com/${'a'.repeat(70_000)}` }
    const out = renderComment(report, long, { redact, tag: huge(5) })
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(COMMENT_BUDGET_BYTES)
    expect(out.split('\n')[1]).toBe('## ❌ CloudQuery Platform: failed')
    expect(out).toContain('Details: the job summary of this workflow run.')
  })

  it('keeps the link when only the details are dropped', () => {
    const medium = { workflowRunUrl: `https://github.com/${'a'.repeat(25_000)}` }
    const out = renderComment(report, medium, { redact })
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(COMMENT_BUDGET_BYTES)
    expect(out).toContain(`](${medium.workflowRunUrl})`)
  })
})

describe('renderComment: hostile names', () => {
  const hostile = [
    '--> <img src=x onerror=alert(1)> <!--',
    '<script>alert(1)</script>',
    '[click](http://evil.example)',
    '| a | b |',
    '@org/team',
    'two\nlines',
    '::set-output name=result::pass'
  ]
  const policies = hostile.map((name, index) =>
    policy({ name, domain: name, severity: 'critical', violations: index + 1 })
  )
  const report = runReport({
    syncNames: [hostile[0]],
    syncs: [{ ...failedSync(), syncName: hostile[0], reasons: hostile }],
    policies: policyOutcome(policies),
    errors: hostile.map((message) => ({ stage: 'policies' as const, message }))
  })
  const out = render(report, 'x:y --> <b>bold</b>\nnext')

  it('cannot break out of the marker', () => {
    expectOnlyTheMarkerComment(out)
    expect(out.split('\n')[0]).toBe(
      '<!-- cloudquery-platform-action:-%2D%3E%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%3C%21-%2D:x%3Ay%20-%2D%3E%20%3Cb%3Ebold%3C%2Fb%3E%0Anext -->'
    )
  })

  it('never becomes HTML, links or mentions, and tables stay tables', () => {
    expect(withoutMarker(out)).not.toMatch(/<(?!\/?(code|details|summary|sub)>)/)
    const links = out.match(/(?<!\\)\]\(/g) ?? []
    expect(links).toHaveLength(2) // the two links to the workflow run
    expect(outsideCode(out)).not.toMatch(/@[A-Za-z]/)
    expect(outsideCode(out)).not.toContain('http://evil')
    expectValidTables(out)
    for (const line of out.split('\n')) expect(line.startsWith('::')).toBe(false)
  })
})

describe('commentMarker', () => {
  const identity = (text: string): string => text

  it('is the same for the same gate and tag, and differs between them', () => {
    const report = runReport()
    expect(commentMarker(report, 'a', redact)).toBe(commentMarker(runReport(), 'a', redact))
    expect(commentMarker(report, 'a', redact)).not.toBe(commentMarker(report, 'b', redact))
    expect(commentMarker(report, '', redact)).not.toBe(
      commentMarker(runReport({ syncNames: ['aws-dev'] }), '', redact)
    )
    expect(commentMarker(report, ' a ', redact)).toBe(commentMarker(report, 'a', redact))
  })

  it('encodes every part injectively, so look-alike tags keep apart', () => {
    const tags = ['a b', 'a-b', 'a_b', 'a%20b', 'a:b', 'a--b', 'a-%2Db', 'A b', 'é', 'e\u0301x']
    const parts = tags.map((tag) => markerPart(tag, identity))
    expect(new Set(parts).size).toBe(tags.length)
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9._%-]+$/)
    // Composed and decomposed spellings of the same text are the same tag.
    expect(markerPart('é', identity)).toBe(markerPart('e\u0301', identity))
  })

  it('shortens a long part with a hash of the whole', () => {
    const long = markerPart('x'.repeat(500), identity)
    const other = markerPart(`${'x'.repeat(499)}y`, identity)
    expect(long.length).toBeLessThanOrEqual(100)
    expect(long).toMatch(/^x+~[0-9a-f]{16}$/)
    expect(long).not.toBe(other)
    expect(markerPart('<'.repeat(200), identity)).toMatch(/^(%3C)+~[0-9a-f]{16}$/)
  })

  it('is redacted before it is encoded, so redacting the body cannot change it', () => {
    const marker = commentMarker(runReport(), `tag-${TOKEN}`, redact)
    expect(marker).toBe('<!-- cloudquery-platform-action:aws-prod:tag-%2A%2A%2A -->')
    expect(redact(marker)).toBe(marker)
  })
})

describe('isOwnComment', () => {
  const marker = '<!-- cloudquery-platform-action:aws-prod: -->'

  it('matches the marker on the first line only', () => {
    expect(isOwnComment(`${marker}\n## ✅`, marker)).toBe(true)
    expect(isOwnComment(`${marker}\r\n## ✅`, marker)).toBe(true)
    expect(isOwnComment(`> ${marker}\n> quoted by a reviewer`, marker)).toBe(false)
    expect(isOwnComment(`Hello\n${marker}`, marker)).toBe(false)
    expect(isOwnComment('<!-- cloudquery-platform-action:aws-prod:x -->\n', marker)).toBe(false)
    expect(isOwnComment(null, marker)).toBe(false)
  })
})

describe('renderComment: redaction', () => {
  it('removes the API key and the GitHub token wherever they appear', () => {
    const leaky = `key ${API_KEY} token ${TOKEN} here`
    const out = render(
      runReport({
        syncs: [{ ...failedSync(), reasons: [leaky, leaky] }],
        policies: policyOutcome([policy({ name: leaky, severity: 'critical', violations: 1 })]),
        errors: [{ stage: 'policies', message: leaky }]
      }),
      leaky
    )
    const visible = out.replace(/\\/g, '')
    for (const secret of [API_KEY, TOKEN, 'Sup3r', 'Pr1vate']) {
      expect(visible).not.toContain(secret)
    }
    expect(out).toContain('key \\*\\*\\* token \\*\\*\\* here')
  })
})

describe('commentFailureMessage', () => {
  const api = 'https://ghe.example.com/api/v3'
  const target = { owner: 'octo-org', repo: 'infra', number: 42, fork: false }
  const httpError = (status: number, message: string): Error =>
    Object.assign(new Error(message), { status, response: { status, data: { message } } })

  it('403 explains the missing permission, and forks', () => {
    const message = commentFailureMessage(
      httpError(403, 'Resource not accessible by integration'),
      api,
      target
    )
    expect(message).toContain('403: Resource not accessible by integration')
    expect(message).toContain('`pull-requests: write`')
    expect(message).toContain('forks get a read-only token')
    const fork = commentFailureMessage(httpError(403, 'Forbidden'), api, { ...target, fork: true })
    expect(fork).toContain('This pull request comes from a fork')
  })

  it('404 says GitHub hides what the token may not see', () => {
    const message = commentFailureMessage(httpError(404, 'Not Found'), api, target)
    expect(message).toContain(
      'pull request #42 in octo-org/infra at https://ghe.example.com/api/v3'
    )
    expect(message).toContain('404 rather than 403')
    expect(message).toContain('`pull-requests: write`')
  })

  it('401 points at the token; a network failure at the API URL', () => {
    expect(commentFailureMessage(httpError(401, 'Bad credentials'), api, target)).toContain(
      'GitHub rejected the token (401: Bad credentials)'
    )
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { status: 500 })
    expect(commentFailureMessage(network, api, target)).toBe(
      'Could not post the pull-request comment: no answer from the GitHub API at https://ghe.example.com/api/v3 (connect ECONNREFUSED 127.0.0.1:9).'
    )
  })
})
