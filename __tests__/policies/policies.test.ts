// The policy stage's selection, counting, gate and reporting data, against the simulator over real
// HTTP, in policies-only mode (no run, so the latest evaluations are taken as they are).

import { describe, expect, it } from '@jest/globals'
import { InputError, type Thresholds } from '../../src/inputs/config.js'
import type { KnownSeverity } from '../../src/lib/severity.js'
import { DETAILED_POLICIES } from '../../src/policies/stage.js'
import { TEST_KEY, withSimulator } from '../helpers/platform.js'
import { byName, DAY, policyConfig, POLICIES, runStage } from '../helpers/policy-stage.js'

const NO_LIMITS: Thresholds = {
  critical: undefined,
  high: undefined,
  medium: undefined,
  low: undefined,
  total: undefined
}

describe('policy stage: selection and counts', () => {
  it('counts the active policies by severity, most severe and most violating first', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig())

      expect(outcome.mode).toBe('latest')
      expect(outcome.freshAfter).toBeUndefined()
      expect(outcome.policies.map((p) => [p.severity, p.name, p.violations])).toEqual([
        ['critical', 'S3 buckets without default encryption', 1],
        ['critical', 'Security groups open to 0.0.0.0/0 on port 22', 0],
        ['high', 'IAM users without MFA', 4],
        ['medium', 'Unattached EBS volumes', 12],
        ['low', 'EC2 instances without owner tag', 30]
      ])
      expect(outcome.violations).toEqual({ critical: 1, high: 4, medium: 12, low: 30 })
      expect(outcome.unknownSeverityViolations).toBe(0)
      expect(outcome.policies.every((p) => p.source === 'evaluation' && !p.stale)).toBe(true)
      expect(byName(outcome)['EC2 instances without owner tag'].groups).toEqual([
        'Operational excellence',
        'Cost hygiene'
      ])
      expect(outcome.gate.verdict).toBe('fail')
      expect(outcome.gate.reasons).toEqual([
        '1 critical violation; at most 0 allowed (max-critical-violations)',
        '4 high violations; at most 0 allowed (max-high-violations)'
      ])
      expect(outcome.warnings).toEqual([])

      const [listing] = sim.requestsTo('GET', '/policies')
      expect(listing.query).toMatchObject({ status: ['active'], per_page: ['1000'], page: ['1'] })
      expect(sim.requestsTo('GET', '/policies')).toHaveLength(1)
      expect(sim.requestsTo('POST', '/queries/{query_id}/execute')).toHaveLength(0)
    }))

  it('hides the key in a policy name before anything quotes it cut to a line', () =>
    withSimulator(
      { policies: [{ ...POLICIES[0], name: `${'x'.repeat(75)}${TEST_KEY}` }] },
      async (_sim, client) => {
        const outcome = await runStage(client, policyConfig())
        // The verdict and the warnings quote names cut at 80: the key would be split there.
        expect(outcome.policies.map((p) => p.name)).toEqual([`${'x'.repeat(75)}***`])
      }
    ))

  it('fetches samples for violating policies only, as many as asked', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ samples: 3 }))

      expect(outcome.policies.map((p) => p.samples.length)).toEqual([1, 0, 3, 3, 3])
      const sampled = sim.requestsTo('GET', '/policies/{policy_id}/violations')
      expect(sampled).toHaveLength(4)
      expect(sampled.every((r) => r.query.per_page?.[0] === '3')).toBe(true)
      expect(outcome.policies[0].samples[0]).toMatchObject({
        resource_type_label: 'S3 Bucket',
        cloud: 'aws'
      })
    }))

  it('fetches no samples when violation-samples is 0', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      await runStage(client, policyConfig({ samples: 0 }))
      expect(sim.requestsTo('GET', '/policies/{policy_id}/violations')).toHaveLength(0)
    }))

  it('reads a 7-day trend with the same filters', () =>
    withSimulator({ policies: POLICIES }, async (sim, client, clock) => {
      const outcome = await runStage(client, policyConfig({ severities: ['critical', 'high'] }))

      const day = (ago: number) => new Date(clock.now() - ago * DAY).toISOString().slice(0, 10)
      expect(outcome.trend.map((point) => point.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map(day))
      expect(outcome.trend[6].violations).toBe(5)
      const [request] = sim.requestsTo('GET', '/policies/violations-history')
      expect(request.query).toMatchObject({
        start_date: [day(6)],
        end_date: [day(0)],
        severities: ['critical', 'high']
      })
      expect(outcome.trendNote).toBeUndefined()
    }))

  it('reports an unavailable trend as a warning and carries on', () =>
    withSimulator(
      { policies: POLICIES, forbidden: ['/policies/violations-history'] },
      async (_sim, client) => {
        const outcome = await runStage(client, policyConfig())
        expect(outcome.trend).toEqual([])
        expect(outcome.warnings).toEqual([
          expect.stringMatching(/^The 7-day violation trend is unavailable: .*HTTP 403/)
        ])
        expect(outcome.gate.verdict).toBe('fail')
      }
    ))

  it('reports samples it could not read as a warning and carries on', () =>
    withSimulator(
      { policies: POLICIES, forbidden: ['/policies/{policy_id}/violations'] },
      async (_sim, client) => {
        const outcome = await runStage(client, policyConfig())
        expect(outcome.warnings).toEqual([
          expect.stringMatching(/^Could not read sample violations of 4 policies: "S3 buckets/)
        ])
        expect(outcome.violations.low).toBe(30)
      }
    ))
})

