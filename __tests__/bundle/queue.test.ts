// `if-running: queue` through the built bundle: another pull request's run of the shared staging
// sync is going when the gate starts. Attached to, that run fails the gate on the other pull
// request's bucket; queued behind, the action waits for it to end, starts exactly one run of its
// own and judges only data evaluated after that run. A signal during the queue wait cancels
// nothing it did not start (and leaves the post step nothing), and a timeout during it fails
// naming the run it waited for. Both answers the spec leaves open to a start while a run is
// active (a second run, a 422) are played.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import type { RunSnapshot, Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  reportOf,
  requestLog,
  runAgainst,
  runAll,
  runBundle,
  Signaller,
  usingSimulator,
  type BundleRun
} from '../helpers/bundle.js'

const RUN = '/syncs/{sync_name}/runs/{sync_run_id}'
const START = '/syncs/{sync_name}/runs'
const WAITING = 'waiting for it to end'
/** How long the other pull request's run goes on: longer than the action takes to start. */
const OTHERS_RUN_MS = 6_000

const POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    violationCount: 0,
    // The data of the other pull request's run holds its unencrypted bucket; by this gate's own
    // run, that deploy is gone and this pull request added none.
    countsAfterSyncs: [1, 0]
  },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 0 }
]

/** The other pull request's run: still going when the gate starts, even on a busy machine. */
const busy = (durationMs: number, whileActive: Scenario['whileActive'] = 'create'): Scenario => ({
  ...FAST,
  policies: POLICIES,
  whileActive,
  activeRun: { ...FAST_RUN, durationMs }
})

function runOf(sim: Simulator, origin: RunSnapshot['origin']): RunSnapshot {
  const run = sim.runs.find((r) => r.origin === origin)
  if (!run) throw new Error(`no ${origin} run:\n${requestLog(sim)}`)
  return run
}

interface Signalled {
  run: BundleRun
  post: BundleRun
  postFrom: number
}

let runs: Record<'create' | 'reject' | 'attach' | 'timeout', BundleRun>
let signalled: Signalled

/** SIGINT well into the queue wait, then the post step the runner runs next. */
function signalDuringQueue(inputs: Record<string, string>): Promise<Signalled> {
  return usingSimulator(busy(60_000), async (sim) => {
    const signaller = new Signaller(WAITING, 'SIGINT', 300)
    const run = await runAgainst(sim, inputs, signaller.options)
    const postFrom = sim.requests.length
    const post = await runAgainst(sim, inputs, { state: run.state })
    return { run, post, postFrom }
  })
}

beforeAll(async () => {
  assertBundleExists()
  const queue = { 'if-running': 'queue' }
  ;[runs, signalled] = await Promise.all([
    runAll({
      create: () => runBundle(busy(OTHERS_RUN_MS, 'create'), queue),
      reject: () => runBundle(busy(OTHERS_RUN_MS, 'reject'), queue),
      attach: () => runBundle(busy(OTHERS_RUN_MS), { 'if-running': 'attach' }),
      timeout: () => runBundle(busy(60_000), { ...queue, timeout: '3s' })
    }),
    signalDuringQueue(queue)
  ])
}, 60_000)

describe('if-running: queue', () => {
  it("attach, for contrast: judges the other pull request's run, and fails on its bucket", () => {
    const run = runs.attach
    expect(run.sim.runsStarted()).toBe(0)
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'critical-violations': '1' })
    expect(reportOf(run)).toMatchObject({ sync: { run: { id: runOf(run.sim, 'active').id } } })
  })

  it.each(['create', 'reject'] as const)(
    'waits for the active run, starts exactly one of its own, and judges only data evaluated after it (a POST while active: %s)',
    (answer) => {
      const run = runs[answer]
      const { sim } = run
      const active = runOf(sim, 'active')
      const own = runOf(sim, 'created')
      expect(sim.runsStarted()).toBe(1)
      expect(sim.requestsTo('POST', START).map((r) => r.status)).toEqual([201])
      expect(own.createdAt).toBeGreaterThanOrEqual(active.terminalAt)
      expect(sim.requestsTo('PATCH', RUN)).toEqual([])
      expect(active.cancelledAt).toBeNull()
      expect(run.stdout).toContain(`already has an active run ${active.id}`)
      expect(run.stdout).toContain(`Run ${active.id} ended (status "completed")`)

      // The other run was evaluated before this one completed: a result fresh for it is stale here.
      expect(active.evaluatedAt).toBeLessThan(own.terminalAt)
      const report = reportOf(run) as {
        sync: { run: { id: string }; queuedBehind: string[]; startedByAction: boolean }
        policies: { freshAfter: string }
      }
      expect(report.sync).toMatchObject({
        run: { id: own.id },
        startedByAction: true,
        queuedBehind: [active.id]
      })
      expect(report.policies.freshAfter).toBe(new Date(own.terminalAt).toISOString())
      expect(run.exitCode).toBe(0)
      expect(run.outputs).toMatchObject({
        result: 'pass',
        'critical-violations': '0',
        'sync-run-id': own.id
      })
      expect(run.summary).toContain(`⏸️ Started once run <code>${active.id}</code> had ended`)
    }
  )

  it('a signal during the queue wait cancels nothing it did not start, and leaves the post step nothing', () => {
    const { run, post, postFrom } = signalled
    const active = runOf(run.sim, 'active')
    expect(run.sim.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(active.cancelledAt).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Received SIGINT')
    expect(run.summary).toContain(
      `The workflow was cancelled while this action waited for run ${active.id}`
    )
    expect(reportOf(run)).toMatchObject({
      cancelled: true,
      sync: { run: null, startedByAction: false, queuedBehind: [active.id] }
    })
    expect(run.state['sync-runs'] ?? '[]').toBe('[]')
    expect(run.sim.requests.slice(postFrom)).toEqual([])
    expect(post.stdout).toMatch(/Post step: no run started by this action is left to clean up/)
    expect(runOf(post.sim, 'active').cancelledAt).toBeNull()
  })

  it('a timeout during the queue wait fails clearly, naming the run it waited for', () => {
    const run = runs.timeout
    const active = runOf(run.sim, 'active')
    expect(run.sim.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(run.exitCode).toBe(1)
    const reason = `waiting for run ${active.id} of sync "aws-prod" (status "started") to end before starting one of this action's own (if-running: queue). That run is not this action's, so it was left running; no run was started.`
    expect(run.stdout).toContain(reason)
    expect(reportOf(run)).toMatchObject({
      result: 'fail',
      reasons: [expect.stringMatching(/^Timed out after [\d.]+s waiting for run /)],
      sync: { run: null, timedOut: true, queuedBehind: [active.id] },
      policiesSkipped: expect.stringContaining('another run of the sync was still going')
    })
    expect(run.outputs).toMatchObject({ result: 'fail', 'sync-run-id': '' })
  })
})
