// The violating resources the per-resource gate needs, read from the simulator over real HTTP in
// virtual time: only for the policies that need them, 1,000 a page; and a swap (one resource fixed,
// another new, the same count) judged against a baseline taken before the sync.

import { describe, expect, it } from '@jest/globals'
import type { BaselineFile, ExceptionEntry, PolicyConfig } from '../../src/inputs/config.js'
import type { PolicyOutcome, PolicyResult } from '../../src/policies/outcome.js'
import { keepsDetail, needsResources } from '../../src/policies/resources.js'
import type { ActiveRunSpec, PolicySpec, Scenario } from '../../simulator/scenario.js'
import { withSimulator } from '../helpers/platform.js'
import { activeRunCompletedAt, byName, policyConfig, runStage } from '../helpers/policy-stage.js'

const RUN: ActiveRunSpec = {
  ageMs: 1_000,
  pendingMs: 0,
  startDelayMs: 0,
  durationMs: 500,
  ingestionDelayMs: 100
}

const POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    violationCount: 3,
    countAfterSync: 3,
    swapAfterSync: 1
  },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 2, countAfterSync: 2 },
  {
    name: 'Unattached EBS volumes',
    severity: 'medium',
    violationCount: 1500,
    countAfterSync: 1500
  },
  { name: 'EC2 instances without owner tag', severity: 'low', violationCount: 30 }
]

/** Evaluated about 600 ms after the start: a stage at the start sees the state before the sync. */
const SWAP: Scenario = {
  policies: POLICIES,
  activeRun: RUN,
  evaluation: { delayAfterIngestMs: 1_000 }
}
const VIOLATIONS = '/policies/{policy_id}/violations'
const THRESHOLDS = { critical: 0, high: 0, medium: 2000, low: undefined, total: undefined }

function baselineOf(outcome: PolicyOutcome): BaselineFile {
  const read = outcome.policies.filter((p) => p.resources !== undefined)
  return {
    path: 'baseline.json',
    createdAt: '2026-11-27T00:00:00Z',
    policies: new Map(read.map((p) => [p.id, new Set(p.resources!.map((r) => r.platformId!))]))
  }
}