describe('policy stage: thresholds', () => {
  const counts: Record<KnownSeverity, number> = { critical: 1, high: 4, medium: 12, low: 30 }

  it.each(Object.keys(counts) as KnownSeverity[])(
    'max-%s-violations fails above the count and passes at it',
    (severity) =>
      withSimulator({ policies: POLICIES }, async (_sim, client) => {
        const at = (allowed: number) =>
          runStage(client, policyConfig({ thresholds: { ...NO_LIMITS, [severity]: allowed } }))

        const over = await at(counts[severity] - 1)
        expect(over.gate.verdict).toBe('fail')
        expect(over.gate.reasons).toEqual([expect.stringContaining(`(max-${severity}-violations)`)])
        expect(over.gate.rows.find((row) => row.key === severity)).toMatchObject({
          violations: counts[severity],
          counted: counts[severity],
          allowed: counts[severity] - 1,
          status: 'breached'
        })
        expect((await at(counts[severity])).gate).toMatchObject({ verdict: 'pass', reasons: [] })
      })
  )

  it('max-violations limits the total over every severity', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      const at = (total: number) =>
        runStage(client, policyConfig({ thresholds: { ...NO_LIMITS, total } }))
      expect((await at(46)).gate.reasons).toEqual([
        '47 violations in all; at most 46 allowed (max-violations)'
      ])
      expect((await at(47)).gate.verdict).toBe('pass')
    }))

  it('passes with no limits at all', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      const outcome = await runStage(client, policyConfig({ thresholds: NO_LIMITS }))
      expect(outcome.gate).toMatchObject({ verdict: 'pass', reasons: [] })
    }))
})

