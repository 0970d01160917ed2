import { describe, expect, it } from '@jest/globals'
import { decide, type VerdictInput } from '../../src/verdict/decide.js'
import { failureMessage, isSoftened, reason } from '../../src/verdict/reasons.js'
import {
  baselineFile,
  completedSync,
  DEFAULT_THRESHOLDS,
  failedSync,
  failingPolicies,
  notAwaitedSync,
  passingPolicies,
  policy,
  policyOutcome,
  resource,
  resourceSettings,
  syncOutcome
} from '../__fixtures__/report.js'

const GATE = { thresholds: DEFAULT_THRESHOLDS, gateOn: 'all' as const }

function verdict(input: Partial<VerdictInput>) {
  return decide({ cancelled: false, errors: [], syncs: [], ...input })
}

const texts = (decided: { reasons: { text: string }[] }) => decided.reasons.map((r) => r.text)

describe('decide', () => {
  it('passes when every stage passed, with the gate it judged', () => {
    const decided = verdict({ syncs: [completedSync()], policies: passingPolicies(), gate: GATE })
    expect(decided).toMatchObject({ result: 'pass', reasons: [], softened: false })
    expect(decided.gate?.verdict).toBe('pass')
  })

  it('passes a run left running (wait: false)', () => {
    expect(verdict({ syncs: [notAwaitedSync()] }).result).toBe('pass')
  })

  it('fails on a cancelled workflow, a stage error, a failed run or gate, most fundamental first, each reason with its kind', () => {
    const decided = verdict({
      cancelled: true,
      errors: [{ stage: 'policies', message: 'HTTP 503' }],
      syncs: [failedSync()],
      policies: failingPolicies(),
      gate: GATE
    })
    expect(decided.result).toBe('fail')
    expect(decided.reasons.map((r) => r.kind)).toEqual([
      'cancelled',
      'policies',
      'sync',
      'threshold',
      'threshold',
      'stale'
    ])
    expect(decided.reasons[0].text).toBe('The workflow was cancelled before the action finished.')
    expect(decided.reasons[1].text).toBe('Policy stage: HTTP 503')
    expect(decided.reasons[2].text).toContain('ran out of memory')
    expect(decided.reasons[3].text).toBe(
      '3 critical violations; at most 0 allowed (max-critical-violations)'
    )
  })

  it('names a failed sync stage even when it gave no reason', () => {
    const sync = syncOutcome({ verdict: 'fail', run: undefined })
    expect(texts(verdict({ syncs: [sync] }))).toEqual(['The sync stage failed.'])
    // The stage's error already says why.
    const errors = [{ stage: 'sync' as const, message: 'HTTP 503' }]
    expect(verdict({ syncs: [sync], errors }).reasons).toEqual([
      { kind: 'sync', text: 'Sync stage: HTTP 503' }
    ])
    expect(texts(verdict({ syncs: [sync], cancelled: true }))).toEqual([
      'The workflow was cancelled before the action finished.'
    ])
    // Another stage's error does not explain it.
    const policiesError = [{ stage: 'policies' as const, message: 'HTTP 503' }]
    expect(texts(verdict({ syncs: [sync], errors: policiesError }))).toEqual([
      'Policy stage: HTTP 503',
      'The sync stage failed.'
    ])
    // Among several syncs, it names the one.
    const other = syncOutcome({ syncName: 'aws-dev' })
    expect(texts(verdict({ syncs: [other, sync] }))).toEqual([
      `The sync stage failed for "${sync.syncName}".`
    ])
  })

  it('judges the policy counts only against the thresholds it is given', () => {
    expect(verdict({ policies: failingPolicies() }).gate).toBeUndefined()
    const lenient = { ...GATE, thresholds: { ...DEFAULT_THRESHOLDS, critical: 3, high: 5 } }
    const decided = verdict({ policies: failingPolicies(), gate: lenient })
    expect(decided.gate?.rows.find((row) => row.key === 'critical')).toMatchObject({
      violations: 3,
      counted: 3,
      allowed: 3,
      status: 'within'
    })
  })

  it('counts stale policies against the gate', () => {
    const decided = verdict({ policies: failingPolicies(), gate: GATE })
    expect(decided.reasons).toContainEqual({
      kind: 'stale',
      text: expect.stringContaining('1 policy with no fresh result')
    })
  })

  it('is the same for the same findings', () => {
    const input = { syncs: [failedSync()], policies: failingPolicies(), gate: GATE }
    expect(verdict(input)).toEqual(verdict(input))
  })
})

describe('soft-fail', () => {
  const breached = { policies: policyOutcome([policy({ name: 'p', violations: 2 })]), gate: GATE }

  it('softens a verdict whose every reason is a breached threshold', () => {
    const decided = verdict({ ...breached, softFail: true })
    expect(decided).toMatchObject({ result: 'fail', softened: true })
    expect(verdict(breached).softened).toBe(false)
  })

  it.each([
    ['a failed sync', { syncs: [failedSync()] }],
    ['a stage error', { errors: [{ stage: 'platform' as const, message: 'HTTP 503' }] }],
    ['a mistake in the inputs', { errors: [{ stage: 'inputs' as const, message: 'bad' }] }],
    ['a cancelled workflow', { cancelled: true }]
  ])('never softens %s, even beside a breached threshold', (_what, input) => {
    expect(verdict({ ...breached, ...input, softFail: true }).softened).toBe(false)
  })

  it('never softens a baseline made for other policies', () => {
    const critical = policy({ name: 'Public S3 buckets', severity: 'critical', violations: 1 })
    critical.resources = [resource('a')]
    const decided = verdict({
      policies: policyOutcome([critical]),
      gate: { ...GATE, resources: resourceSettings({ baseline: baselineFile({ x: ['y'] }) }) },
      softFail: true
    })
    expect(decided.reasons[0].kind).toBe('input')
    expect(decided.softened).toBe(false)
  })

  it('never softens stale data', () => {
    expect(verdict({ policies: failingPolicies(), gate: GATE, softFail: true }).softened).toBe(
      false
    )
  })

  it('isSoftened needs at least one reason', () => {
    expect(isSoftened([], true)).toBe(false)
    expect(isSoftened([reason('threshold', 'x')], true)).toBe(true)
    expect(isSoftened([reason('threshold', 'x')], false)).toBe(false)
  })
})

describe('failureMessage', () => {
  const of = (...reasons: string[]) =>
    failureMessage(reasons.map((text) => reason('threshold', text)))

  it('ends with one full stop, whether the reason has one or not', () => {
    const line = of('Run r1 of sync "aws-prod" failed with 3 errors.')
    expect(line).toBe(
      'CloudQuery Platform gate failed: Run r1 of sync "aws-prod" failed with 3 errors. See the job summary for details.'
    )
    expect(of('3 critical violations; at most 0 allowed')).not.toMatch(/\.\./)
    expect(line).not.toMatch(/\.\./)
  })

  it('counts the other reasons in words', () => {
    expect(of('a.', 'b.')).toContain('failed: a (and 1 more reason). See')
    expect(of('a', 'b', 'c')).toContain('(and 2 more reasons)')
    expect(of('a', 'b')).not.toMatch(/\(s\)/)
  })
})
