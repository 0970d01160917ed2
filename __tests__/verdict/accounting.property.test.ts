// The per-resource accounting, as properties over any listing (duplicates, resources without a
// fingerprint, more or fewer rows than the count), any baseline and any exceptions (by name or id,
// names shared by several policies, expired ones): the figures are never negative, suppressed never
// exceeds the count, every figure is accounted for, no policy's figures move another's, and the
// gate never passes where the Platform's counts would fail it unless a valid exception or the
// baseline explains every difference, resource by resource (an oracle written here, apart from
// the code, works out what each policy may count).

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { BaselineFile, ExceptionEntry, GateOn } from '../../src/inputs/config.js'
import { isKnownSeverity } from '../../src/lib/severity.js'
import type { PolicyResult, ViolatingResource } from '../../src/policies/outcome.js'
import { reconcileListing } from '../../src/policies/resources.js'
import { decide, type Verdict } from '../../src/verdict/decide.js'
import { policyOutcome, resourceSettings, TODAY } from '../__fixtures__/report.js'

const IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']
const NAMES = ['Public buckets', 'Open ports']
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'urgent']

interface PolicySpec {
  name: string
  severity: string
  count: number | undefined
  stale: boolean
  /** What the Platform listed; undefined: the resources were not read. */
  listing?: (string | undefined)[]
}

const policySpec = fc.record({
  name: fc.constantFrom(...NAMES),
  severity: fc.constantFrom(...SEVERITIES),
  count: fc.option(fc.nat(6), { nil: undefined, freq: 8 }),
  stale: fc.nat(9).map((n) => n === 0),
  listing: fc.option(
    fc.array(fc.option(fc.constantFrom(...IDS), { nil: undefined, freq: 6 }), { maxLength: 8 }),
    { nil: undefined, freq: 4 }
  )
})

const entrySpec = fc.record({
  /** Index of the policy it names, by id (true) or by name (false). */
  policy: fc.nat(4),
  byId: fc.boolean(),
  resources: fc.option(
    fc.array(fc.constantFrom(...IDS, 'r*', '*'), { minLength: 1, maxLength: 2 }),
    {
      nil: undefined
    }
  ),
  expires: fc.constantFrom('2026-11-26', '2026-12-31', '2027-12-31')
})

const scenario = fc.record({
  policies: fc.array(policySpec, { minLength: 1, maxLength: 5 }),
  baseline: fc.option(
    fc.array(fc.array(fc.constantFrom(...IDS, ''), { maxLength: 4 }), { maxLength: 5 }),
    {
      nil: undefined
    }
  ),
  entries: fc.array(entrySpec, { maxLength: 4 }),
  thresholds: fc.record({
    critical: fc.option(fc.nat(3), { nil: undefined }),
    high: fc.option(fc.nat(3), { nil: undefined }),
    medium: fc.option(fc.nat(3), { nil: undefined }),
    low: fc.option(fc.nat(3), { nil: undefined }),
    total: fc.option(fc.nat(6), { nil: undefined })
  }),
  gateOnNew: fc.boolean(),
  /** The accounts the scope holds; undefined: no scope. */
  scope: fc.option(fc.constantFrom(['staging'], ['production'], ['staging', 'production']), {
    nil: undefined
  })
})

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

/** Half the resources live in the staging account, half in production, by their id. */
function accountOf(id: string | undefined, index: number): string {
  return (id ? Number(id.slice(1)) : index) % 2 === 0 ? 'staging' : 'production'
}

function resourceOf(id: string | undefined, index: number): ViolatingResource {
  return {
    platformId: id,
    name: id ?? `unnamed-${index}`,
    accountName: accountOf(id, index),
    region: 'us-east-1',
    tags: []
  }
}

