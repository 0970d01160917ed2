// Per-resource judging: the baseline comparison and the exceptions, as pure functions of their
// inputs and "today".

import { describe, expect, it } from '@jest/globals'
import { decide } from '../../src/verdict/decide.js'
import { judgeEntry } from '../../src/verdict/exceptions.js'
import { judgeResources } from '../../src/verdict/resources.js'
import {
  baselineFile,
  DEFAULT_THRESHOLDS,
  exceptionEntry,
  policy,
  policyOutcome,
  resource,
  resourceSettings,
  TODAY
} from '../__fixtures__/report.js'

const ids = (...names: string[]) => names.map((name) => `aws_s3_buckets_${name}`)

/** A critical policy whose resources are `names`, judged against a baseline of `before`. */
function swapped(names: string[], before: string[]) {
  const critical = policy({
    name: 'Public S3 buckets',
    severity: 'critical',
    violations: names.length
  })
  critical.resources = ids(...names).map((id) => resource(id))
  return { critical, baseline: baselineFile({ [critical.id]: ids(...before) }) }
}

/** Policies `ids` that share one name, none of them violating. */
function namedAlike(name: string, policyIds: string[]) {
  return policyIds.map((id) => ({
    ...policy({ name, severity: 'high', violations: 0 }),
    id,
    resources: []
  }))
}

function gateOf(
  policies: ReturnType<typeof policy>[],
  settings = resourceSettings(),
  gateOn: 'all' | 'new' = 'new'
) {
  return decide({
    cancelled: false,
    errors: [],
    syncs: [],
    policies: policyOutcome(policies),
    gate: { thresholds: DEFAULT_THRESHOLDS, gateOn, resources: settings }
  })
}

describe('the baseline, per resource', () => {
  it('fails a new-only gate on a swap: one resource fixed, another new, the same count', () => {
    const { critical, baseline } = swapped(['b', 'c'], ['a', 'b'])
    const verdict = gateOf([critical], resourceSettings({ baseline }))
    expect(verdict.resources?.policies[critical.id]).toMatchObject({
      new: 1,
      fixed: 1,
      unchanged: 1
    })
    expect(verdict.result).toBe('fail')
    expect(verdict.reasons).toEqual([
      {
        kind: 'threshold',
        text: '1 new critical violation; at most 0 allowed (max-critical-violations)'
      }
    ])
  })

  it('passes when every resource was already in the baseline, however many there are', () => {
    const { critical, baseline } = swapped(['a', 'b'], ['a', 'b', 'c'])
    const verdict = gateOf([critical], resourceSettings({ baseline }))
    expect(verdict.result).toBe('pass')
    expect(verdict.resources?.policies[critical.id]).toMatchObject({ new: 0, fixed: 1 })
  })

  it('gives the same verdict for the same inputs, on every re-run', () => {
    const { critical, baseline } = swapped(['b', 'c'], ['a', 'b'])
    const settings = resourceSettings({ baseline })
    expect(gateOf([critical], settings)).toEqual(gateOf([critical], settings))
  })

  it('warns about an old baseline, naming its age, and about policies it does not know', () => {
    const { critical } = swapped(['a'], [])
    const old = baselineFile({ other: [] }, '2026-10-01T00:00:00Z')
    old.policies.set('unrelated', new Set())
    const other = policy({ name: 'Open security groups', severity: 'high', violations: 0 })
    other.resources = []
    const verdict = judgeResources([critical, other], resourceSettings({ baseline: old }))
    expect(verdict.inputError).toMatch(/made for other policies/)
    const known = baselineFile({ [other.id]: [] }, '2026-10-01T00:00:00Z')
    const warned = judgeResources([critical, other], resourceSettings({ baseline: known }))
    expect(warned.warnings).toEqual([
      'The baseline "baseline.json" is 57 days old (made 2026-10-01T00:00:00Z), older than 30 days (baseline-max-age-days): refresh it from the default branch.',
      '1 policy is not in the baseline, so all their violating resources are new: "Public S3 buckets".'
    ])
  })

  it('fails on a baseline made for other policies', () => {
    const { critical } = swapped(['a'], [])
    const verdict = gateOf([critical], resourceSettings({ baseline: baselineFile({ x: ['y'] }) }))
    expect(verdict.reasons[0].kind).toBe('input')
    expect(verdict.reasons[0].text).toMatch(
      /^Inputs: Input "baseline-file": "baseline.json" lists 1 policy, none of them among the 1 selected policy/
    )
  })
})

