// The API key never leaks: the bundle runs with debug logging on (RUNNER_DEBUG=1) under
// every fault the simulator can inject, alone and mixed, against a server that quotes the key back
// in its error bodies, and with the key pasted into `platform-url`. The key's value must not show
// up in stdout (but for the `::add-mask::` command that registers it), stderr, the job summary, the
// JSON report, the outputs or the saved state, neither as is nor URL-encoded nor JSON-escaped.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Fault, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  keyLeaks,
  reportOf,
  requestLog,
  runAll,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'

/** Looks like a real key. */
const KEY = 'cqk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0'
/** One whose URL-encoded and JSON forms differ from the key itself. */
const ODD_KEY = 'cqk_live_Zm9v+YmFy/YmF6="9f8e'

const RUNS = '/syncs/{sync_name}/runs'
const RUN = '/syncs/{sync_name}/runs/{sync_run_id}'

const SLOW = 'an answer slower than the request timeout'
/** The per-request deadline (a test hook of src/main.ts) that the slow answers miss. */
const DEADLINE_MS = 300
// What matters here is what the action writes about each fault, not how long it waits: the waits
// asked for are none (Retry-After: 0, an HTTP-date of the current second) or short.
const FAULTS: Record<string, Fault> = {
  '429 with Retry-After in seconds': { match: { path: RUN }, kind: '429', retryAfter: 0 },
  '429 with an HTTP-date Retry-After': {
    match: { path: RUN },
    kind: '429',
    retryAfter: 'http-date-now'
  },
  '503 from the Platform': { match: { method: 'GET', path: RUNS }, kind: '503' },
  '502 HTML page from a proxy': { match: { path: '/policies' }, kind: '502-html' },
  'connection reset': { match: { path: RUN }, kind: 'reset' },
  'malformed JSON': { match: { path: '/policies' }, kind: 'malformed-json' },
  'a body cut short': { match: { path: RUN }, kind: 'truncated' },
  [SLOW]: {
    match: { path: RUN },
    kind: 'slow',
    delayMs: 2 * DEADLINE_MS
  },
  'a reset after the run was created': {
    match: { method: 'POST', path: RUNS },
    kind: 'reset-after-create'
  }
}

/**
 * Every kind at once, at most two on one operation (a request is tried five times at most: five
 * faults in a row on one operation would rightly exhaust its retries).
 */
const MIX: Fault[] = [
  { match: { method: 'GET', path: RUNS }, kind: '503' },
  { match: { method: 'GET', path: RUNS }, kind: '429', retryAfter: 0 },
  { match: { method: 'POST', path: RUNS }, kind: 'reset-after-create' },
  { match: { path: RUN }, kind: '429', retryAfter: 'http-date-now' },
  { match: { path: RUN }, kind: 'malformed-json' },
  { match: { path: `${RUN}/tables` }, kind: 'truncated' },
  { match: { path: '/policies' }, kind: '502-html' },
  { match: { path: '/policies' }, kind: 'reset' },
  { match: { path: '/policies/violations-history' }, kind: 'slow', delayMs: 2 * DEADLINE_MS }
]

const clean: Scenario = {
  ...FAST,
  apiKey: KEY,
  policies: [{ name: 'Public S3 buckets', severity: 'critical', violationCount: 0 }]
}
const ENV = { RUNNER_DEBUG: '1' }

interface Case {
  key: string
  run: () => Promise<BundleRun>
}

const faultCases: Record<string, Case> = Object.fromEntries(
  [...Object.entries(FAULTS), ['all of them at once', undefined] as const].map(([name, fault]) => [
    name,
    {
      key: KEY,
      run: () =>
        runBundle(
          { ...clean, faults: fault ? [fault] : MIX },
          {},
          {
            // The deadline the slow answers miss.
            env: name === SLOW || !fault ? { ...ENV, CQ_REQUEST_TIMEOUT_MS: `${DEADLINE_MS}` } : ENV
          }
        )
    }
  ])
)

const hostileCases: Record<string, Case> = {
  'a 401 whose body quotes the key': {
    key: KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: 'the-right-key', echoKeyInErrors: true },
        { 'api-key': KEY },
        {
          env: ENV
        }
      )
  },
  'a 404 whose body quotes the key (and the suggestions after it)': {
    key: KEY,
    run: () =>
      runBundle({ ...clean, echoKeyInErrors: true }, { 'sync-name': 'aws-prdo' }, { env: ENV })
  },
  'retries running out on a server message that quotes the key': {
    key: KEY,
    run: () =>
      runBundle(
        {
          ...clean,
          faults: [
            {
              match: { path: '/policies' },
              kind: '503',
              count: 'always',
              retryAfter: 0,
              message: `upstream refused token ${KEY}`
            }
          ]
        },
        {},
        { env: ENV }
      )
  },
  'the key in the query string of platform-url': {
    key: KEY,
    run: () =>
      runBundle(
        clean,
        {},
        {
          env: ENV,
          before: (sim) => ({ inputs: { 'platform-url': `${sim.url}/?api_key=${KEY}` } })
        }
      )
  },
  'the key as the password in platform-url': {
    key: KEY,
    run: () =>
      runBundle(
        clean,
        {},
        {
          env: ENV,
          before: (sim) => ({ inputs: { 'platform-url': sim.url.replace('//', `//ci:${KEY}@`) } })
        }
      )
  },
  'the key in the path of platform-url, and echoed back': {
    key: KEY,
    run: () =>
      runBundle(
        { ...clean, echoKeyInErrors: true },
        {},
        {
          env: ENV,
          before: (sim) => ({ inputs: { 'platform-url': `${sim.url}/${KEY}` } })
        }
      )
  },
  'a key with URL-special characters in the query string': {
    key: ODD_KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: ODD_KEY },
        {},
        {
          env: ENV,
          before: (sim) => ({
            inputs: { 'platform-url': `${sim.url}/?token=${encodeURIComponent(ODD_KEY)}` }
          })
        }
      )
  },
  'a key with URL-special characters, quoted back by a 401': {
    key: ODD_KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: 'the-right-key', echoKeyInErrors: true },
        { 'api-key': ODD_KEY },
        { env: ENV }
      )
  }
}

