// Cancellation, proved on the real process: a spawned `node dist/index.js` is sent SIGINT
// or SIGTERM, as the runner does when a workflow is cancelled or a step times out, and the post
// step (the same bundle, given the state the main step saved) is run the way the runner runs it.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  reportOf,
  requestLog,
  runAgainst,
  runAll,
  Signaller,
  usingSimulator,
  type BundleRun
} from '../helpers/bundle.js'

const RUN = '/syncs/{sync_name}/runs/{sync_run_id}'
/** Printed once the run is known (and saved for the post step), just before the wait starts. */
const WAITING = 'Waiting up to'
const LONG_RUN: Scenario = { ...FAST, run: { ...FAST_RUN, durationMs: 60_000 } }
const ACTIVE_RUN: Scenario = { ...FAST, activeRun: { ...FAST_RUN, durationMs: 60_000 } }

interface Signalled {
  run: BundleRun
  signaller: Signaller
}

/** A main step, then the post step the runner runs next (`post-if: cancelled()`). */
interface ThenPost {
  /** The main step. */
  run: BundleRun
  /** The post step, given the state the main step saved. */
  post: BundleRun
  /** Where the post step's requests start in the simulator's log. */
  postFrom: number
}

interface SignalCase {
  scenario: Scenario
  signal: NodeJS.Signals
  inputs?: Record<string, string>
  /** Signalled once this is in the action's log. */
  marker?: string
  env?: Record<string, string>
}

/** Runs the action against `sim` and signals it once the case's marker is in its log. */
async function signalAgainst(
  sim: Simulator,
  { signal, inputs = {}, marker = WAITING, env = {} }: SignalCase
): Promise<Signalled> {
  // A little after the marker, so the action is really waiting (asleep between two polls).
  const signaller = new Signaller(marker, signal, 300)
  return { run: await runAgainst(sim, inputs, { ...signaller.options, env }), signaller }
}

/** Runs the post step after `run` against the same simulator, given the state `run` saved. */
async function thenPost(run: BundleRun, inputs: Record<string, string> = {}): Promise<ThenPost> {
  const postFrom = run.sim.requests.length
  return { run, post: await runAgainst(run.sim, inputs, { state: run.state }), postFrom }
}

/** Runs the action and signals it (no post step: for the cases that read none). */
function signalled(signalCase: SignalCase): Promise<Signalled> {
  return usingSimulator(signalCase.scenario, (sim) => signalAgainst(sim, signalCase))
}

/** Runs the action, signals it, then runs the post step. */
function signalledThenPost(signalCase: SignalCase): Promise<Signalled & ThenPost> {
  return usingSimulator(signalCase.scenario, async (sim) => {
    const main = await signalAgainst(sim, signalCase)
    return { ...main, ...(await thenPost(main.run, signalCase.inputs)) }
  })
}

/** What a post step asked of the Platform (the main step's requests, before `from`, left out). */
function requestsSince(sim: Simulator, from: number): string[] {
  return sim.requests.slice(from).map((r) => `${r.method} ${r.pathTemplate}`)
}

/** State the main step saves for the post step (see src/post.ts). */
function postState(runId: string, startedByAction: boolean, finished = false) {
  return {
    'is-post': 'true',
    'sync-runs': JSON.stringify([{ syncName: 'aws-prod', runId, startedByAction }]),
    ...(finished ? { finished: 'true' } : {})
  }
}

function runOf(sim: Simulator, origin: 'created' | 'active') {
  const run = sim.runs.find((r) => r.origin === origin)
  if (!run) throw new Error(`no ${origin} run:\n${requestLog(sim)}`)
  return run
}

/** Signalled main steps, each followed by its post step. */
let main: Record<'SIGINT' | 'SIGTERM' | 'attached' | 'policyStage', Signalled & ThenPost>
/** Signalled while the run is being started (no test reads their post steps). */
let starting: Record<'duringStart' | 'lateStartAnswer', Signalled>
/** Main steps that leave it to the post step, or leave it nothing to do. */
let post: Record<'afterKill' | 'afterNoWait', ThenPost>

