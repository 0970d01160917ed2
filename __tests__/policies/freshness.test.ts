// The policy stage's freshness (policy-evaluation modes) and `gate-on: new`, against the simulator
// over real HTTP. A scenario's `activeRun` stands for the sync run the sync stage followed.

import { describe, expect, it } from '@jest/globals'
import { AUTO_PATIENCE_MS } from '../../src/policies/freshness.js'
import type { ActiveRunSpec, Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import { withSimulator } from '../helpers/platform.js'
import {
  activeRunCompletedAt,
  byName,
  DAY,
  policyConfig,
  POLICIES,
  runStage
} from '../helpers/policy-stage.js'

/** Completed 500 ms before the simulator started, ingested 100 ms later. */
const RECENT_RUN: ActiveRunSpec = {
  ageMs: 1_000,
  pendingMs: 0,
  startDelayMs: 0,
  durationMs: 500,
  ingestionDelayMs: 100
}

/** The Platform evaluates the policies about 600 ms after the simulator started. */
const EVALUATED_SOON: Scenario = {
  policies: POLICIES,
  activeRun: RECENT_RUN,
  evaluation: { delayAfterIngestMs: 1_000 }
}

/** The Platform evaluated the policies right after ingestion, before the stage started. */
const EVALUATED_ALREADY: Scenario = {
  policies: POLICIES,
  activeRun: RECENT_RUN,
  evaluation: { delayAfterIngestMs: 0 }
}

const NEVER_EVALUATED: Scenario = {
  policies: POLICIES,
  activeRun: RECENT_RUN,
  evaluation: { mode: 'never' }
}

const counts = (outcome: { policies: { name: string; violations?: number }[] }) =>
  Object.fromEntries(outcome.policies.map((p) => [p.name, p.violations]))

const BEFORE = {
  'S3 buckets without default encryption': 1,
  'Security groups open to 0.0.0.0/0 on port 22': 0,
  'IAM users without MFA': 4,
  'Unattached EBS volumes': 12,
  'EC2 instances without owner tag': 30
}
const AFTER = {
  'S3 buckets without default encryption': 3,
  'Security groups open to 0.0.0.0/0 on port 22': 0,
  'IAM users without MFA': 2,
  'Unattached EBS volumes': 12,
  'EC2 instances without owner tag': 27
}

describe('policy-evaluation: wait', () => {
  it('waits for evaluations after the run, re-reading only the freshest page', () =>
    withSimulator(EVALUATED_SOON, async (sim, client) => {
      const runCompletedAt = activeRunCompletedAt(sim)
      const outcome = await runStage(client, policyConfig({ evaluation: 'wait' }), {
        runCompletedAt
      })

      expect(outcome).toMatchObject({ mode: 'wait', freshAfter: runCompletedAt })
      expect(counts(outcome)).toEqual(AFTER)
      for (const p of outcome.policies) {
        expect(p).toMatchObject({ source: 'evaluation', stale: false })
        expect(Date.parse(p.evaluatedAt!)).toBeGreaterThan(Date.parse(runCompletedAt))
        // The first listing showed each policy's evaluation before the run: the previous count.
        expect(p.previousViolations).toBe(BEFORE[p.name as keyof typeof BEFORE])
      }
      expect(outcome.evaluationWaitMs).toBeGreaterThan(0)

      const [selection, ...polls] = sim.requestsTo('GET', '/policies')
      expect(selection.query).toMatchObject({ sort_by: ['created_at'], sort_dir: ['asc'] })
      expect(polls.length).toBeGreaterThan(0)
      for (const poll of polls) {
        expect(poll.query).toMatchObject({
          sort_by: ['last_run_at'],
          sort_dir: ['desc'],
          page: ['1']
        })
      }
      expect(sim.requestsTo('GET', '/policies/{policy_id}/violations-history')).toHaveLength(0)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
    }))

  it('reports policies never re-evaluated as stale, keeping their last counts', () =>
    withSimulator(NEVER_EVALUATED, async (sim, client, clock) => {
      const outcome = await runStage(
        client,
        policyConfig({ evaluation: 'wait', evaluationTimeoutMs: 60_000 }),
        { runCompletedAt: activeRunCompletedAt(sim) },
        clock
      )

      expect(counts(outcome)).toEqual(BEFORE)
      expect(outcome.policies.every((p) => p.stale && p.source === 'stale')).toBe(true)
      expect(outcome.policies.every((p) => p.previousViolations === undefined)).toBe(true)
      expect(outcome.violations).toEqual({ critical: 1, high: 4, medium: 12, low: 30 })
      expect(outcome.evaluationWaitMs).toBe(60_000)
      expect(outcome.gate.verdict).toBe('fail')
      expect(outcome.gate.reasons).toContain(
        '5 policies with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them'
      )
      // One request per look while nothing is fresh, at a rising interval.
      const polls = sim.requestsTo('GET', '/policies').length - 1
      expect(polls).toBe(clock.sleeps.length)
      expect(polls).toBeLessThanOrEqual(12)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
    }))
})

describe('policy-evaluation: the instant the run completed', () => {
  // docs/assumptions.md: a result is fresh when its run_at is *later* than the run's completed_at;
  // an evaluation at that very instant may have read the data from before the run, so it is the
  // last evaluation before the run, not a fresh one.
  const COMPLETED_AT = '2026-11-27T09:30:00.000Z'
  const AT_COMPLETION: Scenario = {
    policies: [
      { name: 'Evaluated as the run completed', severity: 'high', violationCount: 2 },
      {
        name: 'Evaluated a millisecond later',
        severity: 'high',
        violationCount: 3,
        runAt: '2026-11-27T09:30:00.001Z'
      }
    ].map((policy) => ({ runAt: COMPLETED_AT, ...policy })),
    evaluation: { mode: 'never' }
  }

  it('an evaluation at the run’s completion time is not fresh; one a millisecond later is', () =>
    withSimulator(AT_COMPLETION, async (_sim, client, clock) => {
      const outcome = await runStage(
        client,
        policyConfig({ evaluation: 'wait', evaluationTimeoutMs: 60_000 }),
        { runCompletedAt: COMPLETED_AT },
        clock
      )
      const policies = byName(outcome)
      expect(policies['Evaluated as the run completed']).toMatchObject({
        evaluatedAt: COMPLETED_AT,
        stale: true
      })
      expect(policies['Evaluated a millisecond later']).toMatchObject({
        source: 'evaluation',
        stale: false
      })
      // It waited for the one at the boundary to be re-evaluated, up to its timeout.
      expect(outcome.evaluationWaitMs).toBe(60_000)
    }))
})

describe('policy-evaluation: auto', () => {
  it('takes evaluations the Platform made while waiting', () =>
    withSimulator(EVALUATED_SOON, async (sim, client) => {
      const outcome = await runStage(client, policyConfig(), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      expect(outcome.mode).toBe('auto')
      expect(counts(outcome)).toEqual(AFTER)
      expect(outcome.policies.every((p) => p.source === 'evaluation')).toBe(true)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
    }))

  it('does not wait when every policy was already evaluated after the run', () =>
    withSimulator(EVALUATED_ALREADY, async (sim, client) => {
      const outcome = await runStage(client, policyConfig(), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      expect(counts(outcome)).toEqual(AFTER)
      expect(outcome.evaluationWaitMs).toBe(0)
      expect(sim.requestsTo('GET', '/policies')).toHaveLength(1)
    }))

  it('executes the saved queries when the Platform never re-evaluates', () =>
    withSimulator(NEVER_EVALUATED, async (sim, client, clock) => {
      const outcome = await runStage(
        client,
        policyConfig(),
        { runCompletedAt: activeRunCompletedAt(sim) },
        clock
      )

      expect(counts(outcome)).toEqual(AFTER)
      for (const p of outcome.policies) {
        expect(p).toMatchObject({ source: 'executed', stale: false })
        expect(p.evaluatedAt).toBe(new Date(clock.now()).toISOString())
        expect(p.previousViolations).toBe(BEFORE[p.name as keyof typeof BEFORE])
      }
      // It gave up waiting once nothing had changed for a while, long before evaluation-timeout.
      expect(outcome.evaluationWaitMs).toBeGreaterThanOrEqual(AUTO_PATIENCE_MS)
      expect(outcome.evaluationWaitMs).toBeLessThan(AUTO_PATIENCE_MS + 16_000)
      const executed = sim.requestsTo('POST', '/queries/{query_id}/execute')
      expect(executed).toHaveLength(5)
      expect(executed.every((r) => r.query.per_page?.[0] === '1')).toBe(true)
      expect(outcome.gate.reasons).toEqual([
        '3 critical violations; at most 0 allowed (max-critical-violations)',
        '2 high violations; at most 0 allowed (max-high-violations)'
      ])
    }))

  it('keeps a policy stale when its query cannot be executed', () =>
    withSimulator(
      { ...NEVER_EVALUATED, forbidden: ['/queries/{query_id}/execute'] },
      async (sim, client) => {
        const outcome = await runStage(client, policyConfig(), {
          runCompletedAt: activeRunCompletedAt(sim)
        })
        expect(counts(outcome)).toEqual(BEFORE)
        expect(outcome.policies.every((p) => p.stale)).toBe(true)
        expect(outcome.warnings).toEqual([
          expect.stringMatching(/^Could not execute the saved query of 5 policies: .*HTTP 403/)
        ])
        expect(outcome.gate.verdict).toBe('fail')
      }
    ))

  it('executes a policy that has never been evaluated instead of counting it as zero', () =>
    withSimulator(
      {
        ...NEVER_EVALUATED,
        policies: [
          {
            name: 'Brand new policy',
            severity: 'high',
            violationCount: null,
            runAt: null,
            countAfterSync: 6
          }
        ]
      },
      async (sim, client) => {
        const outcome = await runStage(client, policyConfig(), {
          runCompletedAt: activeRunCompletedAt(sim)
        })
        expect(outcome.policies[0]).toMatchObject({
          violations: 6,
          source: 'executed'
        })
        expect(outcome.violations.high).toBe(6)
        expect(outcome.warnings).toEqual([])
      }
    ))
})

describe('policy-evaluation: execute and latest', () => {
  it('execute runs every selected policy at once, without waiting', () =>
    withSimulator(EVALUATED_SOON, async (sim, client, clock) => {
      const outcome = await runStage(
        client,
        policyConfig({ evaluation: 'execute' }),
        { runCompletedAt: activeRunCompletedAt(sim) },
        clock
      )
      expect(outcome.mode).toBe('execute')
      expect(counts(outcome)).toEqual(AFTER)
      expect(outcome.policies.every((p) => p.source === 'executed')).toBe(true)
      expect(outcome.evaluationWaitMs).toBe(0)
      expect(clock.sleeps).toEqual([])
      expect(sim.requestsTo('GET', '/policies')).toHaveLength(1)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(5)
    }))

  it('latest takes the counts as they are, even with a run', () =>
    withSimulator(NEVER_EVALUATED, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ evaluation: 'latest' }), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      expect(outcome.mode).toBe('latest')
      expect(counts(outcome)).toEqual(BEFORE)
      expect(outcome.policies.every((p) => !p.stale)).toBe(true)
      expect(sim.requestsTo('GET', '/policies')).toHaveLength(1)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
    }))

  it('without a run, wait means latest and execute still executes', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const waited = await runStage(client, policyConfig({ evaluation: 'wait' }))
      expect(waited.mode).toBe('latest')
      expect(counts(waited)).toEqual(BEFORE)
      expect(waited.evaluationWaitMs).toBe(0)
      const lookups = sim.requestsTo('GET', '/policies/{policy_id}/violations-history').length

      const executed = await runStage(client, policyConfig({ evaluation: 'execute' }))
      expect(executed.mode).toBe('execute')
      expect(executed.freshAfter).toBeUndefined()
      expect(counts(executed)).toEqual(BEFORE)
      // The previous count of an execution is the Platform's latest evaluation, already listed.
      expect(executed.policies.every((p) => p.previousViolations === p.violations)).toBe(true)
      expect(sim.requestsTo('GET', '/policies/{policy_id}/violations-history')).toHaveLength(
        lookups
      )
    }))
})

