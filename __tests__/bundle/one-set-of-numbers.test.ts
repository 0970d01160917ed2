// One set of numbers on every surface. One gate run with an exceptions file, a baseline and a
// policy whose violating resources were not read (no threshold counts it) is captured whole: the
// log's gate line, the outputs, the job summary, the PR comment, the annotations and the JSON
// report. Each surface's figures are read back and compared with the figures the scenario gives
// by construction, so a surface that works a figure out again (and gets another value, as the
// summary once left suppressed violations out of Violations) fails here.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../scripts/action-runner.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAgainst,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'
import { SWAP_POLICIES } from '../__fixtures__/swap-policies.js'
import { BOT_LOGIN, startGitHubFake, type GitHubFake } from '../helpers/github-fake.js'

const POLICIES = SWAP_POLICIES

const day = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const EXCEPTIONS = [
  'exceptions:',
  '  - policy: S3 buckets without default encryption',
  '    resources: "s3-buckets-000002"',
  '    reason: Legacy bucket, migrating',
  `    expires: ${day(30)}`,
  ''
].join('\n')

type Row = 'critical' | 'high' | 'medium' | 'low' | 'total'
type Figure = 'violations' | 'suppressed' | 'new' | 'counted'
type Figures = Record<Row, Record<Figure, number | null>>

/**
 * What the scenario gives, worked out by hand: critical has 3 violating resources, one suppressed
 * (000002), one new (000004), one unchanged (000003); high's 2 are both in the baseline; low's 4
 * were not read; there is no medium policy.
 */
const EXPECTED: Figures = {
  critical: { violations: 3, suppressed: 1, new: 1, counted: 1 },
  high: { violations: 2, suppressed: 0, new: 0, counted: 0 },
  medium: { violations: 0, suppressed: 0, new: 0, counted: 0 },
  low: { violations: 4, suppressed: 0, new: null, counted: null },
  total: { violations: 9, suppressed: 1, new: null, counted: null }
}
const ROWS: Row[] = ['critical', 'high', 'medium', 'low', 'total']
const TOKEN = 'ghs_surfacesToken_0123456789'

let dir: string
let sim: Simulator
let github: GitHubFake
let run: BundleRun

beforeAll(async () => {
  assertBundleExists()
  dir = mkdtempSync(join(tmpdir(), 'cq-surfaces-'))
  const baseline = join(dir, 'baseline.json')
  const exceptions = join(dir, 'exceptions.yml')
  writeFileSync(exceptions, EXCEPTIONS)
  sim = await startSimulator({ ...FAST, policies: POLICIES })
  github = await startGitHubFake()
  // The default branch's baseline, written before the sync (its gate counts critical and high).
  await runAgainst(sim, {
    'sync-name': '',
    'baseline-write': baseline,
    'max-critical-violations': '10',
    'max-high-violations': '10'
  })
  run = await runAgainst(
    sim,
    {
      'gate-on': 'new',
      'baseline-file': baseline,
      'exceptions-file': exceptions,
      'pr-comment': 'always',
      'github-token': TOKEN
    },
    {
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: join(ROOT, '__tests__', '__fixtures__', 'pull-request-event.json'),
        GITHUB_REPOSITORY: 'octo-org/infra'
      }
    }
  )
}, 60_000)

afterAll(async () => {
  await github?.close()
  await sim?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A figure as a surface writes it: `—` or empty is unknown; `1,234` is 1234. */
function figure(text: string | undefined): number | null {
  const plain = (text ?? '').replace(/\*\*/g, '').replace(/,/g, '').trim()
  if (plain === '' || plain === '—') return null
  if (!/^\d+$/.test(plain)) throw new Error(`Not a figure: ${JSON.stringify(text)}`)
  return Number(plain)
}

/** The gate's table in a markdown text: its rows by severity, its cells by header. */
function gateTable(markdown: string): Figures {
  const lines = markdown.split('\n')
  const header = lines.findIndex((line) => line.startsWith('| Severity | Violations |'))
  expect(header).toBeGreaterThan(-1)
  const cells = (line: string): string[] =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim())
  const names = cells(lines[header])
  const figures = {} as Figures
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const row = cells(line)
    // `🟠 High` (icon and name joined by a no-break space), and after it any coverage marks.
    const label = row[0]
      .replace(/\*\*/g, '')
      .replace(/^\S+\s/, '')
      .split(/\s/)[0]
      .toLowerCase() as Row
    const key = row[0].includes('Total') ? 'total' : label
    const at = (name: string): number | null => figure(row[names.indexOf(name)])
    figures[key] = {
      violations: at('Violations'),
      suppressed: at('Suppressed'),
      new: at('New'),
      counted: at('Counted')
    }
  }
  return figures
}

function jsonFigures(run: BundleRun): Figures {
  const policies = reportOf(run)?.policies as Record<string, Record<Row, number | null>>
  return Object.fromEntries(
    ROWS.map((row) => [
      row,
      {
        violations: policies.violations[row],
        suppressed: policies.suppressedViolations[row],
        new: policies.newViolations[row],
        counted: policies.countedViolations[row]
      }
    ])
  ) as Figures
}

describe('one set of numbers, on every surface', () => {
  it('the scenario fails on its one new critical violation', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs.result).toBe('fail')
  })

  it('the JSON report has the figures the scenario gives', () => {
    expect(jsonFigures(run)).toEqual(EXPECTED)
  })

  it('the outputs are the same figures, empty where unknown', () => {
    expect(run.outputs).toMatchObject({
      violations: '9',
      'critical-violations': '3',
      'high-violations': '2',
      'medium-violations': '0',
      'low-violations': '4',
      'suppressed-violations': '1',
      'new-violations': '',
      'counted-violations': ''
    })
  })

  it('the job summary and the PR comment show them in the same table', () => {
    expect(gateTable(run.summary)).toEqual(EXPECTED)
    const [comment] = github.comments.filter((c) => c.user.login === BOT_LOGIN)
    expect(gateTable(comment.body)).toEqual(EXPECTED)
  })

  it('the log names each figure with the same value', () => {
    const line = run.stdout.split('\n').find((text) => text.startsWith('Policy gate (gate-on: new'))
    expect(line).toBeDefined()
    expect(line).toContain('violations 9, suppressed 1, new —, counted —.')
    const perRow = ROWS.map((row) => {
      const limit = row === 'critical' || row === 'high' ? '/0' : ''
      return `${row} ${EXPECTED[row].counted ?? '—'}${limit}`
    })
    for (const part of perRow) expect(line).toContain(part)
  })

  it('the annotations count what the table counts', () => {
    const breach = workflowCommands(run.stdout).find(
      (c) => c.name === 'error' && c.properties.title === 'Too many new critical violations'
    )
    expect(breach?.data).toMatch(/^1 new critical violation; at most 0 allowed/)
  })
})
