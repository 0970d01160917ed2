// Values the Platform gets wrong, through the real bundle: a completed run without a usable
// completion time, counts that are not counts, errors that arrive after the run is known (with
// escape sequences in their messages), history dated wrongly beside a lost start answer. None may
// pass a gate falsely or end in a stack trace.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec, PreviousRunSpec, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  reportOf,
  runAll,
  runBundle,
  type BundleOptions,
  type BundleRun
} from '../helpers/bundle.js'

const RUNS = '/syncs/{sync_name}/runs'
const GET_RUN = { method: 'GET', path: `${RUNS}/{sync_run_id}` }
/** An escape character or a bidi control: what this pattern is for. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u001b\u202a-\u202e\u2066-\u2069]/
const ESCAPES = 'red \u001b[31mALERT\u001b[0m \u202eevil\u202c'

/** Clean before the run; four critical violations once the run's data is evaluated. */
const AFTER_RUN: PolicySpec[] = [
  { name: 'Root account MFA', severity: 'critical', violationCount: 0, countAfterSync: 4 }
]
/** Evaluated well after the action has seen the run finish. */
const EVALUATED_LATER: Scenario = {
  run: FAST_RUN,
  policies: AFTER_RUN,
  evaluation: { delayAfterIngestMs: 1_500 }
}

const completedAt = (how: 'null' | 'missing' | '1970' | 'unparseable'): Scenario => ({
  ...EVALUATED_LATER,
  run: {
    ...FAST_RUN,
    ...(how === 'null' ? { nullFields: ['completed_at'] } : {}),
    ...(how === 'missing' ? { omitFields: ['completed_at'] } : {}),
    ...(how === '1970' ? { extraFields: { completed_at: '1970-01-01T00:00:00Z' } } : {}),
    ...(how === 'unparseable' ? { extraFields: { completed_at: 'yesterday-ish' } } : {})
  }
})

const CLEAN: Scenario = {
  ...FAST,
  policies: [{ name: 'A', severity: 'critical', violationCount: 0 }]
}

const POLICIES_ONLY = { 'sync-name': '', 'policy-evaluation': 'latest' }
const counted = (a: unknown, b: unknown): Scenario => ({
  ...FAST,
  policies: [
    { name: 'A', severity: 'critical', violationCount: 5 },
    { name: 'B', severity: 'critical', violationCount: 3 }
  ],
  policyExtraFields: { A: { violation_count: a }, B: { violation_count: b } }
})
const syncErrors = (errors: unknown): Scenario => ({
  ...CLEAN,
  run: { ...FAST_RUN, extraFields: { errors } }
})

const YEAR = 365 * 24 * 3_600_000
/**
 * The start request creates the run but its answer is lost; a later POST would start a second run
 * or (`reject`) be refused while that one is active. The run outlasts `timeout`, so the action
 * must cancel it as its own. (The simulator counts a run dated in the future as active, so that
 * case cannot use `reject`: its POST would create nothing.)
 */
const lostStart = (
  history: Omit<PreviousRunSpec, 'durationMs'>,
  whileActive: Scenario['whileActive'] = 'create'
) =>
  run(
    {
      ...CLEAN,
      run: { ...FAST_RUN, durationMs: 3_600_000 },
      previousRuns: [{ durationMs: 1_000, ...history }],
      whileActive,
      faults: [{ match: { method: 'POST', path: RUNS }, kind: 'reset-after-create' }]
    },
    { timeout: '4s' }
  )

/** Each case ends on its own well within this; the harness kills one that does not. */
const PROCESS_LIMIT_MS = 25_000
const run = (
  scenario: Scenario,
  inputs: Record<string, string> = {},
  options: BundleOptions = {}
) => runBundle(scenario, inputs, { timeoutMs: PROCESS_LIMIT_MS, ...options })

