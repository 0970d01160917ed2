// The whole action in this process, to its normal end: the simulator over real HTTP, a virtual
// clock, the report kept by the publisher and the post step's state by the saver.

import { describe, expect, it } from '@jest/globals'
import type { ManagedOutcome } from '../../src/sync/outcome.js'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import { runActionOn } from '../helpers/run-action.js'

const RUN = { pendingMs: 2_000, startDelayMs: 3_000, durationMs: 45_000, ingestionDelayMs: 4_000 }
const CANCEL = 'PATCH /syncs/{sync_name}/runs/{sync_run_id}'
const POLICIES: PolicySpec[] = [
  { name: 'Public S3 buckets', severity: 'critical', violationCount: 0, countAfterSync: 0 },
  { name: 'Unattached EBS volumes', severity: 'medium', violationCount: 2, countAfterSync: 3 }
]

describe('a run that outlasts the timeout', () => {
  it('is cancelled (this action started it), reported timed out, and holds back the gate', async () => {
    const scenario: Scenario = { run: { ...RUN, durationMs: 600_000 }, policies: POLICIES }
    const run = await runActionOn(scenario, { 'sync-name': 'aws-prod', timeout: '2m' })
    const [report] = run.published
    const [sync] = report.syncs as ManagedOutcome[]
    expect(sync).toMatchObject({
      verdict: 'fail',
      timedOut: true,
      startedByAction: true,
      cancelledByAction: true,
      waitedMs: 120_000
    })
    expect(sync.view?.status).toBe('cancelled')
    expect(run.sim.requests.filter((r) => `${r.method} ${r.pathTemplate}` === CANCEL)).toHaveLength(
      1
    )
    expect(report.policies).toBeUndefined()
    expect(report.policiesSkipped).toBe(
      'the sync run failed, so the policy results would not reflect it'
    )
    expect(run.result.cancelled).toBe(false)
    expect(run.result.failures).toEqual([
      expect.stringMatching(/^CloudQuery Platform gate failed: Timed out after 2m waiting for run /)
    ])
    // The main step dealt with the run: the post step has nothing left to do.
    expect(run.saved.at(-1)).toMatchObject({ finished: true, runs: [{ startedByAction: true }] })
  })
})

describe('one sync of three failing', () => {
  const scenario: Scenario = {
    syncs: ['aws-prod', 'aws-dev', 'gcp-prod'],
    run: RUN,
    syncRuns: {
      'aws-dev': { durationMs: 90_000 },
      'gcp-prod': { finalStatus: 'failed', statusReason: 'error', errors: 3 }
    },
    evaluation: { delayAfterIngestMs: 2_000 },
    policies: POLICIES
  }

  it('follows and reports the others to their end, and gates on their data', async () => {
    const run = await runActionOn(scenario, { 'sync-name': 'aws-prod\naws-dev\ngcp-prod' })
    const [report] = run.published
    expect(run.published).toHaveLength(1)
    const syncs = report.syncs as ManagedOutcome[]
    expect(syncs.map((sync) => [sync.syncName, sync.verdict, sync.view?.status])).toEqual([
      ['aws-prod', 'pass', 'completed'],
      ['aws-dev', 'pass', 'completed'],
      ['gcp-prod', 'fail', 'failed']
    ])
    // The slowest sync was followed to its end although another had failed long before.
    expect(syncs[1].view?.phase).toBe('ended')
    expect(syncs[1].durationSeconds).toBe(95)
    // The gate ran, on results newer than the last run that completed.
    expect(report.policiesSkipped).toBeUndefined()
    expect(report.policies?.freshAfter).toBe(syncs[1].completedAt)
    expect(report.policies?.policies.every((policy) => !policy.stale)).toBe(true)
    expect(report.verdict.gate?.verdict).toBe('pass')
    // The step fails for the failed sync alone.
    expect(run.result.failures).toEqual([
      expect.stringMatching(
        /^CloudQuery Platform gate failed: Run .* of sync "gcp-prod" failed \(error\) with 3 errors\. See /
      )
    ])
    expect(run.sim.requests.filter((r) => r.method === 'PATCH')).toEqual([])
  })

  it('fails the step for a failed sync even with soft-fail, which softens breached thresholds only', async () => {
    const run = await runActionOn(scenario, {
      'sync-name': 'aws-prod\naws-dev\ngcp-prod',
      'soft-fail': 'true'
    })
    expect(run.result.failures).toEqual([
      expect.stringMatching(/^CloudQuery Platform gate failed: Run .* of sync "gcp-prod" failed/)
    ])
    expect(run.result.warnings).toEqual([])
    expect(run.published[0].verdict).toMatchObject({ result: 'fail', softened: false })
  })
})
