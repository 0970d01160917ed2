// The action's limits (src/platform/limits.ts and the input and wait bounds), each hit through the
// real bundle against a broken or hostile Platform: an endless body, a silent or trickling server,
// endless or lying pages, a live log line without end, durations beyond a timer. Each case must end
// on its own (the harness kills a process that runs past PROCESS_LIMIT_MS, so an overshoot shows as
// a missing exit code), say why, and cancel the run it started. Nothing here measures speed: the
// bounds are request counts and the processes' own limits.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Fault, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  errorLines,
  FAST,
  FAST_RUN,
  PEAK_RSS,
  peakRssMb,
  reportOf,
  runBundle,
  type BundleOptions,
  type BundleRun
} from '../helpers/bundle.js'

const GET_RUN = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}' }
const LIVE_LOGS = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}/logs/live' }
/** A run that goes on far longer than any case waits for it. */
const LONG_RUN: Scenario = { ...FAST, run: { ...FAST_RUN, durationMs: 3_600_000 } }
/** Far beyond each case's `timeout` plus a request's deadline. */
const PROCESS_LIMIT_MS = 25_000
const JEST_LIMIT_MS = PROCESS_LIMIT_MS + 10_000
const LIMITED: BundleOptions = { timeoutMs: PROCESS_LIMIT_MS, env: { NODE_OPTIONS: PEAK_RSS } }
/** The bound on the step's memory, whatever the server does. */
const MAX_PEAK_RSS_MB = 200

const CLEAN_POLICIES = [{ name: 'Public S3 buckets', severity: 'critical', violationCount: 0 }]

const always = (match: Fault['match'], kind: Fault['kind']): Fault => ({
  match,
  kind,
  count: 'always'
})

/** The statuses of the action's cancel requests. */
const cancels = (run: BundleRun): number[] =>
  run.sim.requestsTo('PATCH', GET_RUN.path).map((request) => request.status ?? 0)

const errorsOf = (report: Record<string, unknown> | undefined): string =>
  JSON.stringify(report?.errors ?? [])

beforeAll(() => assertBundleExists())

