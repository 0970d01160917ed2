// The sentences several surfaces share: the gate's log line names each figure as the tables do.

import { describe, expect, it } from '@jest/globals'
import { entryNote, gateLogLine } from '../../../src/report/render/wording.js'
import { judgeEntry } from '../../../src/verdict/exceptions.js'
import {
  comparedPolicies,
  exceptionEntry,
  failingPolicies,
  passingPolicies,
  runReport,
  TODAY
} from '../../__fixtures__/report.js'

describe('gateLogLine', () => {
  it('judging the Platform count, names no figure the gate did not use', () => {
    const gate = runReport({ policies: passingPolicies() }).verdict.gate!
    expect(gateLogLine(gate, { withExceptions: false, scoped: false })).toBe(
      'Policy gate (gate-on: all, judging violations against the thresholds): violations 13. Per severity, violations/allowed: critical 0/0 within, high 0/0 within, medium 4 no limit, low 9 no limit, total 13 no limit. Passed.'
    )
  })

  it('with a baseline, names new and counted, and unknown as —', () => {
    const { policies, resources } = comparedPolicies()
    const gate = runReport({ policies, resources, gateOn: 'new' }).verdict.gate!
    expect(gateLogLine(gate, { withExceptions: false, scoped: false })).toBe(
      'Policy gate (gate-on: new, judging counted against the thresholds): violations 17, new —, counted —. Per severity, counted/allowed: critical 2/0 over, high 0/0 within, medium — no limit, low — no limit, total — no limit. Failed.'
    )
  })

  it('with exceptions, names suppressed beside the count', () => {
    const gate = runReport({ policies: failingPolicies() }).verdict.gate!
    expect(gateLogLine(gate, { withExceptions: true, scoped: false })).toContain(
      'violations 17, suppressed 0, counted 17.'
    )
  })
})

describe('entryNote', () => {
  const note = (fields: Parameters<typeof exceptionEntry>[0]) =>
    entryNote(judgeEntry(exceptionEntry({ policy: 'p', ...fields }), TODAY, 90))

  it('says what is wrong once', () => {
    expect(note({ expires: '2026-01-01' })).toBe(
      'line 3 (policy "p"): expired on 2026-01-01; it suppresses nothing'
    )
    expect(note({ expires: '2027-12-01' })).toMatch(
      /: too long: expires on 2027-12-01, more than 90/
    )
    expect(note({ problems: ['no "reason"'] })).toBe(
      'line 3 (policy "p"): invalid: no "reason"; it suppresses nothing'
    )
    expect(note({})).toBe(
      'line 3 (policy "p"): unused: it matched no violating resource; remove it if the finding is gone'
    )
  })
})
