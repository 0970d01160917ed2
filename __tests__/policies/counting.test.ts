// The policy stage's counting words (src/policies/counting.ts, per-policy.ts): the log's summary
// line, the warnings about counts the gate cannot use as they are, and the one warning that
// gathers the policies a per-policy request failed for.

import { describe, expect, it } from '@jest/globals'
import {
  missingCountWarning,
  summaryLine,
  tally,
  unknownSeverityWarning
} from '../../src/policies/counting.js'
import { failureWarning, forEachPolicy } from '../../src/policies/per-policy.js'
import { PlatformError } from '../../src/platform/client.js'
import { policy } from '../__fixtures__/report.js'

const POLICIES = [
  policy({ name: 'c', severity: 'critical', violations: 2 }),
  policy({ name: 'h', severity: 'high', violations: 0 }),
  policy({ name: 'l', severity: 'low', violations: 1, stale: true }),
  policy({ name: 'u1', severity: 'urgent', violations: 3 }),
  policy({ name: 'u2', severity: 'urgent', violations: 1 }),
  policy({ name: 'x', severity: 'Extreme', violations: 0 })
]

describe('the policy stage’s counting', () => {
  it('sums up in one log line: by severity, the unknown ones apart, violating and stale policies', () => {
    expect(summaryLine(POLICIES, tally(POLICIES))).toBe(
      'Policies: 7 violations (2 critical, 0 high, 0 medium, 1 low, 4 of unknown severity) in 4 violating policies of 6; 1 stale.'
    )
    const known = POLICIES.slice(0, 2)
    expect(summaryLine(known, tally(known))).toBe(
      'Policies: 2 violations (2 critical, 0 high, 0 medium, 0 low) in 1 violating policy of 2; 0 stale.'
    )
  })

  it('warns once about the severities it does not know, each with its policies and violations', () => {
    expect(unknownSeverityWarning(POLICIES)).toEqual([
      'Policies with a severity this action does not know ("urgent": 2 policies, 4 violations; "Extreme": 1 policy, 0 violations): their violations count toward the total (max-violations) only.'
    ])
    expect(unknownSeverityWarning(POLICIES.slice(0, 3))).toEqual([])
  })

  it('warns about each count that is not a count, and once about the policies without one', () => {
    const invalid = { ...policy({ name: 'Bad', violations: undefined }), invalidCount: '-1' }
    const never = [
      policy({ name: 'Never A', violations: undefined }),
      policy({ name: 'Never B', violations: undefined })
    ]
    expect(missingCountWarning([invalid, ...never, ...POLICIES])).toEqual([
      'The Platform answered -1 as the violation count of "Bad", which is not a count: its result is unknown, never 0.',
      'No violation count (never evaluated?) for 2 policies, so treated as stale: "Never A", "Never B".'
    ])
    expect(missingCountWarning(POLICIES)).toEqual([])
  })
})

describe('per-policy requests', () => {
  it('gather what failed in one warning: the first three, and how many more', () => {
    const failures = ['"a": x', '"b": y', '"c": z', '"d": w', '"e": v']
    expect(failureWarning('History', failures)).toEqual([
      'History of 5 policies: "a": x; "b": y; "c": z; and 2 more'
    ])
    expect(failureWarning('History', failures.slice(0, 3))).toEqual([
      'History of 3 policies: "a": x; "b": y; "c": z'
    ])
    expect(failureWarning('History', [])).toEqual([])
  })

  it('skip a policy the Platform failed for, and let any other error through', async () => {
    const failures = await forEachPolicy(['ok', 'refused'], String, async (name) => {
      if (name === 'refused') throw new PlatformError('HTTP 503', 'http', 'GET /x')
    })
    expect(failures).toEqual(['"refused": HTTP 503'])
    await expect(
      forEachPolicy(['bug'], String, async () => {
        throw new TypeError('a bug')
      })
    ).rejects.toThrow('a bug')
  })
})
