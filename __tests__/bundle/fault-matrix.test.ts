// The whole action (sync stage, then policy stage) as the runner starts it, against the simulator
// under each fault alone and under a mix of them. Each faulted run must reach the clean run's
// verdict and outputs, start exactly one run, and stay within a stated number of requests; when
// retries run out, the error must say where and why, and the reports must keep what was learned.
// Every run, with debug logging on, must also keep the API key out of all it writes (the other ways
// the key could leak, a server quoting it back, a URL holding it, are in secrets.test.ts).
//
// The cases run concurrently (each with its own simulator and action process): most of their time
// is spent waiting for retries and for the run, not computing.

import { describe, expect, it } from '@jest/globals'
import type { Fault } from '../../simulator/scenario.js'
import {
  expectKeyMasked,
  LIVE_KEY,
  requestLog,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'
import { comparableOutputs, GATE_SCENARIO, visibleLog } from '../helpers/gate-run.js'

type Match = Fault['match']

const LIST_RUNS: Match = { method: 'GET', path: '/syncs/{sync_name}/runs' }
const START_RUN: Match = { method: 'POST', path: '/syncs/{sync_name}/runs' }
const GET_RUN: Match = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}' }
const RUN_TABLES: Match = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}/tables' }
const LIVE_LOGS: Match = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}/logs/live' }
const POLICIES: Match = { method: 'GET', path: '/policies' }
const POLICY_HISTORY: Match = { method: 'GET', path: '/policies/{policy_id}/violations-history' }
const VIOLATIONS: Match = { method: 'GET', path: '/policies/{policy_id}/violations' }
const TREND: Match = { method: 'GET', path: '/policies/violations-history' }

/** Every idempotent request of the sync stage, and of the policy stage. */
const SYNC_GETS = [LIST_RUNS, GET_RUN, RUN_TABLES]
const POLICY_GETS = [POLICIES, POLICY_HISTORY, VIOLATIONS, TREND]
/** Every idempotent request of both stages (the live log stream has its own test). */
const GETS = [...SYNC_GETS, ...POLICY_GETS]

/** The per-request deadline the slow cases set through the CQ_REQUEST_TIMEOUT_MS test hook. */
const REQUEST_TIMEOUT_MS = 1000
const SLOW = { kind: 'slow', delayMs: 2 * REQUEST_TIMEOUT_MS } as const
const SHORT_DEADLINE = { CQ_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) }

/**
 * Status checks follow the clock, and retry waits shift them: a faulted run may look at the run's
 * status this many more times than the clean one did.
 */
const STATUS_SLACK = 2

interface FaultCase {
  name: string
  faults: Fault[]
  env?: Record<string, string>
  /**
   * Extra requests besides one per fault hit: a listing after each start whose outcome is unknown
   * (to find a run the failed POST may have created), reopened live log streams.
   */
  followUps: number
  /** A debug or log line showing the fault was met and handled as intended. */
  evidence: RegExp
}

/** Each fault hits once; the bound is one retry per hit, the follow-ups, and the status slack. */
function bound(c: FaultCase): number {
  return hits(c) + c.followUps + STATUS_SLACK
}

function hits(c: FaultCase): number {
  return c.faults.reduce((sum, f) => sum + (typeof f.count === 'number' ? f.count : 1), 0)
}

function everywhere(fault: Omit<Fault, 'match'>, matches: Match[]): Fault[] {
  return matches.map((match) => ({ ...fault, match }))
}

/**
 * A 429 on every request, each asking for no wait (the client still has to read the header), but
 * the status check's asking for a real one: it is made while the run is going anyway, so its wait
 * costs no time, and the log shows it honoured. (sync.test.ts proves the exact wait in virtual
 * time.)
 */
function tooManyRequests(retryAfter: Fault['retryAfter'], noWait: Fault['retryAfter']): Fault[] {
  return [START_RUN, ...GETS].map((match) => ({
    kind: '429',
    match,
    retryAfter: match === GET_RUN ? retryAfter : noWait
  }))
}

