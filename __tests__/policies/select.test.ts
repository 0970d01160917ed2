// The selection (src/policies/select.ts) as the preflight resolves it, before any sync starts: a
// named policy that does not exist is an input error then, not after the run; several domains are
// filtered from one listing; the selection is described in the log in one line.

import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/inputs/config.js'
import type { Policy } from '../../src/platform/types.js'
import { describeSelection, resolveSelection, selectPolicies } from '../../src/policies/select.js'
import { withSimulator } from '../helpers/platform.js'
import { policyConfig } from '../helpers/policy-stage.js'

const same = (text: string) => text

describe('the selection', () => {
  it('resolves named policies before any sync: one that does not exist is an input error at once', () =>
    withSimulator(
      { policies: [{ name: 'Public buckets', severity: 'critical', violationCount: 0 }] },
      async (sim, client) => {
        const config = policyConfig({ policies: ['No such policy'] })
        await expect(resolveSelection(client, config, same)).rejects.toThrow(InputError)
        await expect(resolveSelection(client, config, same)).rejects.toThrow(
          'Input "policies": no active policy is named or has the id "No such policy". Active policies: "Public buckets".'
        )
        // Without named policies, nothing is listed yet.
        sim.requests.length = 0
        await resolveSelection(client, policyConfig(), same)
        expect(sim.requests).toHaveLength(0)
      }
    ))

  it('filters several domains from one listing, and takes one domain as the listing’s filter', () => {
    const listed = ['security', 'cost', 'tagging'].map(
      (domain) => ({ id: domain, name: domain, domain }) as Policy
    )
    const chosen = selectPolicies(listed, policyConfig({ domains: ['security', 'cost'] }), same)
    expect(chosen.map((p) => p.domain)).toEqual(['security', 'cost'])
    // One domain was asked of the Platform already: what it listed is taken as it is.
    expect(selectPolicies(listed, policyConfig({ domains: ['security'] }), same)).toHaveLength(3)
  })

  it('names, when no policy matches, the other filters that narrowed it', () => {
    const listed = [{ id: 'p1', name: 'Open ports', domain: 'security' } as Policy]
    expect(() =>
      selectPolicies(listed, policyConfig({ policies: ['x'], domains: ['security'] }), same)
    ).toThrow(
      'no active policy matching the other filters (policy-groups, severities, domains) is named or has the id "x". Active policies matching the other filters (policy-groups, severities, domains): "Open ports".'
    )
    expect(() => selectPolicies([], policyConfig({ policies: ['x'] }), same)).toThrow(
      'There are no active policies.'
    )
  })

  it('is described in the log by what narrows it, in one line', () => {
    expect(describeSelection(policyConfig())).toBe('')
    expect(
      describeSelection(
        policyConfig({
          groups: ['Security'],
          severities: ['critical', 'high'],
          domains: ['aws'],
          policies: ['a', 'b']
        })
      )
    ).toBe(' (groups Security; severities critical, high; domains aws; 2 named policies)')
    expect(describeSelection(policyConfig({ domains: ['aws'] }))).toBe(' (domains aws)')
  })
})