describe('gate-on: new', () => {
  const now = Date.now()
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString()
  const HISTORY: Scenario['policies'] = [
    {
      name: 'S3 buckets without default encryption',
      severity: 'critical',
      history: [
        { run_at: at(2), violation_count: 5 },
        { run_at: at(1), violation_count: 8 }
      ],
      runAt: at(1),
      violationCount: 8,
      countAfterSync: 11
    },
    {
      name: 'IAM users without MFA',
      severity: 'high',
      history: [{ run_at: at(1), violation_count: 4 }],
      runAt: at(1),
      violationCount: 4,
      countAfterSync: 2
    },
    {
      name: 'Unattached EBS volumes',
      severity: 'medium',
      history: [],
      runAt: null,
      violationCount: null,
      countAfterSync: 2
    }
  ]

  it('shows the change from the last evaluation before the run, read from the history', () =>
    withSimulator(
      { policies: HISTORY, activeRun: RECENT_RUN, evaluation: { delayAfterIngestMs: 0 } },
      async (sim, client) => {
        const runCompletedAt = activeRunCompletedAt(sim)
        const outcome = await runStage(
          client,
          policyConfig({
            thresholds: { critical: 2, high: 0, medium: 1, low: 0, total: undefined }
          }),
          { runCompletedAt }
        )
        const p = byName(outcome)
        expect(p['S3 buckets without default encryption']).toMatchObject({
          violations: 11,
          previousViolations: 8
        })
        expect(p['IAM users without MFA']).toMatchObject({ violations: 2, previousViolations: 4 })
        // No evaluation before the run: no previous count.
        expect(p['Unattached EBS volumes'].previousViolations).toBeUndefined()
        // The count change is information only: the gate judges the current counts.
        expect(outcome.gate.reasons).toEqual([
          '11 critical violations; at most 2 allowed (max-critical-violations)',
          '2 high violations; at most 0 allowed (max-high-violations)',
          '2 medium violations; at most 1 allowed (max-medium-violations)'
        ])

        const lookups = sim.requestsTo('GET', '/policies/{policy_id}/violations-history')
        expect(lookups).toHaveLength(3)
        for (const lookup of lookups) {
          expect(lookup.query).toMatchObject({ end_time: [runCompletedAt], per_page: ['2'] })
        }
      }
    ))

  it('without a run, shows the change from the evaluation before the latest', () =>
    withSimulator({ policies: HISTORY }, async (_sim, client) => {
      const outcome = await runStage(client, policyConfig())
      const p = byName(outcome)
      expect(p['S3 buckets without default encryption']).toMatchObject({
        violations: 8,
        previousViolations: 5
      })
      expect(p['IAM users without MFA']).toMatchObject({ violations: 4 })
      expect(p['IAM users without MFA'].previousViolations).toBeUndefined()
    }))
})