const SINGLE_FAULTS: FaultCase[] = [
  {
    name: '429 with Retry-After in seconds',
    faults: tooManyRequests(1, 0),
    // A 429 is retried by the client itself: the Platform refused the POST, so no listing.
    followUps: 0,
    // The status check's retry waits the second the Platform asked for, not a back-off.
    evidence: /429: rate limit exceeded\b.*; retry 1 of 4 in 1000 ms/
  },
  {
    name: '429 with an HTTP-date Retry-After',
    faults: tooManyRequests('http-date', 'http-date-now'),
    followUps: 0,
    evidence: /429: rate limit exceeded\b.*; retry 1 of 4 in (9\d\d|1\d{3}|2000) ms/
  },
  {
    name: '503',
    faults: everywhere({ kind: '503' }, [START_RUN, ...GETS]),
    followUps: 1,
    evidence: /HTTP 503: service unavailable\b.*; retry 1 of 4/
  },
  {
    name: "a proxy's 502 HTML page",
    faults: everywhere({ kind: '502-html' }, [START_RUN, ...GETS]),
    followUps: 1,
    evidence: /failed with HTTP 502; retry 1 of 4/
  },
  {
    name: 'a connection reset',
    faults: everywhere({ kind: 'reset' }, [START_RUN, ...GETS]),
    followUps: 1,
    evidence: /could not reach the Platform: (socket hang up|read ECONNRESET); retry 1 of 4/
  },
  {
    name: 'malformed JSON',
    faults: everywhere({ kind: 'malformed-json' }, [START_RUN, ...GETS]),
    followUps: 1,
    evidence: /answered 200 with a body that is not valid JSON.*; retry 1 of 4/
  },
  {
    name: 'a body cut short',
    faults: everywhere({ kind: 'truncated' }, [START_RUN, ...GETS]),
    followUps: 1,
    evidence: /Run [0-9a-f-]{36} was created by the failed request; following it\./
  },
  // Each slow answer costs a deadline of real time: the two stages' requests are two cases, so
  // that their waits run side by side.
  {
    name: `an answer slower than the ${REQUEST_TIMEOUT_MS} ms request deadline, in the sync stage`,
    faults: everywhere(SLOW, SYNC_GETS),
    env: SHORT_DEADLINE,
    followUps: 0,
    evidence: /no answer within 1s \(timeout\); retry 1 of 4/
  },
  {
    name: `an answer slower than the ${REQUEST_TIMEOUT_MS} ms request deadline, in the policy stage`,
    faults: everywhere(SLOW, POLICY_GETS),
    env: SHORT_DEADLINE,
    followUps: 0,
    evidence: /no answer within 1s \(timeout\); retry 1 of 4/
  },
  {
    // The server creates the run only after the action gave up on the POST: the action keeps
    // looking for it (for about its request deadline) instead of starting a second one.
    name: `a start request answered after its ${REQUEST_TIMEOUT_MS} ms deadline`,
    faults: [{ match: START_RUN, ...SLOW }],
    env: SHORT_DEADLINE,
    followUps: 6,
    evidence: /Run [0-9a-f-]{36} was created by the failed request; following it\./
  },
  {
    name: 'a reset after the run was created',
    faults: [{ match: START_RUN, kind: 'reset-after-create' }],
    followUps: 1,
    evidence: /Run [0-9a-f-]{36} was created by the failed request; following it\./
  }
]

const MIX: FaultCase = {
  name: 'a mix of all of them',
  faults: [
    { match: LIST_RUNS, kind: '429', retryAfter: 0 },
    // The first start fails with a 503, the second creates the run and then loses the answer.
    { match: START_RUN, kind: '503' },
    { match: START_RUN, kind: 'reset-after-create' },
    // Quick to retry, so the live log stream still opens while the run is going.
    { match: GET_RUN, kind: 'reset' },
    { match: LIVE_LOGS, kind: 'reset' },
    { match: RUN_TABLES, ...SLOW },
    { match: POLICIES, kind: '429', retryAfter: 'http-date-now' },
    { match: POLICY_HISTORY, kind: 'malformed-json' },
    { match: VIOLATIONS, kind: 'truncated' },
    { match: TREND, kind: '502-html' }
  ],
  env: SHORT_DEADLINE,
  // Two listings (one per failed start), and up to two reopenings of the live log stream.
  followUps: 4,
  evidence: /Run [0-9a-f-]{36} was created by the failed request; following it\./
}

const CASES = [...SINGLE_FAULTS, MIX]

