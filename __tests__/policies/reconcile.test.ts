// A policy's violating resources must agree with its count before anything is judged on them: a
// listing that repeats rows, ignores `page`, or holds more or fewer rows than the count is read
// once more, and when it still disagrees the policy's resources are unknown, never a partial list
// that makes a policy "not new" or negative. Against the simulator over real HTTP, in virtual time.

import { describe, expect, it } from '@jest/globals'
import type { BaselineFile } from '../../src/inputs/config.js'
import { reconcileListing } from '../../src/policies/resources.js'
import type { ListingQuirks, PolicySpec } from '../../simulator/scenario.js'
import { withSimulator } from '../helpers/platform.js'
import { byName, policyConfig, runStage } from '../helpers/policy-stage.js'
import { resource } from '../__fixtures__/report.js'

const NAME = 'S3 buckets without default encryption'
const VIOLATIONS = '/policies/{policy_id}/violations'
const ONE_POLICY = '/policies/{policy_id}'

function scenario(count: number, listing?: ListingQuirks, spec: Partial<PolicySpec> = {}) {
  return {
    policies: [{ name: NAME, severity: 'critical', violationCount: count, listing, ...spec }]
  }
}

/** A baseline that lists `ids` for the one policy (its id is the simulator's, found by name). */
function baselineFor(policyId: string, ids: string[]): BaselineFile {
  return {
    path: 'baseline.json',
    createdAt: '2026-11-27T00:00:00Z',
    policies: new Map([[policyId, new Set(ids)]])
  }
}

const gateOnNew = (baseline: BaselineFile) =>
  policyConfig({ evaluation: 'latest', gateOn: 'new', baseline })