// All of them mostly wait: they start together.
beforeAll(async () => {
  assertBundleExists()
  const posts = runAll({
    // The main step is killed outright (SIGKILL: no handler runs); the post step takes over.
    afterKill: () =>
      usingSimulator(LONG_RUN, async (sim) =>
        thenPost(await runAgainst(sim, {}, new Signaller(WAITING, 'SIGKILL').options))
      ),
    // wait: false finishes the main step with the run still going; it must stay going.
    afterNoWait: () =>
      usingSimulator(LONG_RUN, async (sim) => thenPost(await runAgainst(sim, { wait: 'false' })))
  })
  const mains = runAll({
    SIGINT: () => signalledThenPost({ scenario: LONG_RUN, signal: 'SIGINT' }),
    SIGTERM: () => signalledThenPost({ scenario: LONG_RUN, signal: 'SIGTERM' }),
    attached: () => signalledThenPost({ scenario: ACTIVE_RUN, signal: 'SIGINT' }),
    // Signalled while waiting for policy evaluations, after the run completed.
    policyStage: () =>
      signalledThenPost({
        scenario: { ...FAST, evaluation: { mode: 'never' } },
        signal: 'SIGTERM',
        inputs: { 'policy-evaluation': 'wait', 'evaluation-timeout': '60s' },
        marker: 'to be evaluated after the run completed'
      })
  })
  const starts = runAll({
    // Signalled while the POST that starts the run is still unanswered (the debug line marks it).
    duringStart: () =>
      signalled({
        scenario: {
          ...LONG_RUN,
          faults: [
            {
              match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
              kind: 'slow',
              delayMs: 1000
            }
          ]
        },
        signal: 'SIGINT',
        marker: '→ POST /syncs/aws-prod/runs',
        env: { RUNNER_DEBUG: '1' }
      }),
    // SIGTERM while the run is already created but the answer naming it comes 5 s later.
    lateStartAnswer: () =>
      signalled({
        scenario: {
          ...LONG_RUN,
          faults: [
            {
              match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
              kind: 'late-answer',
              delayMs: 5_000
            }
          ]
        },
        signal: 'SIGTERM',
        marker: '→ POST /syncs/aws-prod/runs',
        env: { RUNNER_DEBUG: '1' }
      })
  })
  ;[main, starting, post] = await Promise.all([mains, starts, posts])
}, 60_000)

describe('a signal while the action waits for a run it started', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: cancels the run, writes the summary and report, and exits non-zero in time',
    (signal) => {
      const { run, signaller } = main[signal]
      const { sim } = run
      const sentAt = signaller.sentAt as number
      expect(sentAt).toBeDefined()
      const started = runOf(sim, 'created')
      const patches = sim.requestsTo('PATCH', RUN)
      expect(patches.map((r) => [r.params.sync_run_id, r.body, r.status])).toEqual([
        [started.id, { status: 'cancelled' }, 200]
      ])
      // The signal cancelled it, while it was still going (else the PATCH would have had a 422).
      expect(patches[0].startedAt).toBeGreaterThanOrEqual(sentAt)
      expect(started.cancelledAt).not.toBeNull()
      // It exits by itself (not killed by the signal's default action, nor by the runner after
      // its grace period: see Signaller), and fails.
      expect(signaller.killed).toBe(false)
      expect({ exitCode: run.exitCode, signal: run.signal }).toEqual({ exitCode: 1, signal: null })
      expect(run.stdout).toContain(`Received ${signal}`)

      expect(run.summary).toContain('CloudQuery Platform: failed')
      expect(run.summary).toMatch(/The workflow was cancelled/)
      expect(run.summary).toContain('<code>cancelled</code>')
      expect(reportOf(run)).toMatchObject({
        result: 'fail',
        cancelled: true,
        reasons: expect.arrayContaining([expect.stringMatching(/workflow was cancelled/)]),
        sync: {
          run: { id: started.id, status: 'cancelled' },
          startedByAction: true,
          cancelledByAction: true
        },
        policies: null
      })
      expect(run.outputs).toMatchObject({ result: 'fail', 'sync-run-id': started.id })
      // The run is known to the post step, which finds it already ended and leaves it.
      expect(run.state).toMatchObject(postState(started.id, true))
      expect(run.state.finished).toBeUndefined()
      const { post, postFrom } = main[signal]
      expect(requestsSince(sim, postFrom)).toEqual([`GET ${RUN}`])
      expect(post.stdout).toContain(
        `run ${started.id} of sync "aws-prod" already ended (cancelled)`
      )
    }
  )

  it('never cancels a run it merely attached to', () => {
    const { run } = main.attached
    const attached = runOf(run.sim, 'active')
    expect(run.stdout).toMatch(/already has an active run .*following it/)
    expect(run.sim.requestsTo('PATCH', RUN)).toEqual([])
    expect(run.sim.runsStarted()).toBe(0)
    expect(attached.cancelledAt).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(reportOf(run)).toMatchObject({
      cancelled: true,
      sync: { run: { id: attached.id }, startedByAction: false, cancelledByAction: false }
    })
    expect(run.summary).toMatch(/The workflow was cancelled/)
  })

  it('cancels nothing when the run had already finished (signal in the policy stage)', () => {
    const { run } = main.policyStage
    expect(run.sim.requestsTo('PATCH', RUN)).toEqual([])
    expect(runOf(run.sim, 'created').status).toBe('completed')
    expect(run.exitCode).toBe(1)
    expect(reportOf(run)).toMatchObject({
      cancelled: true,
      result: 'fail',
      sync: { run: { status: 'completed' }, verdict: 'pass' }
    })
    expect(run.stdout).not.toMatch(/Could not cancel/)
  })
})

