// Several managed syncs in one step, through the built action: each run started exactly once and
// all followed at once; a failing sync fails the step while the others are followed and reported;
// a timeout or a cancelled workflow cancels only the runs the action started.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  errorLines,
  FAST,
  FAST_RUN,
  reportOf,
  runAgainst,
  runAll,
  runBundle,
  Signaller,
  usingSimulator,
  type BundleRun
} from '../helpers/bundle.js'

const SYNCS = ['aws-prod', 'aws-dev', 'gcp-prod']
const SYNC_NAME = SYNCS.join('\n')
const CANCEL = 'PATCH /syncs/{sync_name}/runs/{sync_run_id}'
const POLICIES: PolicySpec[] = [
  { name: 'Public S3 buckets', severity: 'critical', violationCount: 0, countAfterSync: 0 },
  { name: 'Unattached EBS volumes', severity: 'medium', violationCount: 2, countAfterSync: 3 }
]
const base: Scenario = { ...FAST, syncs: SYNCS, policies: POLICIES }
/**
 * aws-dev already has a run going (followed, never cancelled), long enough to be still going
 * however slowly the action starts; gcp-prod's new run fails.
 */
const mixed: Scenario = {
  ...base,
  activeRun: { syncName: 'aws-dev', ...FAST_RUN, durationMs: 6_000 },
  syncRuns: { 'gcp-prod': { finalStatus: 'failed', statusReason: 'error', errors: 3 } }
}
const LONG = { ...FAST_RUN, durationMs: 120_000 }
const longMixed: Scenario = {
  ...base,
  run: LONG,
  activeRun: { syncName: 'aws-dev', ...LONG }
}

interface Signalled {
  run: BundleRun
  post: BundleRun
  postFrom: number
}

let runs: Record<'mixed' | 'timeout' | 'lostAnswers', BundleRun>
let signalled: Signalled
let duringStarts: { run: BundleRun; sentAt?: number }

beforeAll(async () => {
  assertBundleExists()
  const cancelled = signalledRun()
  const queued = signalledDuringStarts()
  runs = await runAll({
    mixed: () => runBundle(mixed, { 'sync-name': SYNC_NAME }),
    timeout: () => runBundle(longMixed, { 'sync-name': SYNC_NAME, timeout: '3s' }),
    // The answers to two of the three starts are lost after the runs were created.
    lostAnswers: () =>
      runBundle(
        {
          ...base,
          faults: [
            {
              match: { method: 'POST', path: '^/syncs/(aws-prod|gcp-prod)/runs$' },
              kind: 'reset-after-create',
              count: 2
            }
          ]
        },
        { 'sync-name': SYNC_NAME }
      )
  })
  signalled = await cancelled
  duringStarts = await queued
}, 60_000)

/** Six syncs, slow starts: SIGTERM while four are starting and two wait for a start slot. */
function signalledDuringStarts(): Promise<{ run: BundleRun; sentAt?: number }> {
  const names = ['s1', 's2', 's3', 's4', 's5', 's6']
  const signaller = new Signaller('→ POST /syncs/', 'SIGTERM', 300)
  const scenario: Scenario = {
    ...base,
    syncs: names,
    run: LONG,
    faults: [
      {
        match: { method: 'POST', path: '/syncs/{sync_name}/runs' },
        kind: 'slow',
        delayMs: 1_500,
        count: 'always'
      }
    ]
  }
  return usingSimulator(scenario, async (sim) => {
    const run = await runAgainst(sim, { 'sync-name': names.join('\n') }, signaller.options)
    return { run, sentAt: signaller.sentAt }
  })
}

/** SIGTERM while the three runs are followed, then the post step the runner runs next. */
function signalledRun(): Promise<Signalled> {
  const signaller = new Signaller('[gcp-prod] Waiting up to', 'SIGTERM', 500)
  return usingSimulator(longMixed, async (sim) => {
    const run = await runAgainst(sim, { 'sync-name': SYNC_NAME }, signaller.options)
    const postFrom = sim.requests.length
    const post = await runAgainst(sim, { 'sync-name': SYNC_NAME }, { state: run.state })
    return { run, post, postFrom }
  })
}

/** The syncs a run was started for. */
const posts = (sim: Simulator): string[] =>
  sim.requests
    .filter((r) => r.method === 'POST' && r.pathTemplate === '/syncs/{sync_name}/runs')
    .map((r) => r.path.split('/')[3])
