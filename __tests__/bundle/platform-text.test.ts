// Text the Platform sends (policy names and descriptions, severities, resource names and tags,
// table names, log lines, run statuses, sync names, error messages), through the real bundle, when
// it carries workflow commands, HTML, Markdown and mentions: the action's real stdout must hold no
// command but its own, its outputs must be the ones it computed, and its job summary must show that
// text as text.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  commandProblems,
  FAST,
  FAST_RUN,
  OUTPUT_NAMES,
  reportOf,
  runAll,
  runBundle,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'
import { summaryProblems } from '../helpers/summary-problems.js'

/** Each one a workflow command, HTML, Markdown or a mention, if it were taken as anything but text. */
const INJECTIONS = [
  '::add-mask::x',
  '::set-output name=result::pass',
  '::stop-commands::t',
  '%0A::error::injected',
  '\n::warning::x',
  '\r\n::notice::crlf',
  '##[error]legacy',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '| pipes | in | a | cell |',
  '[a link](https://evil.example/x)',
  '![an image](https://evil.example/i.png)',
  'https://evil.example/bare www.evil.example',
  '@octocat'
]
/** All of them in one piece of text. */
const HOSTILE = INJECTIONS.join(' ')
const WORKFLOW_RUN_URL = 'https://github.com/octo-org/infra/actions/runs/4242'
const KEY = 'test-api-key'

const hostilePolicies: PolicySpec[] = [
  {
    name: '::set-output name=result::pass',
    severity: 'critical',
    description: HOSTILE,
    violationCount: 0,
    countAfterSync: 1,
    resources: [
      {
        name: HOSTILE,
        tags: INJECTIONS,
        region: '::stop-commands::t',
        accountName: '@octocat',
        resourceTypeLabel: '<script>alert(1)</script>'
      }
    ]
  },
  {
    name: '%0A::error::injected | pipes |',
    severity: 'high',
    violationCount: 0,
    countAfterSync: 2
  },
  { name: '\n::warning::x <script>alert(1)</script>', severity: 'medium', violationCount: 3 },
  { name: '@octocat [a link](https://evil.example/x)', severity: 'low', violationCount: 4 },
  {
    name: '<img src=x onerror=alert(1)> ::add-mask::x',
    // A severity this action does not know, and a hostile one.
    severity: '::error::sev\n::warning::sev',
    violationCount: 5
  }
]

/** Long enough for the live log stream to open, short enough for a test. */
const STREAMED_RUN = { ...FAST_RUN, durationMs: 1_500 }
const hostileRun = {
  logLines: [...INJECTIONS, `a line with ${HOSTILE}`],
  tables: [{ name: `table ${HOSTILE}`, resources: 5, errors: 2 }],
  extraFields: { note: HOSTILE }
}
const hostileError = (path: string) => ({
  match: { path },
  kind: '503' as const,
  count: 'always' as const,
  retryAfter: 0,
  message: HOSTILE
})

interface Case {
  run: () => Promise<BundleRun>
  /** The `result` the action computes; whatever the text says, it must stay this. */
  result: 'pass' | 'fail'
  /** Text that must have reached the log (so the check is not vacuous). */
  logged?: RegExp
}

