import { describe, expect, it } from '@jest/globals'
import { externalOutcome, type SyncOutcome } from '../../src/sync/outcome.js'
import { whyPolicyDataIsIncomplete, type SyncStageState } from '../../src/sync/completeness.js'
import { syncOutcome, syncRun } from '../__fixtures__/report.js'

const NAMES = ['aws-prod', 'aws-dev', 'gcp-prod']
const ingested = (): SyncOutcome => syncOutcome()
const failed = (): SyncOutcome =>
  syncOutcome({ verdict: 'fail', run: syncRun({ status: 'failed', ingested: false }) })
const timedOut = (): SyncOutcome =>
  syncOutcome({
    verdict: 'fail',
    timedOut: true,
    run: syncRun({ status: 'started', completed_at: null, ingested: false })
  })
const unawaited = (): SyncOutcome =>
  syncOutcome({ waited: false, run: syncRun({ status: 'started', completed_at: null }) })

function why(outcomes: (SyncOutcome | undefined)[], state: Partial<SyncStageState> = {}) {
  return whyPolicyDataIsIncomplete({
    names: NAMES.slice(0, outcomes.length),
    outcomes,
    otherStageFailed: false,
    syncStageThrew: false,
    ...state
  })
}

describe('whyPolicyDataIsIncomplete', () => {
  it('lets a policies-only gate and a run whose data was ingested through', () => {
    expect(why([])).toBeUndefined()
    expect(why([ingested()])).toBeUndefined()
    expect(why([ingested(), ingested(), ingested()])).toBeUndefined()
  })

  it('keeps the one-sync reasons', () => {
    expect(why([failed()])).toMatch(/the sync run failed/)
    expect(why([timedOut()])).toMatch(/the sync run failed/)
    expect(why([unawaited()])).toMatch(/wait: false/)
    expect(why([undefined])).toBe('the sync stage did not finish')
    expect(why([ingested()], { syncStageThrew: true })).toBe('the sync stage did not finish')
    expect(why([ingested()], { otherStageFailed: true })).toBe('the sync stage did not finish')
    const refused = syncOutcome({ verdict: 'fail', waited: false, startedByAction: false })
    expect(why([refused], { ifRunning: 'fail' })).toMatch(/"if-running" is "fail"/)
  })

  it('runs the gate over the others when one of several syncs failed', () => {
    expect(why([ingested(), failed(), ingested()])).toBeUndefined()
    const cancelled = syncOutcome({
      verdict: 'fail',
      timedOut: true,
      cancelledByAction: true,
      run: syncRun({ status: 'cancelled', ingested: false })
    })
    expect(why([ingested(), cancelled])).toBeUndefined()
  })

  it('waits for no result while a sync whose stage threw may have a run going', () => {
    expect(why([ingested(), undefined, ingested()], { syncStageThrew: true })).toBe(
      'the data of sync "aws-dev" may still change: the sync stage did not finish'
    )
  })

  it('waits for no result while another run of a sync refused by if-running: fail is going', () => {
    const refused = syncOutcome({ verdict: 'fail', waited: false, startedByAction: false })
    expect(why([ingested(), refused], { ifRunning: 'fail' })).toMatch(
      /^the data of sync "aws-dev" may still change: no run was started/
    )
  })

  it('waits for no result while any run may still be writing data', () => {
    expect(why([ingested(), timedOut(), ingested()])).toBe(
      'the data of sync "aws-dev" may still change: the sync run failed, so the policy results would not reflect it'
    )
    expect(why([ingested(), ingested(), unawaited()])).toMatch(
      /^the data of sync "gcp-prod" may still change: .*wait: false/
    )
    const ingesting = syncOutcome({
      verdict: 'fail',
      timedOut: true,
      run: syncRun({ status: 'completed', ingested: false })
    })
    expect(why([ingesting, ingested()])).toMatch(/^the data of sync "aws-prod" may still change/)
  })

  it('waits for no result while a shard of a CLI sync was not found: it may still upload', () => {
    const notFound = externalOutcome('aws-dev', { verdict: 'fail' })
    expect(why([ingested(), notFound])).toBe(
      'the data of sync "aws-dev" may still change: its CLI run was not found, so its data may still arrive'
    )
  })

  it('skips the gate when no run finished with its data ingested', () => {
    expect(why([failed(), failed()])).toMatch(/no sync run finished with its data ingested/)
  })
})
