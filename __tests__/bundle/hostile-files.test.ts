// Files the workflow names, through the built bundle: baseline-file and exceptions-file are read as
// regular files within bounds (a FIFO, /dev/zero, a file of hundreds of megabytes is refused before
// it is read, and the step ends at once with the summary and report written), what they hold is never
// echoed when it is not what was expected, a baseline that contradicts itself is refused, and
// report-file and baseline-write never write through a symlink out of the workspace or into a FIFO
// nobody reads. Each case ends on its own: the harness kills a process that runs past
// PROCESS_LIMIT_MS, so a hang shows as a missing exit code; memory is the process's peak RSS.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import { MAX_BASELINE_BYTES, MAX_BASELINE_STRINGS } from '../../src/lib/baseline-format.js'
import {
  assertBundleExists,
  errorLines,
  PEAK_RSS,
  peakRssMb,
  reportOf,
  runAll,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'

const PROCESS_LIMIT_MS = 30_000
/** The issue's bound on the step's memory, whatever a file holds. */
const MAX_PEAK_RSS_MB = 300
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cq-hostile-files-')))
const workspace = join(dir, 'workspace')
const runnerTemp = join(dir, 'runner-temp')
const outside = join(dir, 'outside')
for (const folder of [workspace, runnerTemp, outside]) mkdirSync(folder)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const POLICY: PolicySpec = {
  id: 'policy-00000',
  name: 'Public S3 buckets',
  severity: 'critical',
  violationCount: 2
}
const SCENARIO: Scenario = { policies: [POLICY], evaluation: { delayAfterIngestMs: 50 } }
/** Policies only, judged on what is there: no sync to wait for. */
const GATE = { 'sync-name': '', 'policy-evaluation': 'latest', 'max-critical-violations': '10' }

const path = (name: string): string => join(dir, name)
const baselineText = (policies: unknown, createdAt = new Date().toISOString()): string =>
  JSON.stringify({
    baseline: { format: 'cloudquery-platform-baseline', version: 1, createdAt, policies }
  })

/** A valid baseline at both bounds: just under MAX_BASELINE_BYTES and MAX_BASELINE_STRINGS. */
function baselineAtLimits(): string {
  const policies = 1_000
  const perPolicy = Math.floor(MAX_BASELINE_STRINGS / policies) - 4
  // Each id as long as the byte bound allows: `"…",` is the id and 3 bytes.
  const idLength = Math.floor((MAX_BASELINE_BYTES - 300_000) / (policies * perPolicy)) - 3
  const parts: string[] = []
  for (let p = 0; p < policies; p++) {
    const id = `policy-${String(p).padStart(5, '0')}`
    const ids = Array.from(
      { length: perPolicy },
      (_, i) => `"${`${id}-${i}-`.padEnd(idLength, 'x')}"`
    )
    parts.push(`{"id":"${id}","resources":[${ids.join(',')}]}`)
  }
  const text = `{"baseline":{"format":"cloudquery-platform-baseline","version":1,"createdAt":"${new Date().toISOString()}","policies":[${parts.join(',')}]}}`
  expect(text.length).toBeLessThanOrEqual(MAX_BASELINE_BYTES)
  return text
}

/** An exceptions file at its bounds: 2,000 entries of 10 matcher values each. */
function exceptionsAtLimits(): string {
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const lines = ['exceptions:']
  for (let i = 0; i < 2_000; i++) {
    const resources = Array.from({ length: 10 }, (_, k) => `bucket-${i}-${k}-*`)
    lines.push(
      `  - policy: ${POLICY.id}`,
      `    resources: [${resources.join(', ')}]`,
      `    reason: Accepted finding number ${i}`,
      `    expires: ${expires}`
    )
  }
  return `${lines.join('\n')}\n`
}

const fifo = (name: string): string => {
  execFileSync('mkfifo', [path(name)])
  return path(name)
}
const sparse = (name: string, bytes: number): string => {
  // Sparse: as large as said, without writing it.
  writeFileSync(path(name), '')
  truncateSync(path(name), bytes)
  return path(name)
}

// A FIFO, /dev/zero and a huge file are each given as both files in one run: both are read, and
// every input problem reported at once (src/inputs/values.ts, Problems), so each input's refusal
// shows in that run (and a wait on either would hang it).
type Case =
  | 'fifos'
  | 'zeros'
  | 'huge'
  | 'passwd'
  | 'bom'
  | 'twice'
  | 'createdAtZero'
  | 'createdAtFuture'
  | 'emptyResource'
  | 'baselineAtLimits'
  | 'exceptionsAtLimits'
  | 'baselineWriteFifo'
  | 'writesOut'
let runs: Record<Case, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  symlinkSync('/dev/zero', path('zero-link.json'))
  writeFileSync(path('bom.json'), `\ufeff${baselineText([{ id: POLICY.id, resources: ['x'] }])}`)
  const twice = [
    { id: POLICY.id, resources: ['a'] },
    { id: POLICY.id, resources: ['b'] }
  ]
  writeFileSync(path('twice.json'), baselineText(twice))
  writeFileSync(path('zero-date.json'), baselineText([], '0'))
  writeFileSync(
    path('future.json'),
    baselineText([], new Date(Date.now() + 86_400_000).toISOString())
  )
  writeFileSync(path('empty-id.json'), baselineText([{ id: POLICY.id, resources: [''] }]))
  writeFileSync(path('at-limits.json'), baselineAtLimits())
  writeFileSync(path('exceptions-at-limits.yml'), exceptionsAtLimits())
  execFileSync('mkfifo', [join(runnerTemp, 'baseline.fifo')])
  // The repository can carry a symlink: one that leads out of the workspace, to a file there.
  writeFileSync(join(outside, 'bashrc'), 'kept')
  symlinkSync(join(outside, 'bashrc'), join(workspace, 'baseline.json'))
  symlinkSync(outside, join(workspace, 'reports'))
  const on = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runBundle(
      SCENARIO,
      { ...GATE, ...inputs },
      {
        timeoutMs: PROCESS_LIMIT_MS,
        env: { NODE_OPTIONS: PEAK_RSS, ...env }
      }
    )
  const runner = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp }
  runs = await runAll<Case, BundleRun>({
    fifos: () =>
      on({
        'baseline-file': fifo('baseline.fifo'),
        'exceptions-file': fifo('exceptions.fifo')
      }),
    zeros: () => on({ 'baseline-file': path('zero-link.json'), 'exceptions-file': '/dev/zero' }),
    huge: () =>
      on({
        'baseline-file': sparse('huge.json', 248_000_000),
        'exceptions-file': sparse('huge.yml', 37_000_000)
      }),
    passwd: () => on({ 'baseline-file': '/etc/passwd' }),
    bom: () => on({ 'baseline-file': path('bom.json'), 'gate-on': 'new' }),
    twice: () => on({ 'baseline-file': path('twice.json') }),
    createdAtZero: () => on({ 'baseline-file': path('zero-date.json') }),
    createdAtFuture: () => on({ 'baseline-file': path('future.json') }),
    emptyResource: () => on({ 'baseline-file': path('empty-id.json') }),
    baselineAtLimits: () => on({ 'baseline-file': path('at-limits.json'), 'gate-on': 'new' }),
    exceptionsAtLimits: () => on({ 'exceptions-file': path('exceptions-at-limits.yml') }),
    baselineWriteFifo: () => on({ 'baseline-write': join(runnerTemp, 'baseline.fifo') }, runner),
    // Both written through a symlink out of the workspace: each is written (or not) on its own
    // (src/report/publish.ts), so each refusal shows in the one run.
    writesOut: () =>
      on(
        {
          'baseline-write': join(workspace, 'baseline.json'),
          'report-file': join(workspace, 'reports', 'report.json')
        },
        runner
      )
  })
}, 240_000)