describe('a count after the run that is not a count', () => {
  /** Evaluated about 600 ms after the simulator started, to -3: no re-evaluation will fix it. */
  const NEGATIVE: Scenario = {
    ...EVALUATED_SOON,
    policies: [
      ...POLICIES,
      {
        name: 'Negative after the run',
        severity: 'critical',
        violationCount: 2,
        countAfterSync: -3
      }
    ]
  }
  const evaluatedAt = (sim: Simulator): number =>
    sim.events.find((event) => event.type === 'policies-evaluated')!.at

  it.each(['auto', 'wait'] as const)(
    'is unknown at once under %s: no wait for another evaluation, no query executed',
    (evaluation) =>
      withSimulator(NEGATIVE, async (sim, client, clock) => {
        const outcome = await runStage(
          client,
          policyConfig({ evaluation }),
          { runCompletedAt: activeRunCompletedAt(sim) },
          clock
        )
        const negative = byName(outcome)['Negative after the run']
        expect(negative).toMatchObject({ source: 'evaluation', stale: false, invalidCount: '-3' })
        expect(negative.violations).toBeUndefined()
        // Done at the first look after the Platform's evaluation, not after evaluation-timeout.
        expect(clock.now() - evaluatedAt(sim)).toBeLessThan(5_000)
        expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
        expect(outcome.gate.verdict).toBe('fail')
        expect(outcome.gate.reasons).toContainEqual(
          expect.stringContaining(
            `"Negative after the run" (the Platform's count (-3) is not a count)`
          )
        )
        expect(outcome.warnings).toContainEqual(
          expect.stringContaining('which is not a count: its result is unknown, never 0')
        )
      })
  )

  it('has its query executed when the workflow asks for execution', () =>
    withSimulator(NEGATIVE, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ evaluation: 'execute' }), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(6)
      expect(outcome.warnings).toContainEqual(
        expect.stringMatching(/^Could not execute the saved query of 1 policy: "Negative after/)
      )
    }))
})