describe('policy stage: filters', () => {
  const names = (outcome: { policies: { name: string }[] }) => outcome.policies.map((p) => p.name)

  it('selects by group name, case-insensitively, through the API filter', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ groups: ['cis aws FOUNDATIONS'] }))

      expect(names(outcome)).toEqual([
        'S3 buckets without default encryption',
        'Security groups open to 0.0.0.0/0 on port 22',
        'IAM users without MFA'
      ])
      expect(outcome.groups.map((g) => g.name)).toEqual(['CIS AWS Foundations'])
      expect(sim.requestsTo('GET', '/policies')[0].query.policy_group_ids).toEqual([
        outcome.groups[0].id
      ])
      expect(sim.requestsTo('GET', '/policy-groups')).toHaveLength(1)
    }))

  it('selects by group id, and by several groups', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const { items } = await client.listPolicyGroups()
      const costId = items.find((g) => g.name === 'Cost hygiene')!.id
      const byId = await runStage(client, policyConfig({ groups: [costId.toUpperCase()] }))
      expect(names(byId)).toEqual(['Unattached EBS volumes', 'EC2 instances without owner tag'])

      const both = await runStage(
        client,
        policyConfig({ groups: [costId, 'Operational excellence'] })
      )
      expect(names(both)).toEqual(names(byId))
      expect(both.groups.map((g) => g.name).sort()).toEqual([
        'Cost hygiene',
        'Operational excellence'
      ])
      expect(sim.requestsTo('GET', '/policies').at(-1)!.query.policy_group_ids).toHaveLength(2)
    }))

  it('selects policies by name (case-insensitively) and by id', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      const { items } = await client.listPolicies({}, 1, 100)
      const ebs = items.find((p) => p.name === 'Unattached EBS volumes')!
      const outcome = await runStage(
        client,
        policyConfig({ policies: ['iam users WITHOUT mfa', ebs.id] })
      )
      expect(names(outcome)).toEqual(['IAM users without MFA', 'Unattached EBS volumes'])
      expect(outcome.violations).toEqual({ critical: 0, high: 4, medium: 12, low: 0 })
      expect(outcome.trendNote).toMatch(/cannot narrow it to the policies named/)
    }))

  it('selects by severity through the API filter', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ severities: ['medium', 'low'] }))
      expect(names(outcome)).toEqual(['Unattached EBS volumes', 'EC2 instances without owner tag'])
      expect(sim.requestsTo('GET', '/policies')[0].query.severities).toEqual(['medium', 'low'])
    }))

  it('selects one domain through the API filter', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ domains: ['security'] }))
      expect(outcome.policies.every((p) => p.domain === 'security')).toBe(true)
      expect(outcome.policies).toHaveLength(3)
      expect(sim.requestsTo('GET', '/policies')[0].query.domain).toEqual(['security'])
      expect(sim.requestsTo('GET', '/policies/violations-history')[0].query.domain).toEqual([
        'security'
      ])
    }))

  it('selects several domains from one listing, and sums the trend per domain', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig({ domains: ['finops', 'governance'] }))
      expect(names(outcome)).toEqual(['Unattached EBS volumes', 'EC2 instances without owner tag'])

      const listings = sim.requestsTo('GET', '/policies')
      expect(listings).toHaveLength(1)
      expect(listings[0].query.domain).toBeUndefined()
      const trends = sim.requestsTo('GET', '/policies/violations-history')
      expect(trends.map((r) => r.query.domain)).toEqual([['finops'], ['governance']])
      expect(outcome.trend.at(-1)!.violations).toBe(42)
    }))

  it('fails on a group that matches nothing, listing the groups that exist', () =>
    withSimulator({ policies: POLICIES }, async (sim, client) => {
      const run = runStage(client, policyConfig({ groups: ['Cost hygiene', 'PCI DSS'] }))
      await expect(run).rejects.toThrow(InputError)
      await expect(run).rejects.toThrow(
        'Input "policy-groups": no policy group is named or has the id "PCI DSS". Policy groups: "CIS AWS Foundations", "Cost hygiene", "Operational excellence".'
      )
      expect(sim.requestsTo('GET', '/policies')).toHaveLength(0)
    }))

  it('fails on a policy that matches nothing, listing the active policies', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      const run = runStage(
        client,
        policyConfig({ policies: ['IAM users without MFA', 'RDS snapshots older than 90 days'] })
      )
      await expect(run).rejects.toThrow(InputError)
      await expect(run).rejects.toThrow(
        'Input "policies": no active policy is named or has the id "RDS snapshots older than 90 days". Active policies: "EC2 instances without owner tag", "IAM users without MFA", "S3 buckets without default encryption", "Security groups open to 0.0.0.0/0 on port 22", "Unattached EBS volumes".'
      )
    }))

  it('names the other filters when they narrowed the policies away', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      await expect(
        runStage(client, policyConfig({ severities: ['low'], policies: ['IAM users without MFA'] }))
      ).rejects.toThrow(
        'no active policy matching the other filters (policy-groups, severities, domains) is named or has the id "IAM users without MFA". Active policies matching the other filters (policy-groups, severities, domains): "EC2 instances without owner tag".'
      )
    }))

  it('warns instead of passing silently when nothing is selected', () =>
    withSimulator({ policies: POLICIES }, async (_sim, client) => {
      const outcome = await runStage(
        client,
        policyConfig({ severities: ['critical'], domains: ['finops'] })
      )
      expect(outcome.policies).toEqual([])
      expect(outcome.gate.verdict).toBe('pass')
      expect(outcome.warnings).toEqual([
        'No active policy matches the selection (severities critical; domains finops), so the gate has nothing to judge.'
      ])
    }))
})