/** Every place the action writes text to: the log, the summary, the JSON report. */
const everything = (run: BundleRun): string =>
  [run.stdout, run.stderr, run.summary, run.report].join('\n')
const errorsOf = (run: BundleRun): string => JSON.stringify(reportOf(run)?.errors ?? [])

/**
 * Failed at the inputs, at once: no request, the summary and the report written with the error.
 * The message is one of the problems the step's failure lists (there may be others).
 */
function expectInputError(run: BundleRun, message: string): void {
  expect(run.exitCode).toBe(1)
  expect(run.outputs.result).toBe('fail')
  expect(errorLines(run.stdout).join('\n')).toContain(message)
  expect(run.summary).toContain('Inputs')
  expect(errorsOf(run)).toContain(JSON.stringify(message).slice(1, -1))
  expect(run.sim.requests).toHaveLength(0)
}

describe('only a regular file is read', () => {
  it.each([
    ['baseline-file', 'baseline.fifo'],
    ['exceptions-file', 'exceptions.fifo']
  ] as const)('%s: a FIFO is an input error at once, never a wait for a writer', (input, file) => {
    expectInputError(
      runs.fifos,
      `Input "${input}": "${path(file)}" is a FIFO (named pipe), not a regular file.`
    )
  })

  it.each([
    [
      'baseline-file',
      `Input "baseline-file": "${path('zero-link.json')}" leads to "/dev/zero", which is a character device, not a regular file.`
    ],
    [
      'exceptions-file',
      'Input "exceptions-file": "/dev/zero" is a character device, not a regular file.'
    ]
  ] as const)(
    '%s: /dev/zero, or a link to it, is refused before a byte is read',
    (input, message) => {
      expectInputError(runs.zeros, message)
      // Both files in one process: within the bound together, so each within it alone.
      expect(peakRssMb(runs.zeros, `${input} of /dev/zero`)).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
    }
  )

  it.each([
    [
      'baseline-file',
      `Input "baseline-file": "${path('huge.json')}" is 248 MB, larger than the 32 MB this action reads.`
    ],
    [
      'exceptions-file',
      `Input "exceptions-file": "${path('huge.yml')}" is 37 MB, larger than the 1 MB this action reads.`
    ]
  ] as const)('%s: a file beyond its bound is refused before it is read', (input, message) => {
    expectInputError(runs.huge, message)
    expect(peakRssMb(runs.huge, `${input} beyond its bound`)).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
  })

  it('a baseline at both its bounds is read, within the memory bound', () => {
    const run = runs.baselineAtLimits
    const mb = peakRssMb(run, 'a baseline at 32 MB and 1,000,000 strings')
    expect(errorsOf(run)).not.toContain('baseline-file')
    expect(reportOf(run)?.baselineSource).toMatchObject({ path: path('at-limits.json') })
    expect(mb).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
  })

  it('an exceptions file at its bounds is read, within the memory bound', () => {
    const run = runs.exceptionsAtLimits
    const mb = peakRssMb(run, 'an exceptions file of 2,000 entries and 20,000 values')
    expect(errorsOf(run)).not.toContain('exceptions-file')
    expect(run.exitCode).toBe(0)
    expect(mb).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
  })
})

