// The API key never leaks: the bundle runs with debug logging on (RUNNER_DEBUG=1) against a server
// that quotes the key back in its error bodies, with the key pasted into `platform-url`, and with
// Platform text holding the key across the place where the action cuts it. The key's value must
// not show up in stdout (but for the `::add-mask::` command that registers it), stderr, the job
// summary, the JSON report, the outputs or the saved state, neither as is nor URL-encoded nor
// JSON-escaped. (fault-matrix.test.ts makes the same checks of its runs, under each fault alone
// and under a mix of them.)

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { RunSpec, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  errorLines,
  expectKeyMasked,
  FAST,
  LIVE_KEY,
  reportOf,
  runAll,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'

/** One whose URL-encoded and JSON forms differ from the key itself. */
const ODD_KEY = 'cqk_live_Zm9v+YmFy/YmF6="9f8e'

const clean: Scenario = {
  ...FAST,
  apiKey: LIVE_KEY,
  policies: [{ name: 'Public S3 buckets', severity: 'critical', violationCount: 0 }]
}
const ENV = { RUNNER_DEBUG: '1' }

interface Case {
  key: string
  run: () => Promise<BundleRun>
}

const hostileCases: Record<string, Case> = {
  'a 401 whose body quotes the key': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: 'the-right-key', echoKeyInErrors: true },
        { 'api-key': LIVE_KEY },
        {
          env: ENV
        }
      )
  },
  'a 404 whose body quotes the key (and the suggestions after it)': {
    key: LIVE_KEY,
    run: () =>
      runBundle({ ...clean, echoKeyInErrors: true }, { 'sync-name': 'aws-prdo' }, { env: ENV })
  },
  'retries running out on a server message that quotes the key': {
    key: LIVE_KEY,
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
              message: `upstream refused token ${LIVE_KEY}`
            }
          ]
        },
        {},
        { env: ENV }
      )
  },
  'the key in the query string of platform-url': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        clean,
        {},
        {
          env: ENV,
          before: (sim) => ({ inputs: { 'platform-url': `${sim.url}/?api_key=${LIVE_KEY}` } })
        }
      )
  },
  'the key as the password in platform-url': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        clean,
        {},
        {
          env: ENV,
          before: (sim) => ({
            inputs: { 'platform-url': sim.url.replace('//', `//ci:${LIVE_KEY}@`) }
          })
        }
      )
  },
  'the key in the path of platform-url, and echoed back': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        { ...clean, echoKeyInErrors: true },
        {},
        {
          env: ENV,
          before: (sim) => ({ inputs: { 'platform-url': `${sim.url}/${LIVE_KEY}` } })
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
const ACROSS_STATUS_CUT = `${'x'.repeat(30)}${LIVE_KEY}`
const ACROSS_LINE_CUT = `${'x'.repeat(1_940)}${LIVE_KEY}`

function withLogLine(line: string, run: Partial<RunSpec> = {}): Scenario {
  return { ...clean, run: { ...clean.run, durationMs: 1_500, logLines: [line], ...run } }
}

const cutCases: Record<string, Case> = {
  'a 401 whose body quotes the key in base64, as a Basic auth header': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        { ...clean, apiKey: 'the-right-key', echoKeyInErrors: 'basic' },
        { 'api-key': LIVE_KEY },
        { env: ENV }
      )
  },
  'an unknown run status and a live log line, each holding the key across its cut': {
    key: LIVE_KEY,
    run: () =>
      runBundle(
        withLogLine(ACROSS_LINE_CUT, {
          // Long enough for at least one status check to see it, however busy the machine; the
          // live log stream opens on that status, and the line is due from the run's start.
          statusSequence: [
            { status: 'created', ms: 50 },
            { status: ACROSS_STATUS_CUT, ms: 5_000 }
          ]
        }),
        { 'sync-logs': 'always' },
        { env: ENV }
      )
  },
  'a stored log line of a failed run holding the key across the cut': {
    key: LIVE_KEY,
    run: () => runBundle(withLogLine(ACROSS_LINE_CUT, { finalStatus: 'failed' }), {}, { env: ENV })
  }
}

const CASES: Record<string, Case> = { ...hostileCases, ...cutCases }

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
    expectKeyMasked(run, key)
    // Debug logging was really on, so the check above covered it, wherever there was a request to
    // log; a case refused before any request may have nothing to say at debug level.
    // eslint-disable-next-line jest/no-conditional-expect
    if (run.sim.requests.length > 0) expect(run.stdout).toMatch(/^::debug::/m)
  })

  it('explains a rejected key at the preflight, before any sync-run POST, without the key', () => {
    const unauthorized = runs['a 401 whose body quotes the key']
    expect(unauthorized.exitCode).toBe(1)
    expect(unauthorized.sim.requests.filter((r) => r.method === 'POST')).toEqual([])
    expect(unauthorized.sim.requests[0].responseBody).toMatchObject({
      message: expect.stringContaining(LIVE_KEY)
    })
    expect(errorLines(unauthorized.stdout).join('\n')).toMatch(
      /GET \/platform-info failed with HTTP 401: invalid API key \(Authorization: Bearer \*\*\*\).*API key was rejected/
    )
    expect(unauthorized.summary).toMatch(/API key was rejected/)
  })

  it('says what went wrong without the key', () => {
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
    const statusAndLiveLine = shown(
      'an unknown run status and a live log line, each holding the key across its cut'
    )
    expect(statusAndLiveLine).toMatch(/reports status "x{30}\*\*\*"/)
    expect(statusAndLiveLine).toMatch(/│ .* x{1940}\*\*\*$/m)
    expect(shown('a stored log line of a failed run holding the key across the cut')).toMatch(
      / x{1940}\*\*\*$/m
    )
    expect(shown('a 401 whose body quotes the key in base64, as a Basic auth header')).toMatch(
      /Authorization: Basic dG9rZW46\*\*\*/
    )
  })
})