describe('policy-evaluation at scale', () => {
  it(
    'waits for 2,500 policies reading each page about once after evaluation',
    () =>
      withSimulator(
        {
          policies: null,
          policyGen: {
            count: 2_500,
            violating: 100,
            totalViolations: 2_000,
            afterSync: { violating: 120, totalViolations: 2_400 }
          },
          activeRun: RECENT_RUN,
          evaluation: { delayAfterIngestMs: 1_500 }
        },
        async (sim, client) => {
          const outcome = await runStage(client, policyConfig({ samples: 0 }), {
            runCompletedAt: activeRunCompletedAt(sim)
          })
          expect(outcome.policies.every((p) => p.source === 'evaluation')).toBe(true)
          expect(outcome.policies.reduce((sum, p) => sum + (p.violations ?? 0), 0)).toBe(2_400)

          const [, , , ...polls] = sim.requestsTo('GET', '/policies')
          // Every look before the evaluation reads one page; the one after reads all three.
          expect(polls.filter((r) => r.query.page?.[0] === '1').length).toBeGreaterThan(1)
          expect(polls.filter((r) => r.query.page?.[0] !== '1')).toHaveLength(2)
          expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
          // Previous counts came with the first listing: no history lookups.
          expect(sim.requestsTo('GET', '/policies/{policy_id}/violations-history')).toHaveLength(0)
          // One lookup of the tables per counted policy (critical and high; each its own query).
          const counted = outcome.policies.filter((p) => ['critical', 'high'].includes(p.severity))
          expect(sim.requestsTo('POST', '/queries/columns')).toHaveLength(counted.length)
          expect(client.requestCount).toBe(3 + polls.length + 1 + counted.length)
        }
      ),
    30_000
  )
})