// One describe block: Jest runs `it.concurrent` cases together only within one (the
// blocks of a file run one after another), and these mostly wait on real time.
describe('the action’s limits, each hit at once', () => {
  it.concurrent(
    'a response body has a size limit: an endless body fails the request naming the limit, and the run is cancelled',
    async () => {
      const run = await runBundle(
        { ...LONG_RUN, faults: [always(GET_RUN, 'endless-body')] },
        { timeout: '60s' },
        LIMITED
      )
      expect(run.exitCode).toBe(1)
      expect(errorsOf(reportOf(run))).toMatch(
        /GET \/syncs\/aws-prod\/runs\/[-\w]+ answered with a body larger than 16 MB/
      )
      expect(cancels(run)).toEqual([200])
      expect(peakRssMb(run, 'endless body')).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
      // Each try stops at the limit: five of them, not one that never ends.
      expect(run.sim.requestsTo('GET', GET_RUN.path).length).toBeLessThanOrEqual(5)
    },
    JEST_LIMIT_MS
  )

  it.concurrent.each([
    ['a server that never answers', 'silent'],
    ['a body that trickles one byte a second', 'trickle']
  ] as const)(
    'timeout is kept whatever the server does with a request: %s: the wait times out and the run is cancelled',
    async (name, kind) => {
      // The per-request deadline stays at its 30 s: only the wait's own deadline can end this.
      const run = await runBundle(
        { ...LONG_RUN, faults: [always(GET_RUN, kind)] },
        { timeout: '4s', 'poll-interval': '1s' },
        LIMITED
      )
      expect(run.exitCode).toBe(1)
      expect(run.outputs.result).toBe('fail')
      expect(run.stdout).toMatch(/Timed out after 4(\.\d)?s waiting for run/)
      expect(run.stdout).toMatch(/Cancelled run .* which this action started/)
      expect(cancels(run)).toEqual([200])
      expect(peakRssMb(run, name)).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
    },
    JEST_LIMIT_MS
  )

  const policiesOnly = { 'sync-name': '', 'policy-evaluation': 'latest' }
  const listing = (policyPaging: Scenario['policyPaging']) =>
    runBundle({ ...FAST, policies: CLEAN_POLICIES, policyPaging }, policiesOnly, LIMITED)

  it.concurrent.each([
    [
      'endless pages without counts',
      'endless',
      /still had full pages after 1000: this action reads/,
      1_000
    ],
    ['a total_count beyond the limit', 'inflated', /says it has 100000 pages/, 1]
  ] as const)(
    'a listing has a page limit: %s: an error naming the limit, within the pages it allows',
    async (name, paging, message, requests) => {
      const run = await listing(paging)
      expect(peakRssMb(run, name)).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
      expect(run.exitCode).toBe(1)
      expect(run.outputs.result).toBe('fail')
      expect(errorsOf(reportOf(run))).toMatch(message)
      expect(run.sim.requestsTo('GET', '/policies').length).toBeLessThanOrEqual(requests)
    },
    JEST_LIMIT_MS
  )

  it.concurrent(
    'a listing has a page limit: a listing without counts ends at its short page',
    async () => {
      const run = await listing('no-counts')
      expect(run.exitCode).toBe(0)
      expect(run.outputs.result).toBe('pass')
    },
    JEST_LIMIT_MS
  )

  it.concurrent(
    'the live log stream has a line limit: a stream without newlines keeps memory bounded, and the step ends',
    async () => {
      // Strings live on V8's heap: a line kept whole until its newline would exhaust this one.
      const run = await runBundle(
        {
          ...FAST,
          run: { ...FAST_RUN, durationMs: 1_000 },
          policies: CLEAN_POLICIES,
          faults: [always(LIVE_LOGS, 'endless-body')]
        },
        { 'sync-logs': 'always' },
        { ...LIMITED, env: { NODE_OPTIONS: '--max-old-space-size=48' } }
      )
      expect(run.stderr).not.toMatch(/heap out of memory/i)
      expect(run.exitCode).toBe(0)
      expect(run.outputs.result).toBe('pass')
      // The endless line was shown once, cut.
      expect(run.stdout.match(/│ \{"items":\["x","x".*…$/gm)).toHaveLength(1)
    },
    JEST_LIMIT_MS
  )

  // The three in one run, started by whichever case comes first: every input problem is reported
  // at once (src/inputs/values.ts, Problems), so each shows in the step's failure.
  let tooLong: Promise<BundleRun> | undefined
  const tooLongRun = (): Promise<BundleRun> =>
    (tooLong ??= runBundle(
      FAST,
      { timeout: '600h', 'poll-interval': '600h', 'evaluation-timeout': '600h' },
      LIMITED
    ))

  it.concurrent.each(['timeout', 'poll-interval', 'evaluation-timeout'])(
    'durations fit in a timer: %s of 600h is an input error, before any request',
    async (input) => {
      const run = await tooLongRun()
      expect(run.exitCode).toBe(1)
      expect(errorLines(run.stdout).join('\n')).toContain(
        `Input "${input}" is "600h", which is not valid: expected a positive duration of at most 7 days`
      )
      expect(run.sim.requests).toHaveLength(0)
    },
    JEST_LIMIT_MS
  )

  it.concurrent(
    'a preflight answer beyond the size limit is told as it is, never as "answered HTTP undefined"',
    async () => {
      const run = await runBundle(
        { ...FAST, faults: [always({ path: '/platform-info' }, 'endless-body')] },
        {},
        LIMITED
      )
      expect(run.exitCode).toBe(1)
      expect(errorsOf(reportOf(run))).toMatch(
        /GET \/platform-info answered with a body larger than 16 MB, the most this action reads/
      )
      expect(run.stdout).not.toContain('undefined')
      expect(run.summary).not.toContain('undefined')
    },
    JEST_LIMIT_MS
  )

  const NEVER = (path: string): Fault[] => [always({ method: 'GET', path }, 'silent')]
  it.concurrent.each([
    ['the preflight', '/platform-info', {}],
    ['the policy selection', '/policy-groups', { 'policy-groups': 'Security' }],
    ['the look for an active run before a start', '/syncs/{sync_name}/runs', {}]
  ] as const)(
    'the requests before the waits are bounded by timeout too: %s, never answered: the step ends within timeout, saying so, with its summary and report',
    async (_, path, inputs) => {
      // The per-request deadline stays at its 30 s and the retries at theirs (152 s in all):
      // only timeout can end this within PROCESS_LIMIT_MS.
      const run = await runBundle(
        { ...FAST, faults: NEVER(path) },
        { timeout: '10s', ...inputs },
        LIMITED
      )
      expect(run.exitCode).toBe(1)
      expect(run.outputs.result).toBe('fail')
      // One try, given all the time left; a busy machine may fit a second, short one in.
      expect(errorsOf(reportOf(run))).toMatch(/ran out after [12] attempts?/)
      expect(errorsOf(reportOf(run))).toContain('the 10s of \\"timeout\\"')
      expect(run.summary).toContain('the 10s of "timeout" ran out')
      expect(run.sim.requestsTo('GET', path).length).toBeLessThanOrEqual(2)
      // Nothing was started: a run it started would need cancelling.
      expect(run.sim.runsStarted()).toBe(0)
    },
    JEST_LIMIT_MS
  )
})
