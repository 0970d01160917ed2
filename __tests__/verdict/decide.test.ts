import { describe, expect, it } from '@jest/globals'
import { decide, failureMessage, type VerdictInput } from '../../src/verdict/decide.js'
import {
  completedSync,
  DEFAULT_THRESHOLDS,
  failedSync,
  failingPolicies,
  notAwaitedSync,
  passingPolicies,
  syncOutcome
} from '../__fixtures__/report.js'

const GATE = { thresholds: DEFAULT_THRESHOLDS, gateOn: 'all' as const }

function verdict(input: Partial<VerdictInput>) {
  return decide({ cancelled: false, errors: [], syncs: [], ...input })
}

describe('decide', () => {
  it('passes when every stage passed, with the gate it judged', () => {
    const decided = verdict({ syncs: [completedSync()], policies: passingPolicies(), gate: GATE })
    expect(decided).toMatchObject({ result: 'pass', reasons: [] })
    expect(decided.gate?.verdict).toBe('pass')
  })

  it('passes a run left running (wait: false)', () => {
    expect(verdict({ syncs: [notAwaitedSync()] }).result).toBe('pass')
  })

  it('fails on a cancelled workflow, a stage error, a failed run or gate, most fundamental first', () => {
    const decided = verdict({
      cancelled: true,
      errors: [{ stage: 'policies', message: 'HTTP 503' }],
      syncs: [failedSync()],
      policies: failingPolicies(),
      gate: GATE
    })
    expect(decided.result).toBe('fail')
    expect(decided.reasons[0]).toBe('The workflow was cancelled before the action finished.')
    expect(decided.reasons[1]).toBe('Policy stage: HTTP 503')
    expect(decided.reasons[2]).toContain('ran out of memory')
    expect(decided.reasons[3]).toBe(
      '3 critical violations; at most 0 allowed (max-critical-violations)'
    )
  })

  it('names a failed sync stage even when it gave no reason', () => {
    const sync = syncOutcome({ verdict: 'fail', run: undefined })
    expect(verdict({ syncs: sync ? [sync] : [] }).reasons).toEqual(['The sync stage failed.'])
    // The stage's error already says why.
    const errors = [{ stage: 'sync' as const, message: 'HTTP 503' }]
    expect(verdict({ syncs: sync ? [sync] : [], errors }).reasons).toEqual(['Sync stage: HTTP 503'])
    expect(verdict({ syncs: sync ? [sync] : [], cancelled: true }).reasons).toEqual([
      'The workflow was cancelled before the action finished.'
    ])
  })

  it('judges the policy counts only against the thresholds it is given', () => {
    expect(verdict({ policies: failingPolicies() }).gate).toBeUndefined()
    const lenient = { ...GATE, thresholds: { ...DEFAULT_THRESHOLDS, critical: 3, high: 5 } }
    const decided = verdict({ policies: failingPolicies(), gate: lenient })
    expect(decided.gate?.rows.find((row) => row.severity === 'critical')).toMatchObject({
      violations: 3,
      allowed: 3,
      breached: false
    })
  })

  it('counts stale policies against the gate', () => {
    const decided = verdict({ policies: failingPolicies(), gate: GATE })
    expect(decided.reasons).toContainEqual(expect.stringContaining('1 policy with no fresh result'))
  })

  it('is the same for the same findings', () => {
    const input = { sync: failedSync(), policies: failingPolicies(), gate: GATE }
    expect(verdict(input)).toEqual(verdict(input))
  })
})

describe('failureMessage', () => {
  it('ends with one full stop, whether the reason has one or not', () => {
    const line = failureMessage(['Run r1 of sync "aws-prod" failed with 3 errors.'])
    expect(line).toBe(
      'CloudQuery Platform gate failed: Run r1 of sync "aws-prod" failed with 3 errors. See the job summary for details.'
    )
    expect(failureMessage(['3 critical violations; at most 0 allowed'])).not.toMatch(/\.\./)
    expect(line).not.toMatch(/\.\./)
  })

  it('counts the other reasons in words', () => {
    expect(failureMessage(['a.', 'b.'])).toContain('failed: a (and 1 more reason). See')
    expect(failureMessage(['a', 'b', 'c'])).toContain('(and 2 more reasons)')
    expect(failureMessage(['a', 'b'])).not.toMatch(/\(s\)/)
  })
})