const cancels = (sim: Simulator, from = 0): string[] =>
  sim.requests
    .slice(from)
    .filter((r) => `${r.method} ${r.pathTemplate}` === CANCEL)
    .map((r) => r.path.split('/')[3])
    .sort()

describe('several syncs in one step', () => {
  it('fails the step for the failing sync, and follows and reports all three', () => {
    const run = runs.mixed
    expect(run.exitCode).toBe(1)
    // Started: the two without an active run, each once; aws-dev's active run is followed.
    expect(posts(run.sim).sort()).toEqual(['aws-prod', 'gcp-prod'])
    expect(run.stdout).toMatch(/\[aws-dev\] Sync "aws-dev" already has an active run/)
    expect(errorLines(run.stdout).join('\n')).toMatch(/gcp-prod.*failed \(error\)/)
    const report = reportOf(run) as { syncs: { verdict: string; startedByAction: boolean }[] }
    expect(report.syncs.map((sync) => sync.verdict)).toEqual(['pass', 'pass', 'fail'])
    expect(report.syncs.map((sync) => sync.startedByAction)).toEqual([true, false, true])
    expect(run.outputs['sync-run-status']).toBe('failed')
    const syncRuns = JSON.parse(run.outputs['sync-runs']) as Record<string, { status: string }>
    expect(Object.keys(syncRuns)).toEqual(SYNCS)
    expect(syncRuns['aws-dev'].status).toBe('completed')
    for (const name of SYNCS) expect(run.summary).toContain(name)
  })

  it('runs the policy gate over the data of the syncs that completed', () => {
    const run = runs.mixed
    expect(run.sim.requestsTo('GET', '/policies').length).toBeGreaterThan(0)
    expect(reportOf(run)).toMatchObject({ policiesSkipped: null })
  })

  it('on timeout cancels the two runs it started and not the one it attached to', () => {
    const run = runs.timeout
    expect(run.exitCode).toBe(1)
    expect(cancels(run.sim)).toEqual(['aws-prod', 'gcp-prod'])
    expect(run.stdout).toMatch(/\[aws-dev\] Run [0-9a-f-]{36} was not started by this action/)
    // Nothing is complete while runs are still going: no policy is read.
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(0)
  })

  it('starts no duplicate when the answers to two starts are lost at once', () => {
    const run = runs.lostAnswers
    expect(run.exitCode).toBe(0)
    expect(posts(run.sim).sort()).toEqual(['aws-dev', 'aws-prod', 'gcp-prod'])
    expect(run.sim.runs.filter((r) => r.origin === 'created')).toHaveLength(3)
    for (const name of ['aws-prod', 'gcp-prod'])
      expect(run.stdout).toMatch(
        new RegExp(`\\[${name}\\] Run [0-9a-f-]{36} was created by the failed request`)
      )
    expect(run.sim.requests.filter((r) => r.fault === 'reset-after-create')).toHaveLength(2)
  })

  it('starts nothing once the workflow is cancelled, and cancels every start under way', () => {
    const { run, sentAt } = duringStarts
    expect(run.exitCode).toBe(1)
    const started = run.sim.requests.filter((r) => r.method === 'POST')
    expect(sentAt).toBeDefined()
    // Two syncs were waiting for a start slot: they never start.
    expect(started.length).toBeLessThanOrEqual(4)
    expect(started.every((r) => r.startedAt <= sentAt!)).toBe(true)
    // Each start under way answered after the signal, and its run was cancelled.
    expect(cancels(run.sim)).toEqual(started.map((r) => r.path.split('/')[3]).sort())
    expect(run.sim.runs.filter((r) => r.origin === 'created')).toHaveLength(started.length)
  })

  it('on a cancelled workflow cancels every run it started, and the post step has none left', () => {
    const { run, post, postFrom } = signalled
    expect(run.exitCode).toBe(1)
    expect(cancels(run.sim)).toEqual(['aws-prod', 'gcp-prod'])
    const saved = JSON.parse(run.state['sync-runs']) as { startedByAction: boolean }[]
    expect(saved.map((entry) => entry.startedByAction).sort()).toEqual([false, true, true])
    expect(post.exitCode).toBe(0)
    expect(cancels(post.sim, postFrom)).toEqual([])
  })
})