describe('what a baseline holds', () => {
  it('is never echoed when it is not a baseline: /etc/passwd shows nowhere', () => {
    const run = runs.passwd
    expectInputError(
      run,
      `Input "baseline-file": "/etc/passwd" is not JSON. Expected the JSON report of an earlier run`
    )
    expect(everything(run)).not.toContain('root:x:0:0')
  })

  it('may start with a byte-order mark', () => {
    expect(errorsOf(runs.bom)).toBe('[]')
    expect(reportOf(runs.bom)?.baselineSource).toMatchObject({ path: path('bom.json') })
  })

  it.each([
    ['twice', `lists policy "${POLICY.id}" twice (policies[0] and policies[1])`],
    ['createdAtZero', 'has "createdAt": "0", not a date-time'],
    ['createdAtFuture', 'later than now'],
    ['emptyResource', `has an empty resource id (policies[0].resources[0], policy "${POLICY.id}")`]
  ] as const)(
    '%s: a baseline that contradicts itself is an input error naming it',
    (name, what) => {
      const run = runs[name]
      expect(run.exitCode).toBe(1)
      expect(run.sim.requests).toHaveLength(0)
      expect(errorsOf(run)).toContain(what.replace(/"/g, '\\"'))
    }
  )
})

describe('report-file and baseline-write', () => {
  it('a FIFO nobody reads fails the step at once, the report still written', () => {
    const run = runs.baselineWriteFifo
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      `Could not write the baseline to "${join(runnerTemp, 'baseline.fifo')}" (baseline-write): "${join(runnerTemp, 'baseline.fifo')}" is a FIFO (named pipe) that no process reads`
    )
    expect(reportOf(run)).toBeDefined()
    expect(run.summary).not.toBe('')
  })

  it.each([
    ['baseline-write', 'the baseline', join(workspace, 'baseline.json'), join(outside, 'bashrc')],
    [
      'report-file',
      'the JSON report',
      join(workspace, 'reports', 'report.json'),
      join(outside, 'report.json')
    ]
  ] as const)(
    '%s: a symlink out of the workspace is refused, naming the input and where it leads',
    (input, what, given, target) => {
      const run = runs.writesOut
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        `Could not write ${what} to "${given}" (${input}): it leads through a symlink to "${target}", outside the workspace and the runner's temp folder ("${workspace}", "${runnerTemp}")`
      )
      expect(readFileSync(join(outside, 'bashrc'), 'utf8')).toBe('kept')
      expect(() => readFileSync(join(outside, 'report.json'))).toThrow()
    }
  )
})