/** The post step left the run alone: it asked the Platform nothing, said why, and exited 0. */
function expectLeftAlone({ run, post: step, postFrom }: ThenPost, origin: 'created' | 'active') {
  expect(step.exitCode).toBe(0)
  expect(requestsSince(run.sim, postFrom)).toEqual([])
  expect(runOf(run.sim, origin).cancelledAt).toBeNull()
  expect(step.stdout).toMatch(/Post step: no run started by this action is left to clean up/)
}

describe('the post step (post-if: cancelled())', () => {
  it('cancels a run the action started that is still active (the main step was killed before it could)', () => {
    const { run, post: step, postFrom } = post.afterKill
    const started = runOf(run.sim, 'created')
    expect(run.signal).toBe('SIGKILL')
    expect(run.state).toMatchObject(postState(started.id, true))
    expect(step.exitCode).toBe(0)
    expect(requestsSince(run.sim, postFrom)).toEqual([`GET ${RUN}`, `PATCH ${RUN}`])
    expect(run.sim.requestsTo('PATCH', RUN).map((r) => r.body)).toEqual([{ status: 'cancelled' }])
    expect(started.cancelledAt).not.toBeNull()
    expect(step.stdout).toContain(`Post step: cancelled run ${started.id}`)
    // The post step writes no outputs, summary or report of its own.
    expect(step.summary).toBe('')
  })

  it('leaves the run alone when the main step attached to it', () => {
    const { run } = main.attached
    // Saved as not started by the action, and not finished: that alone keeps the post step off it.
    expect(run.state).toMatchObject(postState(runOf(run.sim, 'active').id, false))
    expect(run.state.finished).toBeUndefined()
    expectLeftAlone(main.attached, 'active')
  })

  it('leaves a run going that a finished main step left going (wait: false)', () => {
    const { run } = post.afterNoWait
    expect(run.exitCode).toBe(0)
    // Saved as started by the action: only `finished` keeps the post step off it.
    expect(run.state).toMatchObject(postState(runOf(run.sim, 'created').id, true, true))
    expectLeftAlone(post.afterNoWait, 'created')
  })

  it('does not cancel a started run that already ended (signalled in the policy stage)', () => {
    const { run, post: step, postFrom } = main.policyStage
    const started = runOf(run.sim, 'created')
    expect(run.state).toMatchObject(postState(started.id, true))
    expect(step.exitCode).toBe(0)
    expect(requestsSince(run.sim, postFrom)).toEqual([`GET ${RUN}`])
    expect(step.stdout).toContain(`run ${started.id} of sync "aws-prod" already ended (completed)`)
  })
})

describe('a signal while the request that starts the run is under way', () => {
  it('waits for the answer, then cancels the run it started', () => {
    const { run, signaller } = starting.duringStart
    const { sim } = run
    const started = runOf(sim, 'created')
    const patches = sim.requestsTo('PATCH', RUN)
    expect(patches.map((r) => [r.params.sync_run_id, r.body, r.status])).toEqual([
      [started.id, { status: 'cancelled' }, 200]
    ])
    // Signalled while the start request was unanswered: the cancel waited for its answer (which
    // named the run), and the action still left in time.
    const [start] = sim.requestsTo('POST', '/syncs/{sync_name}/runs')
    expect(start.startedAt).toBeLessThanOrEqual(signaller.sentAt as number)
    expect(patches[0].startedAt).toBeGreaterThanOrEqual(start.finishedAt as number)
    expect(signaller.killed).toBe(false)
    expect(run.exitCode).toBe(1)
  })

  it('SIGTERM, the run created but its answer 5 s late: saved for the post step and cancelled', () => {
    const { run, signaller } = starting.lateStartAnswer
    const started = runOf(run.sim, 'created')
    expect(signaller.killed).toBe(false)
    expect(run.state).toMatchObject(postState(started.id, true))
    expect(run.sim.requestsTo('PATCH', RUN).map((r) => [r.params.sync_run_id, r.status])).toEqual([
      [started.id, 200]
    ])
    expect(runOf(run.sim, 'created').cancelledAt).not.toBeNull()
  })
})