/** The stage's side: each listing reconciled with its count, or unknown. */
function resultOf(spec: PolicySpec, index: number): PolicyResult {
  const result: PolicyResult = {
    id: `pol-${index}`,
    name: spec.name,
    severity: spec.severity,
    domain: 'security',
    queryId: 'q',
    groups: [],
    violations: spec.count,
    invalidCount: spec.count === undefined ? '-1' : undefined,
    source: spec.stale ? 'stale' : 'evaluation',
    stale: spec.stale,
    samples: []
  }
  if (spec.listing === undefined || spec.count === undefined || spec.stale) return result
  const reconciled = reconcileListing(spec.count, spec.listing.map(resourceOf))
  if (reconciled.agrees) result.resources = reconciled.resources
  else result.resourcesUnknown = 'its listing disagrees with its count'
  return result
}

function built(s: Scenario) {
  const policies = s.policies.map(resultOf)
  const baseline: BaselineFile | undefined =
    s.baseline || s.gateOnNew
      ? {
          path: 'baseline.json',
          createdAt: '2026-11-20T00:00:00Z',
          policies: new Map(
            (s.baseline ?? []).flatMap((ids, i) =>
              i < policies.length ? [[policies[i].id, new Set(ids)]] : []
            )
          )
        }
      : undefined
  const entries: ExceptionEntry[] = s.entries.flatMap((e, line) => {
    const target = policies[e.policy % policies.length]
    return [
      {
        line: line + 1,
        policy: e.byId ? target.id : target.name,
        resources: e.resources ?? [],
        accounts: [],
        regions: [],
        tags: [],
        reason: 'accepted',
        expires: e.expires,
        problems: []
      }
    ]
  })
  const gateOn: GateOn = baseline && s.gateOnNew ? 'new' : 'all'
  const scope = s.scope && { resources: [], accounts: [...s.scope], regions: [], tags: [] }
  return { policies, baseline, entries, gateOn, scope, thresholds: s.thresholds }
}

function judge(b: ReturnType<typeof built>): Verdict {
  return decide({
    cancelled: false,
    errors: [],
    syncs: [],
    policies: policyOutcome(b.policies),
    gate: {
      thresholds: b.thresholds,
      gateOn: b.gateOn,
      resources:
        b.baseline || b.entries.length > 0 || b.scope
          ? resourceSettings({
              baseline: b.baseline,
              scope: b.scope,
              exceptions: b.entries.length > 0 ? { path: 'x.yml', entries: b.entries } : undefined
            })
          : undefined
    }
  })
}

/**
 * The oracle: what a policy may count, worked out from scratch. An exception explains a resource
 * when it is in force today, names this policy unambiguously (by id, or by a name no other policy
 * has) and one of its globs (or none: the whole policy) matches the resource's name or id. The
 * baseline explains a resource when it lists that resource's id for this policy.
 */
function oracleCounted(b: ReturnType<typeof built>, policy: PolicyResult): number | undefined {
  if (policy.violations === undefined) return undefined
  const inForce = b.entries.filter(
    (e) =>
      e.expires! >= TODAY &&
      e.expires! <= '2027-02-25' &&
      (e.policy === policy.id ||
        (e.policy === policy.name && b.policies.filter((p) => p.name === e.policy).length === 1))
  )
  const excepted = (r: ViolatingResource): boolean =>
    inForce.some(
      (e) =>
        e.resources.length === 0 ||
        e.resources.some((glob) => new RegExp(`^${glob.replace('*', '.*')}$`, 'i').test(r.name))
    )
  const known = b.baseline?.policies.get(policy.id) ?? new Set<string>()
  if (policy.resources === undefined) {
    // Not read: only a clean policy, or an all-violations gate nothing narrows, is known.
    if (policy.violations === 0) return 0
    if (b.gateOn === 'new' || b.scope) return undefined
    return inForce.length === 0 ? policy.violations : undefined
  }
  const inScope = (r: ViolatingResource): boolean =>
    !b.scope || (b.scope.accounts as string[]).includes(r.accountName)
  const counted = policy.resources.filter(
    (r) =>
      inScope(r) &&
      !excepted(r) &&
      (b.gateOn === 'all' || r.platformId === undefined || !known.has(r.platformId))
  )
  return counted.length
}

