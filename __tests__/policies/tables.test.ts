// The tables each counted policy reads (POST /queries/columns), learned by the policy stage
// against the simulator: only for the policies a threshold counts, once per distinct query, and
// only when a run is judged.

import { describe, expect, it } from '@jest/globals'
import { listPolicies } from '../../src/policies/listing.js'
import { learnTables } from '../../src/policies/tables.js'
import { track } from '../../src/policies/tracked.js'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import { redactKey, withSimulator } from '../helpers/platform.js'
import { activeRunCompletedAt, byName, policyConfig, runStage } from '../helpers/policy-stage.js'

const BUCKETS = 'SELECT _cq_platform_id, account_id, region, name FROM aws_s3_buckets WHERE true'
const POLICIES: PolicySpec[] = [
  { name: 'Public buckets', severity: 'critical', query: BUCKETS },
  // Another policy with the same SQL: one lookup serves both.
  { name: 'Public buckets (copy)', severity: 'high', query: BUCKETS },
  {
    name: 'Joined',
    severity: 'critical',
    query: 'SELECT u.name FROM aws_iam_users u JOIN aws_iam_roles r ON true'
  },
  {
    name: 'Over a subquery',
    severity: 'high',
    query: 'SELECT * FROM (SELECT name FROM aws_s3_buckets) AS t'
  },
  { name: 'Unreadable', severity: 'high', query: 'EXPLAIN SELECT 1' },
  { name: 'Not counted', severity: 'medium' }
]
const SCENARIO: Scenario = {
  policies: POLICIES,
  activeRun: { ageMs: 1_000, pendingMs: 0, startDelayMs: 0, durationMs: 500 },
  evaluation: { delayAfterIngestMs: 0 }
}
const LOOKUP = '/queries/columns'

describe('the tables each counted policy reads', () => {
  it('are learned once per distinct query, for the counted policies only', () =>
    withSimulator(SCENARIO, async (sim, client) => {
      const outcome = await runStage(client, policyConfig(), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      const p = byName(outcome)
      expect(p['Public buckets'].tables).toEqual(['aws_s3_buckets'])
      expect(p['Public buckets (copy)'].tables).toEqual(['aws_s3_buckets'])
      expect(p.Joined.tables).toEqual(['aws_iam_users', 'aws_iam_roles'])
      // The Platform lists no subquery's tables: none can be told, and it says so.
      expect(p['Over a subquery'].tables).toEqual([])
      expect(p.Unreadable.tables).toBeUndefined()
      expect(p.Unreadable.tablesUnknown).toMatch(/could not read its query \(400\)/)
      expect(p['Not counted'].tables).toBeUndefined()
      expect(p['Not counted'].tablesUnknown).toBeUndefined()
      const sent = sim.requestsTo('POST', LOOKUP).map((r) => (r.body as { query: string }).query)
      expect(sent.sort()).toEqual(
        [BUCKETS, POLICIES[2].query, POLICIES[3].query, POLICIES[4].query].sort()
      )
      // A 400 is an answer about the query, not a failure to warn of.
      expect(outcome.warnings.filter((w) => w.includes('tables'))).toEqual([])
    }))

  it('are not looked up in a policies-only gate: there is no run to cross-check', () =>
    withSimulator(SCENARIO, async (sim, client) => {
      const outcome = await runStage(client, policyConfig())
      expect(sim.requestsTo('POST', LOOKUP)).toHaveLength(0)
      expect(outcome.policies.every((policy) => policy.tables === undefined)).toBe(true)
    }))

  it('are looked up within a budget of distinct queries; beyond it they are unknown', () =>
    withSimulator(SCENARIO, async (_sim, client) => {
      const listed = await listPolicies(client, {})
      const tracked = listed.map((policy) => track(policy, redactKey))
      const thresholds = { ...policyConfig().thresholds, total: 1_000 }
      // Six policies, five distinct queries (two share one), a budget of three.
      const learned = await learnTables(tracked, thresholds, { client }, 3)
      expect(learned.lookups).toBe(3)
      const unknown = [...learned.of.values()].filter((answer) => 'unknown' in answer)
      expect(unknown).toEqual(
        Array(2).fill({
          unknown:
            'not looked up: this action learns the tables of at most 3 distinct queries in one run'
        })
      )
      expect(learned.warnings).toEqual([
        "The counted policies have 5 distinct queries: the tables of 3 were learned, the others' coverage is unknown."
      ])
    }))

  it('are unknown, with one warning, when the key may not look them up', () =>
    withSimulator({ ...SCENARIO, forbidden: [LOOKUP] }, async (sim, client) => {
      const outcome = await runStage(client, policyConfig(), {
        runCompletedAt: activeRunCompletedAt(sim)
      })
      expect(byName(outcome)['Public buckets'].tablesUnknown).toMatch(/HTTP 403/)
      expect(outcome.warnings).toContainEqual(
        expect.stringMatching(/^Could not learn the tables of 5 policies: .*403/)
      )
    }))
})