describe('violating resources', () => {
  it('are read for every selected policy with baseline-write, 1,000 a page, with what exceptions match on', () =>
    withSimulator(SWAP, async (sim, client) => {
      const outcome = await runStage(
        client,
        policyConfig({
          evaluation: 'latest',
          thresholds: THRESHOLDS,
          recordBaseline: true,
          samples: 1
        })
      )
      const p = byName(outcome)
      expect(p['Unattached EBS volumes'].resources).toHaveLength(1500)
      expect(p['S3 buckets without default encryption'].resources).toHaveLength(3)
      // No threshold counts low, but a later gate may: a baseline holds every selected policy.
      expect(p['EC2 instances without owner tag'].resources).toHaveLength(30)
      expect(outcome.baselineSelection).toEqual({
        groups: [],
        policies: [],
        severities: [],
        domains: []
      })
      // Every sample comes from the resources read: no other request.
      const pages = sim.requestsTo('GET', VIOLATIONS)
      expect(pages.map((r) => r.query.per_page?.[0])).toEqual([
        '1000',
        '1000',
        '1000',
        '1000',
        '1000'
      ])
      expect(pages.map((r) => r.query.page?.[0]).sort()).toEqual(['1', '1', '1', '1', '2'])
      expect(p['IAM users without MFA'].resources?.[0]).toEqual({
        platformId: expect.stringMatching(/^aws_iam_users_/),
        name: expect.any(String),
        accountId: expect.any(String),
        accountName: expect.any(String),
        region: expect.any(String),
        tags: expect.any(Array),
        cloud: 'aws',
        resourceType: 'IAM User'
      })
      // Beyond the samples, with no baseline to find new ones and no exception naming the policy,
      // the id is all any later step reads: the rest is not kept.
      expect(p['IAM users without MFA'].resources?.[1]).toEqual({
        platformId: expect.stringMatching(/^aws_iam_users_/),
        name: '',
        accountName: '',
        region: '',
        tags: []
      })
    }))

  it('keep what exceptions match on and what new resources show, and only the id otherwise', () => {
    const policy = { id: 'p1', name: 'Policy one' } as PolicyResult
    const baseline: BaselineFile = {
      path: 'baseline.json',
      createdAt: '2026-11-27T00:00:00Z',
      policies: new Map([['p1', new Set(['known'])]])
    }
    const config = policyConfig({ samples: 2, baseline })
    const keeps = keepsDetail(policy, config)
    expect([keeps('known', 0), keeps('known', 1), keeps('known', 2), keeps('new', 2)]).toEqual([
      true,
      true,
      false,
      true
    ])
    // Not in the baseline at all: every resource is new.
    expect(keepsDetail({ ...policy, id: 'p2' }, config)('any', 5)).toBe(true)
    expect(keepsDetail(policy, policyConfig({ samples: 0 }))('known', 0)).toBe(false)
    const named = policyConfig({
      samples: 0,
      exceptions: { path: 'x.yml', entries: [{ policy: 'Policy one' } as ExceptionEntry] }
    })
    expect(keepsDetail(policy, named)('known', 9)).toBe(true)
  })

  it('are needed exactly where they can change the verdict or a baseline written', () => {
    const of = (severity: string, fields: Partial<PolicyResult> = {}) =>
      ({ id: 'p1', name: 'Policy one', severity, violations: 2, ...fields }) as PolicyResult
    const baseline: BaselineFile = {
      path: 'baseline.json',
      createdAt: '2026-11-27T00:00:00Z',
      policies: new Map()
    }
    const exceptions = (...policies: string[]) => ({
      path: 'x.yml',
      entries: policies.map((policy) => ({ policy }) as ExceptionEntry)
    })
    const scope = { resources: [], accounts: ['staging'], regions: [], tags: [] }
    const cases: [string, PolicyResult, Partial<PolicyConfig>, boolean][] = [
      ['nothing per resource', of('critical'), {}, false],
      ['an exception by name', of('low'), { exceptions: exceptions('Policy one') }, true],
      ['an exception by id', of('low'), { exceptions: exceptions('p1') }, true],
      ['one exception of several', of('low'), { exceptions: exceptions('p9', 'p1') }, true],
      ['an exception for another policy', of('critical'), { exceptions: exceptions('p9') }, false],
      ['a baseline, counted', of('critical'), { baseline }, true],
      ['a baseline, not counted', of('low'), { baseline }, false],
      ['a scope, counted', of('high'), { scope }, true],
      ['a scope, not counted', of('low'), { scope }, false],
      ['baseline-write, not counted', of('low'), { recordBaseline: true }, true],
      ['a stale result', of('critical', { stale: true }), { baseline }, false],
      ['no count', of('critical', { violations: undefined }), { recordBaseline: true }, false]
    ]
    for (const [what, policy, config, needed] of cases) {
      expect([what, needsResources(policy, policyConfig(config))]).toEqual([what, needed])
    }
  })

  it('compared with a baseline, are read only for the policies a threshold counts, and give their samples', () =>
    withSimulator(SWAP, async (sim, client) => {
      const baseline = { path: 'b.json', createdAt: '2026-11-27T00:00:00Z', policies: new Map() }
      const outcome = await runStage(
        client,
        policyConfig({ evaluation: 'latest', thresholds: THRESHOLDS, baseline })
      )
      const p = byName(outcome)
      // No threshold for low, and no exception names it: its resources could change nothing.
      expect(p['EC2 instances without owner tag'].resources).toBeUndefined()
      expect(outcome.baselineSelection).toBeUndefined()
      expect(p['IAM users without MFA'].samples).toHaveLength(2)
      expect(p['EC2 instances without owner tag'].samples).toHaveLength(5)
      // Four resource pages, and a sample request only for the policy not read (low).
      expect(
        sim
          .requestsTo('GET', VIOLATIONS)
          .map((r) => r.query.per_page?.[0])
          .sort()
      ).toEqual(['1000', '1000', '1000', '1000', '5'])
    }))

  it('replace the lookups of the previous evaluation when compared with a baseline', () =>
    withSimulator(SWAP, async (sim, client) => {
      const config = policyConfig({ evaluation: 'latest', thresholds: THRESHOLDS, samples: 0 })
      const HISTORY = '/policies/{policy_id}/violations-history'
      const before = await runStage(client, { ...config, recordBaseline: true })
      // Without a baseline, the change column looks up the most severe violating policies.
      expect(sim.requestsTo('GET', HISTORY).length).toBeGreaterThan(0)
      const looked = sim.requestsTo('GET', HISTORY).length
      const after = await runStage(client, {
        ...config,
        gateOn: 'new',
        baseline: baselineOf(before)
      })
      // With one, each policy shows its new resources beside the count instead: no lookup.
      expect(sim.requestsTo('GET', HISTORY)).toHaveLength(looked)
      expect(after.policies.every((p) => p.previousViolations === undefined)).toBe(true)
      const critical = byName(after)['S3 buckets without default encryption']
      expect(after.resources?.policies[critical.id]).toMatchObject({ compared: true, new: 0 })
    }))

  it('are not read at all without a baseline, exceptions or baseline-write', () =>
    withSimulator(SWAP, async (sim, client) => {
      await runStage(client, policyConfig({ evaluation: 'latest', samples: 0 }))
      expect(sim.requestsTo('GET', VIOLATIONS)).toHaveLength(0)
    }))

  it('keep their ids across evaluations; a swap fails a new-only gate at max-critical-violations: 0', () =>
    withSimulator(SWAP, async (_sim, client) => {
      const config = policyConfig({ thresholds: THRESHOLDS, samples: 0 })
      const before = await runStage(client, {
        ...config,
        evaluation: 'latest',
        recordBaseline: true
      })
      const baseline = baselineOf(before)
      const after = await runStage(
        client,
        { ...config, gateOn: 'new', baseline },
        { runCompletedAt: activeRunCompletedAt(_sim) }
      )
      const critical = byName(after)['S3 buckets without default encryption']
      // The count did not change: only the per-resource comparison sees the swap.
      expect(critical.violations).toBe(3)
      expect(after.resources?.policies[critical.id]).toMatchObject({
        new: 1,
        fixed: 1,
        unchanged: 2
      })
      expect(after.resources?.policies[byName(after)['IAM users without MFA'].id]).toMatchObject({
        new: 0,
        fixed: 0,
        unchanged: 2
      })
      expect(after.gate.reasons).toEqual([
        '1 new critical violation; at most 0 allowed (max-critical-violations)'
      ])
      // A re-run against the same baseline and the same Platform state: the same verdict.
      const again = await runStage(
        client,
        { ...config, gateOn: 'new', baseline },
        { runCompletedAt: activeRunCompletedAt(_sim) }
      )
      expect(again.gate).toEqual(after.gate)
      expect(again.resources).toEqual(after.resources)
    }))
})