describe('the per-resource judgement of one policy', () => {
  const critical = policy({ name: 'Public S3 buckets', severity: 'critical', violations: 7 })
  critical.resources = ids('a', 'b', 'c', 'd', 'e', 'f', 'g').map((id) => resource(id))

  it('without a baseline, compares nothing: nothing is new, unchanged or fixed', () => {
    expect(judgeResources([critical], resourceSettings()).policies[critical.id]).toEqual({
      policyId: critical.id,
      compared: false,
      outOfScope: 0,
      suppressed: 0,
      new: 0,
      unchanged: 0,
      fixed: 0,
      suppressedBy: [],
      newSamples: []
    })
  })

  it('keeps the first five new resources read as samples, and counts them all', () => {
    const baseline = baselineFile({ [critical.id]: [] })
    const judged = judgeResources([critical], resourceSettings({ baseline })).policies[critical.id]
    expect(judged).toMatchObject({ compared: true, new: 7 })
    expect(judged.newSamples.map((sample) => sample.platformId)).toEqual(
      ids('a', 'b', 'c', 'd', 'e')
    )
  })

  it('lists what each exception suppressed in the order of the file, whatever order they matched in', () => {
    const entries = [
      exceptionEntry({ policy: critical.id, resources: ['*_g'] }),
      exceptionEntry({ policy: critical.id, resources: ['*_a', '*_b'] })
    ]
    const judged = judgeResources(
      [critical],
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries } })
    ).policies[critical.id]
    expect(judged.suppressedBy).toEqual([
      { entry: 0, count: 1 },
      { entry: 1, count: 2 }
    ])
  })

  it('a baseline that lists no policy, or a gate that selected none, is not one made for other policies', () => {
    const empty = baselineFile({})
    expect(judgeResources([critical], resourceSettings({ baseline: empty })).inputError).toBe(
      undefined
    )
    const other = baselineFile({ other: ['x'] })
    expect(judgeResources([], resourceSettings({ baseline: other })).inputError).toBe(undefined)
  })
})