/**
 * Platform text the action cuts (a status at 60 characters, a log line at 2,000 with its time and
 * level before it), with more than half of the key before the cut and the rest after it.
 */
const ACROSS_STATUS_CUT = `${'x'.repeat(30)}${KEY}`
const ACROSS_LINE_CUT = `${'x'.repeat(1_940)}${KEY}`

function withLogLine(line: string, finalStatus: 'completed' | 'failed' = 'completed'): Scenario {
  return { ...clean, run: { ...clean.run, durationMs: 1_500, finalStatus, logLines: [line] } }
}

const cutCases: Record<string, Case> = {
  'a 401 whose body quotes the key in base64, as a Basic auth header': {
    key: KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: 'the-right-key', echoKeyInErrors: 'basic' },
        { 'api-key': KEY },
        { env: ENV }
      )
  },
  'an unknown run status holding the key across the cut': {
    key: KEY,
    run: () =>
      runBundle(
        {
          ...clean,
          run: {
            ...clean.run,
            // Long enough for at least one status check to see it, however busy the machine.
            statusSequence: [
              { status: 'created', ms: 50 },
              { status: ACROSS_STATUS_CUT, ms: 5_000 }
            ]
          }
        },
        {},
        { env: ENV }
      )
  },
  'a live log line holding the key across the cut': {
    key: KEY,
    run: () => runBundle(withLogLine(ACROSS_LINE_CUT), { 'sync-logs': 'always' }, { env: ENV })
  },
  'a stored log line of a failed run holding the key across the cut': {
    key: KEY,
    run: () => runBundle(withLogLine(ACROSS_LINE_CUT, 'failed'), {}, { env: ENV })
  }
}

const CASES: Record<string, Case> = { ...faultCases, ...hostileCases, ...cutCases }

let runs: Record<string, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll(
    Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, c.run])) as Record<
      string,
      () => Promise<BundleRun>
    >
  )
}, 90_000)

describe('the API key, with debug logging on', () => {
  it.each(Object.keys(CASES))('%s: never appears in what the action wrote', (name) => {
    const run = runs[name]
    const { key } = CASES[name]
    expect(keyLeaks(run, key)).toEqual([])
    // Masked before anything else is printed.
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${key}`)
    // Debug logging was really on, so the check above covered it, wherever there was a request to
    // log; a case refused before any request may have nothing to say at debug level.
    // eslint-disable-next-line jest/no-conditional-expect
    if (run.sim.requests.length > 0) expect(run.stdout).toMatch(/^::debug::/m)
  })

  it.each(Object.keys(faultCases))(
    '%s: still ends as the clean run does, one run started',
    (name) => {
      const run = runs[name]
      expect({ exitCode: run.exitCode, result: run.outputs.result, log: run.stdout }).toEqual({
        exitCode: 0,
        result: 'pass',
        log: expect.any(String)
      })
      expect({ started: run.sim.runsStarted(), requests: requestLog(run.sim) }).toEqual({
        started: 1,
        requests: expect.any(String)
      })
      expect(run.sim.requests.some((r) => r.fault !== undefined)).toBe(true)
    }
  )

  it('hits every kind of fault in the mix', () => {
    const kinds = runs['all of them at once'].sim.requests.map((r) => r.fault)
    expect(new Set(kinds.filter((k) => k !== undefined))).toEqual(
      new Set(Object.values(FAULTS).map((f) => f.kind))
    )
  })

  it('says what went wrong without the key', () => {
    const unauthorized = runs['a 401 whose body quotes the key']
    expect(unauthorized.exitCode).toBe(1)
    expect(unauthorized.sim.requests[0].responseBody).toMatchObject({
      message: expect.stringContaining(KEY)
    })
    expect(unauthorized.stdout).toMatch(
      /HTTP 401: invalid API key \(Authorization: Bearer \*\*\*\)/
    )
    expect(unauthorized.summary).toMatch(/API key was rejected/)

    const exhausted = runs['retries running out on a server message that quotes the key']
    expect(reportOf(exhausted)).toMatchObject({
      result: 'fail',
      errors: [
        {
          stage: 'policies',
          message: expect.stringMatching(/GET \/policies.*HTTP 503: upstream refused token \*\*\*/)
        }
      ]
    })

    for (const name of [
      'the key in the query string of platform-url',
      'the key as the password in platform-url'
    ]) {
      const run = runs[name]
      expect(run.exitCode).toBe(1)
      expect(run.sim.requests).toEqual([])
      expect(run.stdout).toMatch(/Input "platform-url" is ".*", which is not valid/)
    }
  })

  it('redacts Platform text before it cuts it, and the key in base64 too', () => {
    const shown = (name: string) => runs[name].stdout
    expect(shown('an unknown run status holding the key across the cut')).toMatch(
      /reports status "x{30}\*\*\*"/
    )
    expect(shown('a live log line holding the key across the cut')).toMatch(/│ .* x{1940}\*\*\*$/m)
    expect(shown('a stored log line of a failed run holding the key across the cut')).toMatch(
      / x{1940}\*\*\*$/m
    )
    expect(shown('a 401 whose body quotes the key in base64, as a Basic auth header')).toMatch(
      /Authorization: Basic dG9rZW46\*\*\*/
    )
  })
})
