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
  /** The post step the runner runs next (`post-if: cancelled()`), given the state saved. */
  post: BundleRun
  /** Where the post step's requests start in the simulator's log. */
  postFrom: number
}

/** Runs the action, signals it once `marker` is in its log, then runs the post step. */
function signalled(
  scenario: Scenario,
  signal: NodeJS.Signals,
  inputs: Record<string, string> = {},
  marker = WAITING,
  env: Record<string, string> = {}
): Promise<Signalled> {
  // A little after the marker, so the action is really waiting (asleep between two polls).
  const signaller = new Signaller(marker, signal, 300)
  return usingSimulator(scenario, async (sim) => {
    const run = await runAgainst(sim, inputs, { ...signaller.options, env })
    const postFrom = sim.requests.length
    const post = await runAgainst(sim, inputs, { state: run.state })
    return { run, signaller, post, postFrom }
  })
}

/** What a post step asked of the Platform (the main step's requests, before `from`, left out). */
function requestsSince(sim: Simulator, from = 0): string[] {
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

function runOf(sim: Simulator, origin: 'created' | 'active' | 'previous') {
  const run = sim.runs.find((r) => r.origin === origin)
  if (!run) throw new Error(`no ${origin} run:\n${requestLog(sim)}`)
  return run
}

let main: Record<
  'SIGINT' | 'SIGTERM' | 'attached' | 'policyStage' | 'duringStart' | 'lateStartAnswer',
  Signalled
>

let post: Record<
  'startedActive' | 'attached' | 'finished' | 'alreadyEnded' | 'afterKill' | 'afterNoWait',
  { run: BundleRun; runId: string; main?: BundleRun; from?: number }
>

// The post steps given a state by hand start with the main steps: all of them mostly wait.
beforeAll(async () => {
  assertBundleExists()
  const posts = runAll({
    // State as a main step leaves it when it was killed before it could act.
    startedActive: () =>
      usingSimulator(ACTIVE_RUN, async (sim) => {
        const runId = runOf(sim, 'active').id
        return { run: await runAgainst(sim, {}, { state: postState(runId, true) }), runId }
      }),
    attached: () =>
      usingSimulator(ACTIVE_RUN, async (sim) => {
        const runId = runOf(sim, 'active').id
        return { run: await runAgainst(sim, {}, { state: postState(runId, false) }), runId }
      }),
    finished: () =>
      usingSimulator(ACTIVE_RUN, async (sim) => {
        const runId = runOf(sim, 'active').id
        return { run: await runAgainst(sim, {}, { state: postState(runId, true, true) }), runId }
      }),
    alreadyEnded: () =>
      usingSimulator(FAST, async (sim) => {
        const runId = runOf(sim, 'previous').id
        return { run: await runAgainst(sim, {}, { state: postState(runId, true) }), runId }
      }),
    // The main step is killed outright (SIGKILL: no handler runs); the post step takes over.
    afterKill: () =>
      usingSimulator(LONG_RUN, async (sim) => {
        const main = await runAgainst(sim, {}, new Signaller(WAITING, 'SIGKILL').options)
        const from = sim.requests.length
        const run = await runAgainst(sim, {}, { state: main.state })
        return { main, run, from, runId: runOf(sim, 'created').id }
      }),
    // wait: false finishes the main step with the run still going; it must stay going.
    afterNoWait: () =>
      usingSimulator(LONG_RUN, async (sim) => {
        const main = await runAgainst(sim, { wait: 'false' })
        const from = sim.requests.length
        const run = await runAgainst(sim, {}, { state: main.state })
        return { main, run, from, runId: runOf(sim, 'created').id }
      })
  })
  const mains = runAll({
    SIGINT: () => signalled(LONG_RUN, 'SIGINT'),
    SIGTERM: () => signalled(LONG_RUN, 'SIGTERM'),
    attached: () => signalled(ACTIVE_RUN, 'SIGINT'),
    // Signalled while waiting for policy evaluations, after the run completed.
    policyStage: () =>
      signalled(
        { ...FAST, evaluation: { mode: 'never' } },
        'SIGTERM',
        { 'policy-evaluation': 'wait', 'evaluation-timeout': '60s' },
        'to be evaluated after the run completed'
      ),
    // Signalled while the POST that starts the run is still unanswered (the debug line marks it).
    duringStart: () =>
      signalled(
        {
          ...LONG_RUN,
          faults: [
            {
              match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
              kind: 'slow',
              delayMs: 1000
            }
          ]
        },
        'SIGINT',
        {},
        '→ POST /syncs/aws-prod/runs',
        { RUNNER_DEBUG: '1' }
      ),
    // SIGTERM while the run is already created but the answer naming it comes 5 s later.
    lateStartAnswer: () =>
      signalled(
        {
          ...LONG_RUN,
          faults: [
            {
              match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
              kind: 'late-answer',
              delayMs: 5_000
            }
          ]
        },
        'SIGTERM',
        {},
        '→ POST /syncs/aws-prod/runs',
        { RUNNER_DEBUG: '1' }
      )
  })
  ;[main, post] = await Promise.all([mains, posts])
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

  it('never cancels a run it merely attached to, nor does the post step', () => {
    const { run, postFrom } = main.attached
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
    expect(run.state).toMatchObject(postState(attached.id, false))
    expect(requestsSince(run.sim, postFrom)).toEqual([])
    expect(runOf(run.sim, 'active').cancelledAt).toBeNull()
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
    expect(requestsSince(run.sim, main.policyStage.postFrom)).toEqual([`GET ${RUN}`])
  })
})

describe('the post step (post-if: cancelled())', () => {
  it('cancels a run the action started that is still active', () => {
    const { run, runId } = post.startedActive
    expect(run.exitCode).toBe(0)
    expect(requestsSince(run.sim, 0)).toEqual([`GET ${RUN}`, `PATCH ${RUN}`])
    expect(run.sim.requestsTo('PATCH', RUN)[0].body).toEqual({ status: 'cancelled' })
    expect(runOf(run.sim, 'active').cancelledAt).not.toBeNull()
    expect(run.stdout).toContain(`Post step: cancelled run ${runId}`)
    // The post step writes no outputs, summary or report of its own.
    expect(run.summary).toBe('')
  })

  it.each(['attached', 'finished'] as const)(
    'leaves the run alone when the main step %s',
    (name) => {
      const { run } = post[name]
      expect(run.exitCode).toBe(0)
      expect(run.sim.requests).toEqual([])
      expect(runOf(run.sim, 'active').cancelledAt).toBeNull()
      expect(run.stdout).toMatch(/Post step: no run started by this action is left to clean up/)
    }
  )

  it('does not cancel a started run that already ended', () => {
    const { run, runId } = post.alreadyEnded
    expect(run.exitCode).toBe(0)
    expect(requestsSince(run.sim, 0)).toEqual([`GET ${RUN}`])
    expect(run.stdout).toContain(`run ${runId} of sync "aws-prod" already ended (completed)`)
  })

  it('cancels the run of a main step that was killed before it could', () => {
    const { main, run, runId, from } = post.afterKill
    expect(main?.signal).toBe('SIGKILL')
    expect(main?.state).toMatchObject(postState(runId, true))
    expect(requestsSince(run.sim, from)).toEqual([`GET ${RUN}`, `PATCH ${RUN}`])
    expect(runOf(run.sim, 'created').cancelledAt).not.toBeNull()
  })

  it('leaves a run going that a finished main step left going (wait: false)', () => {
    const { main, run, from } = post.afterNoWait
    expect(main?.exitCode).toBe(0)
    expect(main?.state).toMatchObject({ finished: 'true' })
    expect(requestsSince(run.sim, from)).toEqual([])
    expect(runOf(run.sim, 'created').cancelledAt).toBeNull()
  })
})

describe('a signal while the request that starts the run is under way', () => {
  it('waits for the answer, then cancels the run it started', () => {
    const { run, signaller } = main.duringStart
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
    const { run, signaller } = main.lateStartAnswer
    const started = runOf(run.sim, 'created')
    expect(signaller.killed).toBe(false)
    expect(run.state).toMatchObject(postState(started.id, true))
    expect(run.sim.requestsTo('PATCH', RUN).map((r) => [r.params.sync_run_id, r.status])).toEqual([
      [started.id, 200]
    ])
    expect(runOf(run.sim, 'created').cancelledAt).not.toBeNull()
  })
})