describe('exceptions', () => {
  const critical = policy({ name: 'Public S3 buckets', severity: 'critical', violations: 5 })
  critical.resources = [
    resource('aws_s3_buckets_legacy-1', { accountName: 'sandbox', region: 'eu-west-1' }),
    resource('aws_s3_buckets_legacy-2', { tags: ['team:payments'] }),
    resource('aws_s3_buckets_app', { accountId: '210987654321', tags: ['env=prod'] }),
    resource('aws_s3_buckets_data', { region: 'us-west-2', tags: ['env=staging'] }),
    resource('aws_s3_buckets_logs')
  ]
  const judge = (...entries: ReturnType<typeof exceptionEntry>[]) =>
    judgeResources(
      [critical],
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries } })
    )
  const suppressedBy = (...entries: ReturnType<typeof exceptionEntry>[]) =>
    judge(...entries).exceptions.map((status) => status.matched)

  it('suppress exactly what they match: names, ids, accounts, regions, tags', () => {
    const entry = (fields: Parameters<typeof exceptionEntry>[0]) =>
      exceptionEntry({ policy: 'Public S3 buckets', ...fields })
    expect(
      suppressedBy(
        entry({ resources: ['legacy-*'], accounts: ['sandbox'] }),
        entry({ tags: ['team'] }),
        entry({ accounts: ['2109*'], tags: ['env=prod'] }),
        entry({ regions: ['us-west-?'], tags: ['env=prod'] }),
        entry({ resources: ['aws_s3_buckets_logs'] })
      )
    ).toEqual([1, 1, 1, 0, 1])
  })

  it('with no matcher cover the whole policy, named by id as well as by name', () => {
    expect(suppressedBy(exceptionEntry({ policy: critical.id }))).toEqual([5])
    expect(suppressedBy(exceptionEntry({ policy: 'Another policy' }))).toEqual([0])
  })

  it('never count toward the thresholds, in gate-on: all or new', () => {
    const exceptions = {
      path: 'exceptions.yml',
      entries: [
        exceptionEntry({ policy: 'Public S3 buckets', resources: ['legacy-*', 'app', 'data'] })
      ]
    }
    const all = gateOf([critical], resourceSettings({ exceptions }), 'all')
    // The Platform's count stays what it is; beside it, what was suppressed and what is counted.
    expect(all.gate?.rows[0]).toMatchObject({
      violations: 5,
      suppressed: 4,
      counted: 1,
      status: 'breached'
    })
    const baseline = baselineFile({ [critical.id]: [] })
    const onlyNew = gateOf([critical], resourceSettings({ exceptions, baseline }))
    expect(onlyNew.resources?.policies[critical.id]).toMatchObject({
      new: 1,
      unchanged: 0,
      suppressed: 4
    })
    expect(onlyNew.resources?.policies[critical.id].suppressedBy).toEqual([{ entry: 0, count: 4 }])
    expect(onlyNew.reasons).toEqual([
      {
        kind: 'threshold',
        text: '1 new critical violation; at most 0 allowed (max-critical-violations)'
      }
    ])
  })

  it('that are expired, too long or malformed suppress nothing and say why', () => {
    const verdict = judge(
      exceptionEntry({ policy: critical.name, expires: '2026-11-26', line: 3 }),
      exceptionEntry({ policy: critical.name, expires: '2027-03-01', line: 8 }),
      exceptionEntry({
        policy: critical.name,
        reason: undefined,
        problems: ['no "reason"'],
        line: 13
      }),
      exceptionEntry({
        policy: critical.name,
        expires: '2026-12-05',
        resources: ['logs'],
        line: 18
      }),
      exceptionEntry({
        policy: critical.name,
        expires: '2026-11-27',
        resources: ['nothing-*'],
        line: 23
      })
    )
    expect(
      verdict.exceptions.map(({ state, problem, matched, expiringSoon }) => ({
        state,
        problem,
        matched,
        expiringSoon
      }))
    ).toEqual([
      { state: 'expired', problem: 'expired on 2026-11-26', matched: 0, expiringSoon: false },
      {
        state: 'too-long',
        problem:
          'expires on 2027-03-01, more than 90 days from today (max-exception-days; at most 2027-02-25)',
        matched: 0,
        expiringSoon: false
      },
      { state: 'invalid', problem: 'no "reason"', matched: 0, expiringSoon: false },
      { state: 'active', problem: undefined, matched: 1, expiringSoon: true },
      // Expires today: still valid today, and unused.
      { state: 'active', problem: undefined, matched: 0, expiringSoon: true }
    ])
    expect(verdict.exceptions.reduce((sum, status) => sum + status.matched, 0)).toBe(1)
  })
})