interface Outcome {
  run: BundleRun
  requests: number
  faulted: number
  runsStarted: number
}

/** Debug logging on: the action writes its debug lines either way, the runner then shows them. */
const DEBUG = { RUNNER_DEBUG: '1' }

async function runUnder(faults: Fault[], env?: Record<string, string>): Promise<Outcome> {
  const run = await runBundle(
    { ...GATE_SCENARIO, apiKey: LIVE_KEY, faults },
    {},
    { env: { ...DEBUG, ...env }, timeoutMs: 60_000 }
  )
  return {
    run,
    requests: run.sim.requests.length,
    faulted: run.sim.requests.filter((r) => r.fault !== undefined).length,
    runsStarted: run.sim.runsStarted()
  }
}

let cleanRun: Promise<Outcome> | undefined
/** The clean run, once, whichever case asks first. */
function clean(): Promise<Outcome> {
  cleanRun ??= runUnder([])
  return cleanRun
}

const faultedRuns = new Map<FaultCase, Promise<Outcome>>()
/** The run under a case's faults, once, whichever test asks first. */
function underFaults(c: FaultCase): Promise<Outcome> {
  const run = faultedRuns.get(c) ?? runUnder(c.faults, c.env)
  faultedRuns.set(c, run)
  return run
}

/** The key is nowhere in what the action wrote (in any of its forms) but in the first line's mask. */
function expectKeyKept(run: BundleRun): void {
  expectKeyMasked(run, LIVE_KEY)
  // The request trace was written, so the scan above covered the debug lines too.
  expect(run.stdout).toMatch(/^::debug::→ GET /m)
}

/** Fails with what the simulator saw and what the action printed, unless `ok`. */
function explain(o: Outcome, what: string, ok: boolean): void {
  if (!ok) throw new Error(`${what}\n${trace(o)}`)
}

/** Explains a failed expectation with the requests the simulator saw and the action's log. */
function trace(o: Outcome): string {
  return `${requestLog(o.run.sim)}\n--- log ---\n${visibleLog(o.run.stdout)}\n${o.run.stderr}`
}

