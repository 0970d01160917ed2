// What the policy stage decides of one tracked policy (src/policies/tracked.ts): whether its count
// can be vouched for, whether it was evaluated after the run with a count not to believe, and what
// it looked like before the run. Pure, on listing views.

import { describe, expect, it } from '@jest/globals'
import type { Policy } from '../../src/platform/types.js'
import {
  evaluatedUnbelievably,
  hasCurrentResult,
  observe,
  track,
  type Tracked
} from '../../src/policies/tracked.js'

const RUN_ENDED = '2026-12-01T10:00:00Z'
const BEFORE = '2026-12-01T09:00:00Z'
const AFTER = '2026-12-01T10:00:01Z'
const same = (text: string) => text

const view = (fields: Partial<Policy> = {}): Policy =>
  ({
    id: 'p1',
    name: 'Public buckets',
    severity: 'high',
    domain: 'security',
    query_id: 'q1',
    violation_count: 2,
    run_at: AFTER,
    ...fields
  }) as Policy

/** Tracked from one view; `freshAfter` null: there was no run. */
const tracked = (fields: Partial<Policy> = {}, freshAfter: string | null = RUN_ENDED) =>
  track(view(fields), same, freshAfter ?? undefined)

describe('a tracked policy', () => {
  it('has a current result when executed, or evaluated strictly after the run, or when the latest will do', () => {
    const cases: [string, Tracked, 'wait' | 'latest', string | undefined, boolean][] = [
      ['evaluated after the run', tracked(), 'wait', RUN_ENDED, true],
      ['evaluated at the run’s end', tracked({ run_at: RUN_ENDED }), 'wait', RUN_ENDED, false],
      ['evaluated before the run', tracked({ run_at: BEFORE }), 'wait', RUN_ENDED, false],
      ['never evaluated', tracked({ run_at: undefined }), 'wait', RUN_ENDED, false],
      ['no run to be fresh after', tracked({}, null), 'wait', undefined, false],
      ['the latest, evaluated before', tracked({ run_at: BEFORE }), 'latest', RUN_ENDED, true],
      ['without a count', tracked({ violation_count: -1 }), 'latest', RUN_ENDED, false]
    ]
    for (const [what, t, mode, freshAfter, current] of cases) {
      expect([what, hasCurrentResult(t, mode, freshAfter)]).toEqual([what, current])
    }
    const executed = tracked({ run_at: BEFORE })
    executed.result = { ...executed.result, source: 'executed' }
    expect(hasCurrentResult(executed, 'wait', RUN_ENDED)).toBe(true)
  })

  it('is unknown at once when evaluated after the run with a count that is not one', () => {
    expect(evaluatedUnbelievably(tracked({ violation_count: -1 }), RUN_ENDED)).toBe(true)
    expect(
      evaluatedUnbelievably(tracked({ violation_count: 'many' as unknown as number }), RUN_ENDED)
    ).toBe(true)
    const not: [string, Tracked, string | undefined][] = [
      ['a count', tracked(), RUN_ENDED],
      ['evaluated before the run', tracked({ violation_count: -1, run_at: BEFORE }), RUN_ENDED],
      ['never evaluated', tracked({ violation_count: -1, run_at: undefined }), RUN_ENDED],
      ['no run', tracked({ violation_count: -1 }, null), undefined]
    ]
    for (const [what, t, freshAfter] of not) {
      expect([what, evaluatedUnbelievably(t, freshAfter)]).toEqual([what, false])
    }
    const executed = tracked({ violation_count: -1 })
    executed.result = { ...executed.result, source: 'executed' }
    expect(evaluatedUnbelievably(executed, RUN_ENDED)).toBe(false)
  })

  it('remembers its last view from before the run, and that it had none', () => {
    const t = tracked({ run_at: BEFORE, violation_count: 4 })
    expect(t.preRun).toEqual({ count: 4, runAt: BEFORE })
    observe(t, view({ run_at: AFTER, violation_count: 1 }), same, RUN_ENDED)
    // A view after the run leaves the one before it as it was.
    expect(t.preRun).toEqual({ count: 4, runAt: BEFORE })
    expect(t.latest).toEqual({ count: 1, runAt: AFTER })
    // Never evaluated before the run: null, which a later unevaluated view does not overwrite.
    const never = tracked({ run_at: undefined })
    expect(never.preRun).toBeNull()
    // Without a run, there is no before.
    expect(tracked({ run_at: BEFORE }, null).preRun).toBeUndefined()
    expect(tracked({ run_at: undefined }, null).preRun).toBeUndefined()
  })

  it('keeps the query to look its tables up, its groups by name, and a count that is not one as text', () => {
    const t = tracked({
      query: 'select * from aws_s3_buckets',
      violation_count: -3,
      policy_groups: [{ id: 'g1', name: 'Security' }] as Policy['policy_groups']
    })
    expect(t.query).toBe('select * from aws_s3_buckets')
    expect(t.result).toMatchObject({
      groups: ['Security'],
      violations: undefined,
      invalidCount: '-3'
    })
    expect(tracked({ query: 42 as unknown as string }).query).toBeUndefined()
    expect(
      tracked({ violation_count: null as unknown as number }).result.invalidCount
    ).toBeUndefined()
    expect(tracked().result.groups).toEqual([])
  })
})