/** The invariants a scenario's figures break, in words: none, for the property to hold. */
function brokenInvariants(b: ReturnType<typeof built>): string[] {
  const { gate } = judge(b)
  const broken: string[] = []
  const check = (holds: boolean, what: string): void => {
    if (!holds) broken.push(what)
  }
  for (const policy of b.policies) {
    const f = gate!.policies[policy.id]
    check(f.counted === null || f.counted >= 0, `${policy.id}: counted ${f.counted} < 0`)
    check(
      f.suppressed === null || f.violations === null || f.suppressed <= f.violations,
      `${policy.id}: suppressed ${f.suppressed} > count ${f.violations}`
    )
    if (policy.resources === undefined || f.violations === null) continue
    check(f.suppressed !== null, `${policy.id}: resources read, suppressed unknown`)
    check(f.outOfScope !== null, `${policy.id}: resources read, out of scope unknown`)
    if (b.gateOn === 'all') {
      const accounted = f.counted! + f.suppressed! + f.outOfScope!
      check(accounted === f.violations, `${policy.id}: counted + suppressed + out of scope`)
    }
    if (b.baseline) {
      const parts = f.outOfScope! + f.suppressed! + f.new! + f.unchanged!
      check(parts === f.violations, `${policy.id}: partition`)
    }
  }
  for (const row of gate!.rows) {
    const members = b.policies.filter(
      (p) =>
        row.key === 'total' ||
        p.severity === row.key ||
        (row.key === 'other' && !isKnownSeverity(p.severity))
    )
    const figures = members.map((p) => gate!.policies[p.id].counted)
    const sum = figures.includes(null) ? null : figures.reduce((a, v) => a! + v!, 0)
    check(row.counted === sum, `row ${row.key}: counted ${row.counted}, members add up to ${sum}`)
  }
  return broken
}

/**
 * On a pass, what the oracle says each policy of a limited row may count, against what the gate
 * counted, and the oracle's sum against the limit: none, for the property to hold.
 */
function unexplainedPass(b: ReturnType<typeof built>): string[] {
  const verdict = judge(b)
  if (verdict.result !== 'pass') return []
  const unexplained: string[] = []
  for (const row of verdict.gate!.rows) {
    if (row.allowed === undefined) continue
    const members = b.policies.filter((p) => row.key === 'total' || p.severity === row.key)
    let oracleSum = 0
    for (const policy of members) {
      const expected = oracleCounted(b, policy)
      const counted = verdict.gate!.policies[policy.id].counted
      if (expected === undefined || counted !== expected) {
        unexplained.push(`${policy.id}: counted ${counted}, the oracle allows ${expected}`)
      }
      oracleSum += expected ?? 0
    }
    if (oracleSum > row.allowed) unexplained.push(`row ${row.key}: ${oracleSum} > ${row.allowed}`)
  }
  return unexplained
}

describe('the per-resource accounting, as properties', () => {
  it('counted ≥ 0, suppressed ≤ count, and every read resource is suppressed, new or unchanged', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(brokenInvariants(built(s))).toEqual([])
      }),
      { numRuns: 500 }
    )
  })

  it("no policy's listing or count moves another policy's figures", () => {
    fc.assert(
      fc.property(scenario, policySpec, fc.nat(4), (s, replacement, at) => {
        const index = at % s.policies.length
        const changed = { ...s, policies: [...s.policies] }
        // Same name and severity (so no exception changes what it names): another count and listing.
        changed.policies[index] = {
          ...replacement,
          name: s.policies[index].name,
          severity: s.policies[index].severity
        }
        const before = judge(built(s)).gate!.policies
        const after = judge(built(changed)).gate!.policies
        const others = (figures: typeof before) =>
          Object.entries(figures).filter(([id]) => id !== `pol-${index}`)
        expect(others(after)).toEqual(others(before))
      }),
      { numRuns: 300 }
    )
  })

  it("never passes where the Platform's counts would fail, unless exceptions and the baseline explain every difference", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(unexplainedPass(built(s))).toEqual([])
      }),
      { numRuns: 5000 }
    )
  })
})