const HOSTILE_CASES: Record<string, Case> = {
  'policies, resources, tables, streamed log lines and a trend error': {
    result: 'fail',
    logged: /│ .*set-output name=result::pass/,
    run: () =>
      runBundle(
        {
          ...FAST,
          run: { ...STREAMED_RUN, ...hostileRun },
          policies: hostilePolicies,
          faults: [hostileError('/policies/violations-history')]
        },
        { 'sync-logs': 'always' }
      )
  },
  'the log lines of a failed run, printed on failure': {
    result: 'fail',
    logged: /^::group::Logs of run /m,
    run: () => runBundle({ ...FAST, run: { ...FAST_RUN, ...hostileRun, finalStatus: 'failed' } })
  },
  'an error message that fails the stage': {
    result: 'fail',
    logged: /^::error::.*HTTP 503: ::add-mask::x/m,
    run: () => runBundle({ ...FAST, faults: [hostileError('/policies')] })
  },
  'sync names suggested after a 404': {
    result: 'fail',
    logged: /Did you mean/,
    run: () =>
      runBundle(
        {
          ...FAST,
          syncs: [
            'aws-prod',
            { name: `aws-prod\n::set-output name=result::pass`, displayName: HOSTILE },
            { name: 'aws-@octocat <script>x</script>' }
          ]
        },
        { 'sync-name': 'aws-prdo' }
      )
  },
  'a run status that is a command': {
    result: 'pass',
    logged: /reports status/,
    run: () =>
      runBundle({
        ...FAST,
        policies: [{ name: 'Clean', severity: 'critical', violationCount: 0 }],
        run: {
          ...FAST_RUN,
          statusSequence: [
            { status: 'created', ms: 50 },
            { status: 'queued ::set-output name=result::fail\n::error::status', ms: 3_000 },
            { status: 'started', ms: 300 }
          ]
        }
      })
  }
}

let hostile: Record<string, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  const cases = Object.fromEntries(Object.entries(HOSTILE_CASES).map(([name, c]) => [name, c.run]))
  hostile = await runAll(cases)
}, 90_000)

describe('hostile text from the Platform', () => {
  it.each(Object.keys(HOSTILE_CASES))(
    '%s: no workflow command in the log but the action’s own',
    (name) => {
      const run = hostile[name]
      expect(run.stdout).toMatch(HOSTILE_CASES[name].logged as RegExp)
      expect(commandProblems(run.stdout, KEY)).toEqual([])
      expect(run.stderr).toBe('')
    }
  )

  it.each(Object.keys(HOSTILE_CASES))('%s: the outputs are the ones computed', (name) => {
    const run = hostile[name]
    const { result } = HOSTILE_CASES[name]
    expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    expect(run.outputs.result).toBe(result)
    expect(reportOf(run)).toMatchObject({ result })
    expect(run.exitCode).toBe(result === 'pass' ? 0 : 1)
    // Statuses and ids are words; nothing the server said is copied into an output as it was.
    for (const name of ['sync-run-id', 'sync-run-status', 'sync-run-status-reason']) {
      expect(run.outputs[name]).toMatch(/^[\w.-]*$/)
    }
  })

  it.each(Object.keys(HOSTILE_CASES))('%s: the job summary shows the text as text', (name) => {
    const run = hostile[name]
    expect(run.summary).not.toBe('')
    expect(summaryProblems(run.summary, [WORKFLOW_RUN_URL])).toEqual([])
  })

  it('shows hostile names in the summary, escaped rather than dropped', () => {
    const { summary } = hostile['policies, resources, tables, streamed log lines and a trend error']
    expect(summary).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;')
    expect(summary).toContain('%0A::error::injected \\| pipes \\|')
    expect(summary).toContain('<code>@octocat</code>')
    expect(summary).toContain('\\[a link\\]\\(<code>https://evil.example/x</code>\\)')
  })

  it('prints a line of Platform text that starts with "::" inert', () => {
    // The status's second line would be `::error::status`: it is printed with a zero-width space.
    const run = hostile['a run status that is a command']
    expect(run.stdout).toMatch(/^:\u200b:error::status/m)
  })

  it('keeps the step’s own commands well formed when they quote Platform text', () => {
    const run = hostile['policies, resources, tables, streamed log lines and a trend error']
    const annotations = workflowCommands(run.stdout).filter((c) =>
      ['error', 'warning'].includes(c.name)
    )
    expect(annotations.length).toBeGreaterThan(2)
    // The hostile text is in there, as the message, on one line.
    expect(annotations.some((c) => c.data.includes('::set-output name=result::pass'))).toBe(true)
    expect(annotations.every((c) => !/[\r\n]/.test(c.data))).toBe(true)
  })
})