describe('reconciling a listing with its count', () => {
  it('a listing that repeats a row is de-duplicated by fingerprint and agrees: no second read', () =>
    withSimulator(scenario(3, { repeatRows: true }), async (sim, client) => {
      const [listed] = (await client.listPolicies({}, 1, 10)).items
      const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, [])))
      expect(byName(outcome)[NAME].resources).toHaveLength(3)
      expect(outcome.gate.policies[listed.id]).toMatchObject({ violations: 3, new: 3 })
      expect(sim.requestsTo('GET', ONE_POLICY)).toHaveLength(0)
    }))

  it.each<[string, number, ListingQuirks]>([
    ['ignores page (two pages of the same rows)', 1500, { ignorePage: true }],
    ['holds fewer rows than the count', 3, { extraRows: -2 }],
    ['holds more rows than the count', 3, { extraRows: 2 }],
    [
      'holds more rows than the count, on pages past those the count plans',
      3,
      { extraRows: 1200, countsListedRows: true }
    ]
  ])(
    'a listing that %s, twice, leaves the resources unknown and fails the gate',
    (_what, count, quirks) =>
      withSimulator(scenario(count, quirks), async (sim, client) => {
        const [listed] = (await client.listPolicies({}, 1, 10)).items
        const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, [])))
        const policy = byName(outcome)[NAME]
        expect(policy.resources).toBeUndefined()
        expect(policy.resourcesUnknown).toMatch(/read twice, do not agree with its count/)
        // Read once more: the count, and the listing.
        expect(sim.requestsTo('GET', ONE_POLICY)).toHaveLength(1)
        // Page 1 of a listing, twice (the other page-1 request is for 5 samples).
        const listings = sim
          .requestsTo('GET', VIOLATIONS)
          .filter((r) => r.query.page?.[0] === '1' && r.query.per_page?.[0] === '1000')
        expect(listings).toHaveLength(2)
        expect(outcome.gate.policies[policy.id]).toMatchObject({ new: null, counted: null })
        expect(outcome.gate.verdict).toBe('fail')
        expect(outcome.gate.reasons).toEqual([
          expect.stringContaining('counted by the thresholds with an unknown figure')
        ])
      })
  )

  it('reads the pages past the count the listing reports, and stops at a page that repeats one', () =>
    withSimulator(
      scenario(3, { extraRows: 1997, countsListedRows: true, settlesAfter: 1 }),
      async (sim, client) => {
        const [listed] = (await client.listPolicies({}, 1, 10)).items
        const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, [])))
        expect(byName(outcome)[NAME].resources).toHaveLength(3)
        const page = (n: string) =>
          sim.requestsTo('GET', VIOLATIONS).filter((r) => r.query.page?.[0] === n)
        // The first listing said 2,000 on page 1: page 2 was read (not a page 3), and it disagreed.
        expect(page('2')).toHaveLength(1)
        expect(page('3')).toHaveLength(0)
      }
    ).then(() =>
      withSimulator(
        scenario(3, { extraRows: 5000, countsListedRows: true, ignorePage: true }),
        async (sim, client) => {
          const [listed] = (await client.listPolicies({}, 1, 10)).items
          const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, [])))
          expect(byName(outcome)[NAME].resourcesUnknown).toMatch(/read twice/)
          // Page 2 repeated page 1: nothing new, so no page 3, in either listing.
          const pages = sim.requestsTo('GET', VIOLATIONS).map((r) => r.query.page?.[0])
          expect(pages.filter((n) => n === '2')).toHaveLength(2)
          expect(pages).not.toContain('3')
        }
      )
    ))

  it('a listing that disagreed once (an evaluation landed in between) is read again and taken', () =>
    withSimulator(scenario(3, { extraRows: 2, settlesAfter: 1 }), async (sim, client) => {
      const [listed] = (await client.listPolicies({}, 1, 10)).items
      const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, [])))
      const policy = byName(outcome)[NAME]
      expect(policy.resources).toHaveLength(3)
      expect(policy.resourcesUnknown).toBeUndefined()
      expect(outcome.gate.policies[policy.id]).toMatchObject({ violations: 3, new: 3, counted: 3 })
      expect(sim.requestsTo('GET', ONE_POLICY)).toHaveLength(1)
    }))

  it('a count of 3 listing only the resource in the baseline is not "0 new": it is unknown', () =>
    withSimulator(
      scenario(3, { extraRows: -2 }, { resources: [{ platformId: 'known-bucket' }] }),
      async (_sim, client) => {
        const [listed] = (await client.listPolicies({}, 1, 10)).items
        const outcome = await runStage(client, gateOnNew(baselineFor(listed.id, ['known-bucket'])))
        // Before: the two resources never listed were never new, and the gate passed.
        expect(outcome.gate.verdict).toBe('fail')
        expect(outcome.gate.policies[listed.id].new).toBeNull()
      }
    ))

  it('a resource without _cq_platform_id is never matched to the baseline: it is new', () =>
    withSimulator(
      scenario(2, undefined, { resources: [{ platformId: null }, { platformId: 'known-bucket' }] }),
      async (_sim, client) => {
        const [listed] = (await client.listPolicies({}, 1, 10)).items
        // A baseline holding "" must not hide an id-less resource either.
        const outcome = await runStage(
          client,
          gateOnNew(baselineFor(listed.id, ['', 'known-bucket']))
        )
        const policy = byName(outcome)[NAME]
        expect(policy.resources?.map((r) => r.platformId)).toEqual([undefined, 'known-bucket'])
        expect(outcome.gate.policies[listed.id]).toMatchObject({ new: 1, unchanged: 1 })
        expect(outcome.gate.verdict).toBe('fail')
      }
    ))
})

describe('reconcileListing', () => {
  it('de-duplicates by fingerprint, keeps resources without one, and compares with the count', () => {
    const listed = [
      resource('a'),
      resource('b'),
      resource('a'),
      { ...resource('x'), platformId: undefined }
    ]
    expect(reconcileListing(3, listed)).toEqual({
      resources: [listed[0], listed[1], listed[3]],
      agrees: true
    })
    expect(reconcileListing(4, listed).agrees).toBe(false)
    expect(reconcileListing(0, []).agrees).toBe(true)
  })
})