describe('exceptions say exactly what they cover', () => {
  it('an entry by a name several selected policies share suppresses nothing and asks for the id', () => {
    const critical = policy({ name: 'Public buckets', severity: 'critical', violations: 1 })
    const low = {
      ...policy({ name: 'Public buckets', severity: 'low', violations: 1 }),
      id: 'pol-low'
    }
    critical.resources = [resource('a')]
    low.resources = [resource('b')]
    const byName = exceptionEntry({ policy: 'Public buckets', line: 4 })
    const byId = exceptionEntry({ policy: 'pol-low', line: 9 })
    const verdict = judgeResources(
      [critical, low],
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries: [byName, byId] } })
    )
    expect(verdict.exceptions[0]).toMatchObject({
      state: 'ambiguous',
      matched: 0,
      problem: expect.stringContaining(
        'the name "Public buckets" is shared by 2 selected policies (ids pol-public-buckets, pol-low): give the id'
      )
    })
    expect(verdict.policies[critical.id].suppressed).toBe(0)
    // By id, it is exact.
    expect(verdict.exceptions[1]).toMatchObject({ state: 'active', matched: 1 })
    expect(verdict.policies[low.id].suppressed).toBe(1)
  })

  it('an ambiguous name names the first five ids, and is no longer "expiring soon"', () => {
    const shared = namedAlike(
      'Public buckets',
      Array.from({ length: 6 }, (_, i) => `pol-${i + 1}`)
    )
    const soon = exceptionEntry({ policy: 'Public buckets', expires: '2026-12-01' })
    const [status] = judgeResources(
      shared,
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries: [soon] } })
    ).exceptions
    expect(status).toMatchObject({
      state: 'ambiguous',
      expiringSoon: false,
      problem:
        'the name "Public buckets" is shared by 6 selected policies (ids pol-1, pol-2, pol-3, pol-4, pol-5, …): give the id of the one it is for'
    })
  })

  it('an expired entry stays expired, whatever its name', () => {
    const twins = namedAlike('Public buckets', ['pol-a', 'pol-b'])
    const expired = exceptionEntry({ policy: 'Public buckets', expires: '2026-11-01' })
    const [status] = judgeResources(
      twins,
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries: [expired] } })
    ).exceptions
    expect(status.state).toBe('expired')
  })

  it('an entry with several tags matches a resource with any one of them', () => {
    const p = policy({ name: 'Tagged', severity: 'high', violations: 2 })
    p.resources = [
      resource('a', { tags: ['team=payments'] }),
      resource('b', { tags: ['env=prod'] })
    ]
    const entry = exceptionEntry({ policy: 'Tagged', tags: ['team=payments', 'env=prod'] })
    const verdict = judgeResources(
      [p],
      resourceSettings({ exceptions: { path: 'exceptions.yml', entries: [entry] } })
    )
    expect(verdict.policies[p.id].suppressed).toBe(2)
  })

  it('tag keys may hold ":", and a bare key matches only that key', () => {
    const p = policy({ name: 'Tagged', severity: 'high', violations: 3 })
    p.resources = [
      resource('a', { tags: ['aws:cloudformation:stack-name=prod'] }),
      resource('b', { tags: ['team:payments'] }),
      resource('c', { tags: ['aws:cloudformation:stack-name'] })
    ]
    const matched = (...tags: string[]) =>
      judgeResources(
        [p],
        resourceSettings({
          exceptions: { path: 'x.yml', entries: [exceptionEntry({ policy: 'Tagged', tags })] }
        })
      ).exceptions[0].matched
    // Before, "aws" matched the CloudFormation tag: its key was cut at the first ":".
    expect(matched('aws')).toBe(0)
    expect(matched('aws:cloudformation:stack-name')).toBe(2)
    expect(matched('aws:cloudformation:stack-name=prod')).toBe(1)
    expect(matched('team')).toBe(1)
    expect(matched('team=payments')).toBe(1)
    expect(matched('team=web')).toBe(0)
  })
})