describe('policy stage: odd data', () => {
  it('reports a severity it does not know instead of dropping it', () =>
    withSimulator(
      {
        policies: [
          ...POLICIES,
          { name: 'Shadow admins', severity: 'urgent', domain: 'security', violationCount: 7 }
        ]
      },
      async (_sim, client) => {
        const outcome = await runStage(
          client,
          policyConfig({ thresholds: { ...NO_LIMITS, total: 50 } })
        )
        expect(outcome.policies.at(-1)).toMatchObject({
          name: 'Shadow admins',
          severity: 'urgent',
          violations: 7
        })
        expect(outcome.unknownSeverityViolations).toBe(7)
        expect(outcome.violations).toEqual({ critical: 1, high: 4, medium: 12, low: 30 })
        expect(outcome.gate.reasons).toEqual([
          '54 violations in all; at most 50 allowed (max-violations)'
        ])
        expect(outcome.warnings).toEqual([
          'Policies with a severity this action does not know ("urgent": 1 policy, 7 violations): their violations count toward the total (max-violations) only.'
        ])
      }
    ))

  it('treats a policy without a violation count as stale, never as zero', () =>
    withSimulator(
      {
        policies: [
          ...POLICIES,
          { name: 'Brand new policy', severity: 'high', violationCount: null, runAt: null }
        ]
      },
      async (_sim, client) => {
        const outcome = await runStage(client, policyConfig({ thresholds: NO_LIMITS }))
        const fresh = byName(outcome)['Brand new policy']
        expect(fresh).toMatchObject({ violations: undefined, stale: true, source: 'stale' })
        expect(fresh.resources).toBeUndefined()
        expect(outcome.violations.high).toBe(4)
        expect(outcome.gate.verdict).toBe('fail')
        expect(outcome.gate.reasons).toEqual([
          expect.stringMatching(/^1 policy with no fresh result/)
        ])
        expect(outcome.warnings).toEqual([
          'No violation count (never evaluated?) for 1 policy, so treated as stale: "Brand new policy".'
        ])
      }
    ))
})

describe('policy stage: scale', () => {
  it('reads 2,500 policies in three pages and spends per-policy requests only where shown', () =>
    withSimulator(
      { policies: null, policyGen: { count: 2_500, violating: 120, totalViolations: 3_000 } },
      async (sim, client) => {
        const outcome = await runStage(client, policyConfig({ thresholds: NO_LIMITS }))

        expect(outcome.policies).toHaveLength(2_500)
        const total = outcome.policies.reduce((sum, p) => sum + (p.violations ?? 0), 0)
        expect(total).toBe(3_000)
        const listings = sim.requestsTo('GET', '/policies')
        expect(listings.map((r) => r.query.page?.[0]).sort()).toEqual(['1', '2', '3'])
        expect(listings.every((r) => r.query.per_page?.[0] === '1000')).toBe(true)

        const before =
          client.requestCount - sim.requestsTo('GET', '/policies/{policy_id}/violations').length
        // Listing (3), trend (1), previous counts of the top violating policies (10).
        expect(sim.requestsTo('GET', '/policies/violations-history')).toHaveLength(1)
        expect(sim.requestsTo('GET', '/policies/{policy_id}/violations-history')).toHaveLength(10)
        expect(before).toBe(14)
        expect(sim.requestsTo('GET', '/policies/{policy_id}/violations')).toHaveLength(
          DETAILED_POLICIES
        )
        expect(outcome.policies.filter((p) => p.samples.length > 0)).toHaveLength(DETAILED_POLICIES)
        // No baseline, exceptions or baseline-write: no resources are read.
        expect(outcome.policies.every((p) => p.resources === undefined)).toBe(true)
      }
    ))

  it('lists only so many names in an error', () =>
    withSimulator(
      { policies: null, policyGen: { count: 2_500, violating: 10, totalViolations: 100 } },
      async (_sim, client) => {
        await expect(runStage(client, policyConfig({ policies: ['nope'] }))).rejects.toThrow(
          / and 2480 more\.$/
        )
      }
    ))
})