// One describe block: Jest runs `it.concurrent` cases together only within one (the
// blocks of a file run one after another), and these mostly wait on real time.
describe('fault matrix', () => {
  it.concurrent(
    'the whole action under each fault, and under a mix: clean run: passes the gate, starts one run, never shows the key',
    async () => {
      const c = await clean()
      expect({ exit: c.run.exitCode, runs: c.runsStarted }).toEqual({ exit: 0, runs: 1 })
      expectKeyKept(c.run)
      expect(c.run.outputs.result).toBe('pass')
      // Both stages did their work (the verdict rests on fresh counts and real violations).
      expect(c.run.outputs['sync-run-status']).toBe('completed')
      expect(c.run.outputs['stale-policies']).toBe('0')
      expect(Number(c.run.outputs.violations)).toBeGreaterThan(0)
      console.log(`fault matrix: the clean run made ${c.requests} requests`)
    },
    60_000
  )

  for (const c of CASES) {
    it.concurrent(
      `the whole action under each fault, and under a mix: ${c.name}: same verdict and outputs as the clean run, 1 run started, ≤ clean + ${bound(c)} requests, the key never shown`,
      async () => {
        const [baseline, faulted] = await Promise.all([clean(), underFaults(c)])
        explain(
          faulted,
          `exit code ${faulted.run.exitCode}`,
          faulted.run.exitCode === baseline.run.exitCode
        )
        // Every fault really hit: a fault that matched nothing would prove nothing.
        explain(
          faulted,
          `faulted requests: ${faulted.faulted}, expected ${hits(c)}`,
          faulted.faulted === hits(c)
        )
        expect(comparableOutputs(faulted.run.outputs)).toEqual(
          comparableOutputs(baseline.run.outputs)
        )
        explain(faulted, `${faulted.runsStarted} runs started`, faulted.runsStarted === 1)
        explain(
          faulted,
          `nothing in the log matches ${c.evidence}`,
          c.evidence.test(faulted.run.stdout)
        )
        const limit = baseline.requests + bound(c)
        explain(
          faulted,
          `${faulted.requests} requests; the clean run made ${baseline.requests}, so at most ${limit}`,
          faulted.requests <= limit
        )
        const report = JSON.parse(faulted.run.report) as { result: string; errors: unknown[] }
        expect(report.result).toBe('pass')
        expect(report.errors).toEqual([])
        expectKeyKept(faulted.run)
      },
      60_000
    )
  }

  it.concurrent(
    `the whole action under each fault, and under a mix: ${MIX.name}: meets every kind of fault the single cases do`,
    async () => {
      const { run } = await underFaults(MIX)
      const met = run.sim.requests.flatMap((r) => (r.fault === undefined ? [] : [r.fault]))
      expect(new Set(met)).toEqual(
        new Set(SINGLE_FAULTS.flatMap((c) => c.faults.map((f) => f.kind)))
      )
    },
    60_000
  )

  it.concurrent(
    'when retries run out: a 503 that never ends on GET /policies: the error names the endpoint, status and message; summary and report keep the sync run, without the key',
    async () => {
      // Retry-After: 0 spares the back-off's waits (several seconds of them): what is checked is
      // what is left once the retries are spent.
      const o = await runUnder([{ match: POLICIES, kind: '503', count: 'always', retryAfter: 0 }])
      const result = o.run
      const runId = result.outputs['sync-run-id']
      expect(result.exitCode).toBe(1)
      expect(o.runsStarted).toBe(1)
      expect(runId).toMatch(/^[0-9a-f-]{36}$/)
      // Five tries (the client's limit), then the stage gives up.
      expect(o.run.sim.requestsTo('GET', '/policies')).toHaveLength(5)

      const message = /::error title=Policy stage error::(.*)/.exec(result.stdout)?.[1] ?? ''
      expect(message).toMatch(/^GET \/policies failed with HTTP 503: service unavailable\b/)
      expect(message).toContain('gave up after 5 attempts')

      expect(result.outputs).toMatchObject({
        result: 'fail',
        'sync-run-status': 'completed',
        violations: ''
      })
      expect(result.summary).toContain(runId)
      expect(result.summary).toContain('GET /policies failed with HTTP 503: service unavailable')
      const report = JSON.parse(result.report) as {
        result: string
        sync: { run: { id: string; status: string }; verdict: string }
        policies: unknown
        errors: { stage: string; message: string }[]
      }
      expect(report.result).toBe('fail')
      expect(report.sync.run).toMatchObject({ id: runId, status: 'completed' })
      expect(report.sync.verdict).toBe('pass')
      expect(report.policies).toBeNull()
      expect(report.errors).toEqual([
        {
          stage: 'policies',
          message: expect.stringMatching(
            /^GET \/policies failed with HTTP 503: service unavailable/
          )
        }
      ])
      expectKeyKept(result)
    },
    60_000
  )

  it.concurrent(
    'when retries run out: a 503 that never ends on the run status: the error names the run endpoint; summary and report keep the started run, without the key',
    async () => {
      const o = await runUnder([{ match: GET_RUN, kind: '503', count: 'always', retryAfter: 0 }])
      const result = o.run
      expect(result.exitCode).toBe(1)
      expect(o.runsStarted).toBe(1)
      const runId = o.run.sim.runs.find((run) => run.origin === 'created')?.id ?? 'none'
      expect(o.run.sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}')).toHaveLength(5)

      const message = /::error title=Sync stage error::(.*)/.exec(result.stdout)?.[1] ?? ''
      expect(message).toMatch(
        new RegExp(
          `^GET /syncs/aws-prod/runs/${runId} failed with HTTP 503: service unavailable\\b`
        )
      )
      expect(message).toContain('gave up after 5 attempts')
      expect(visibleLog(result.stdout)).toContain(
        'Policy stage skipped: the sync stage did not finish.'
      )

      expect(result.outputs).toMatchObject({ result: 'fail', 'sync-run-id': runId })
      expect(result.summary).toContain(runId)
      const report = JSON.parse(result.report) as {
        sync: { run: { id: string }; startedByAction: boolean }
        policiesSkipped: string
        errors: { stage: string; message: string }[]
      }
      expect(report.sync.run.id).toBe(runId)
      expect(report.sync.startedByAction).toBe(true)
      expect(report.policiesSkipped).toMatch(/sync stage did not finish/)
      expect(report.errors.map((e) => e.stage)).toEqual(['sync'])
      expectKeyKept(result)
    },
    60_000
  )
})