describe('the scope', () => {
  const critical = policy({ name: 'Public buckets', severity: 'critical', violations: 4 })
  critical.resources = [
    resource('a', { accountName: 'staging' }),
    resource('b', { accountName: 'production' }),
    resource('c', { accountName: 'staging', tags: ['env=pr-142'] }),
    resource('d', { accountName: 'production', tags: ['env=pr-142'] })
  ]
  const scoped = (scope: Partial<ReturnType<typeof resourceSettings>['scope']> & object) =>
    decide({
      cancelled: false,
      errors: [],
      syncs: [],
      policies: policyOutcome([critical]),
      gate: {
        thresholds: DEFAULT_THRESHOLDS,
        gateOn: 'all',
        resources: resourceSettings({
          scope: { resources: [], accounts: [], regions: [], tags: [], ...scope }
        })
      }
    })

  it('judges only what it holds; the rest is counted apart, never judged', () => {
    const verdict = scoped({ accounts: ['staging'] })
    expect(verdict.gate?.policies[critical.id]).toMatchObject({
      violations: 4,
      outOfScope: 2,
      counted: 2
    })
    expect(verdict.resources?.policies[critical.id].outOfScope).toBe(2)
    expect(verdict.reasons).toEqual([
      {
        kind: 'threshold',
        text: '2 critical violations; at most 0 allowed (max-critical-violations)'
      }
    ])
  })

  it('every kind given must match: an account and a tag', () => {
    const verdict = scoped({ accounts: ['staging'], tags: ['env=pr-142'] })
    expect(verdict.gate?.policies[critical.id]).toMatchObject({ outOfScope: 3, counted: 1 })
  })

  it('a scope that holds none of the violating resources passes, saying they were all outside', () => {
    const verdict = scoped({ accounts: ['sandbox'] })
    expect(verdict.result).toBe('pass')
    expect(verdict.gate?.rows.at(-1)).toMatchObject({ violations: 4, outOfScope: 4, counted: 0 })
  })

  it('exceptions and the baseline judge only what is inside it', () => {
    const verdict = decide({
      cancelled: false,
      errors: [],
      syncs: [],
      policies: policyOutcome([critical]),
      gate: {
        thresholds: DEFAULT_THRESHOLDS,
        gateOn: 'new',
        resources: resourceSettings({
          scope: { resources: [], accounts: ['staging'], regions: [], tags: [] },
          baseline: baselineFile({ [critical.id]: ['a', 'b'] }),
          exceptions: {
            path: 'x.yml',
            entries: [exceptionEntry({ policy: critical.name, resources: ['b', 'c'] })]
          }
        })
      }
    })
    // b is outside the scope (not suppressed there); a is unchanged; c is suppressed; nothing new.
    expect(verdict.resources?.policies[critical.id]).toMatchObject({
      outOfScope: 2,
      suppressed: 1,
      unchanged: 1,
      new: 0
    })
    expect(verdict.resources?.exceptions[0].matched).toBe(1)
    expect(verdict.result).toBe('pass')
  })
})

describe('the limits of an exception and of a baseline, at their boundaries', () => {
  const judged = (expires: string) =>
    judgeEntry(exceptionEntry({ policy: 'p', expires }), TODAY, 90)

  it('an entry may expire exactly max-exception-days from today, not a day later', () => {
    // TODAY is 2026-11-27: 90 days on is 2027-02-25.
    expect(judged('2027-02-25').state).toBe('active')
    expect(judged('2027-02-26').state).toBe('too-long')
  })

  it('an entry is in force on the day it expires, and expired the day after', () => {
    expect(judged(TODAY).state).toBe('active')
    expect(judged('2026-11-26').state).toBe('expired')
  })

  it('expires soon within 14 days, and not on the 15th', () => {
    expect(judged('2026-12-11').expiringSoon).toBe(true)
    expect(judged('2026-12-12').expiringSoon).toBe(false)
  })

  it('a baseline exactly baseline-max-age-days old is not yet old; a day more is', () => {
    const p = policy({ name: 'p', severity: 'critical', violations: 0 })
    p.resources = []
    const warningsAt = (createdAt: string) =>
      judgeResources([p], resourceSettings({ baseline: baselineFile({ [p.id]: [] }, createdAt) }))
        .warnings
    // Whole days up to the end of TODAY (2026-11-27): 30 from 2026-10-28, 31 from the 27th.
    expect(warningsAt('2026-10-28T00:00:00Z')).toEqual([])
    expect(warningsAt('2026-10-27T00:00:00Z')).toEqual([expect.stringContaining('is 31 days old')])
  })
})