const CASES = {
  'completed_at null': () => run(completedAt('null')),
  'completed_at missing': () => run(completedAt('missing')),
  'completed_at in 1970': () => run(completedAt('1970')),
  'completed_at unparseable': () => run(completedAt('unparseable')),
  'a negative count beside a real one': () => run(counted(-5, 5), POLICIES_ONLY),
  'counts sent as strings': () => run(counted('07', 3), POLICIES_ONLY),
  'a count of 1e308': () => run(counted(1e308, 3), POLICIES_ONLY),
  'sync errors "lots"': () => run(syncErrors('lots'), { 'max-sync-errors': '0' }),
  'sync errors 0.4': () => run(syncErrors(0.4), { 'max-sync-errors': '0' }),
  'sync errors 1e308': () => run(syncErrors(1e308), { 'max-sync-errors': '5' }),
  'status checks failing once the run is known': () =>
    run({
      ...FAST,
      faults: [{ match: GET_RUN, kind: '503', count: 'always', retryAfter: 0, message: ESCAPES }]
    }),
  'a lost start answer, and a history run dated in 2126': () => lostStart({ ageMs: -100 * YEAR }),
  'a lost start answer, and a history run with an unparseable date': () =>
    lostStart({ ageMs: 60_000, extraFields: { created_at: 'not a date' } }, 'reject')
}

let runs: Record<keyof typeof CASES, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll(CASES)
}, 4 * PROCESS_LIMIT_MS)

describe('a completed run without a usable completed_at', () => {
  it.each([
    ['completed_at null', 'no completed_at'],
    ['completed_at missing', 'no completed_at'],
    ['completed_at in 1970', 'completed_at "1970-01-01T00:00:00Z", before the run was created'],
    ['completed_at unparseable', 'completed_at "yesterday-ish", not a date']
  ] as const)('%s: results must be newer than when the action saw it finish', (name, said) => {
    const run = runs[name]
    // Not the clean pre-run results: the fresh evaluation's four critical violations.
    expect(run.outputs).toMatchObject({ result: 'fail', 'critical-violations': '4' })
    // What was wrong, in words: never "completed_at undefined".
    expect(run.stdout).toContain(`finished without a usable completion time (${said})`)
    expect(reportOf(run)).toMatchObject({ policies: { mode: 'auto', stalePolicies: 0 } })
  })
})

describe('counts that are not counts', () => {
  it.each([
    'a negative count beside a real one',
    'counts sent as strings',
    'a count of 1e308'
  ] as const)('%s: unknown, so stale and failing, never added up', (name) => {
    const run = runs[name]
    // One critical policy's count is unknown, so the critical total is too: empty, never the sum
    // of the others as though it were 0.
    expect(run.outputs).toMatchObject({
      result: 'fail',
      'critical-violations': '',
      violations: '',
      'stale-policies': '1'
    })
    expect(reportOf(run)).toMatchObject({
      policies: { violations: { critical: null, total: null } }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/The Platform answered .* as the violation count of "[AB]"/)
  })

  it.each(['sync errors "lots"', 'sync errors 0.4', 'sync errors 1e308'] as const)(
    '%s: max-sync-errors cannot be checked, so the gate fails',
    (name) => {
      const run = runs[name]
      expect(run.outputs).toMatchObject({ result: 'fail', 'sync-errors': '' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(/the Platform answered .* for its errors/)
    }
  )
})

describe('errors after the run is known', () => {
  it('are not shown as "not awaited (wait: false)"', () => {
    const run = runs['status checks failing once the run is known']
    expect(run.exitCode).toBe(1)
    expect(run.summary).not.toMatch(/wait: false/)
    expect(run.stdout).not.toMatch(/wait: false/)
  })

  it('reach workflow commands without terminal escapes or bidi controls', () => {
    const run = runs['status checks failing once the run is known']
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'))
    expect(commands.some((line) => line.includes('ALERT'))).toBe(true)
    expect(commands.filter((line) => UNSAFE.test(line))).toEqual([])
  })
})

describe('a lost start answer beside history dated wrongly', () => {
  it.each([
    'a lost start answer, and a history run dated in 2126',
    'a lost start answer, and a history run with an unparseable date'
  ] as const)('%s: one run started, known as its own, cancelled on timeout', (name) => {
    const run = runs[name]
    expect(run.sim.requestsTo('POST', RUNS)).toHaveLength(1)
    expect(run.sim.runsStarted()).toBe(1)
    expect(run.stdout).toMatch(/was created by the failed request; following it/)
    expect(run.sim.requestsTo('PATCH', GET_RUN.path).map((r) => r.status)).toEqual([200])
  })
})
