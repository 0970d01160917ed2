import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../src/lib/log-safety.js'
import type { SyncRunDetails } from '../../src/platform/types.js'
import { outputsOf } from '../../src/report/outputs.js'
import type { SyncOutcome } from '../../src/sync/outcome.js'
import {
  API_KEY,
  EXTERNAL_SYNC_ID,
  externalSyncOutcome,
  INVOCATION_ID,
  runReport,
  severalSyncs,
  syncOutcome,
  syncRun
} from '../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const outputsFor = (syncs: SyncOutcome[]) =>
  outputsOf(runReport({ syncs, syncNames: syncs.map((sync) => sync.syncName) }), redact)

describe('outputs for several syncs', () => {
  it('describe the worst run, add up the figures and take the longest duration', () => {
    const outputs = outputsFor(severalSyncs())
    expect(outputs).toMatchObject({
      'sync-run-id': 'run-gcp',
      'sync-run-status': 'failed',
      'sync-run-status-reason': 'oom_killed',
      'sync-total-rows': '37440',
      'sync-errors': '17',
      'sync-warnings': '6',
      'sync-duration-seconds': '500'
    })
    expect(JSON.parse(outputs['sync-runs'])).toEqual({
      'aws-prod': expect.objectContaining({ status: 'completed', rows: 12480, kind: 'managed' }),
      'gcp-prod': {
        id: 'run-gcp',
        status: 'failed',
        rows: 12480,
        errors: 17,
        warnings: 2,
        durationSeconds: 312,
        kind: 'managed'
      },
      'azure-prod': expect.objectContaining({ id: 'run-azure', durationSeconds: 500 })
    })
  })

  it('leave a total empty when any run does not know its figure', () => {
    const [first, second] = severalSyncs()
    const unknown = syncOutcome({ ...second, run: { ...second.run!, errors: null } })
    const outputs = outputsFor([first, unknown])
    expect(outputs['sync-errors']).toBe('')
    expect(outputs['sync-total-rows']).toBe('24960')
    expect(JSON.parse(outputs['sync-runs'])['gcp-prod'].errors).toBeNull()
  })

  const WORST_FIRST: [string, Partial<SyncRunDetails>][] = [
    ['failed', { status: 'failed' }],
    ['cancelled', { status: 'cancelled' }],
    ['a status it does not know', { status: 'paused' }],
    ['still active', { status: 'started' }],
    ['ingestion_failed', { status_reason: 'ingestion_failed' }],
    ['partial_success', { status_reason: 'partial_success' }],
    ['completed', {}]
  ]

  it.each(WORST_FIRST.slice(0, -1).map(([name], index): [string, number] => [name, index]))(
    'rank %s worse than every status after it',
    (_, index) => {
      // The better runs before and after it, so the worst is neither simply the first nor the last.
      const better = WORST_FIRST.slice(index + 1).map(([, run]) => run)
      const runs = [...better, WORST_FIRST[index][1], ...better]
      const syncs = runs.map((run, at) =>
        syncOutcome({ syncName: `s${at}`, run: syncRun({ id: `run-${at}`, ...run }) })
      )
      expect(outputsFor(syncs)['sync-run-id']).toBe(`run-${better.length}`)
    }
  )

  it('counts a run that timed out as still going, whatever status it was last seen in', () => {
    const timedOut = syncOutcome({
      syncName: 'slow',
      timedOut: true,
      run: syncRun({ id: 'run-slow', status: 'completed' })
    })
    const partial = syncOutcome({ run: syncRun({ status_reason: 'ingestion_failed' }) })
    expect(outputsFor([partial, timedOut])['sync-run-id']).toBe('run-slow')
  })

  it('keep hostile ids and statuses from becoming shell code, and redact the names', () => {
    const sync = syncOutcome({
      syncName: `evil"; ${API_KEY}`,
      run: syncRun({ id: '$(curl evil)', status: "done'; rm -rf /" })
    })
    const outputs = outputsFor([sync, severalSyncs()[0]])
    const runs = JSON.parse(outputs['sync-runs']) as Record<string, { id: string; status: string }>
    expect(Object.keys(runs)).toEqual(['evil"; ***', 'aws-prod'])
    expect(runs['evil"; ***']).toMatchObject({ id: '__curl_evil_', status: 'done___rm_-rf__' })
    expect(outputs['sync-run-status']).toBe('done___rm_-rf__')
    expect(outputs['sync-runs']).not.toContain(API_KEY)
  })

  it('show an external sync with the figures it has, and none it has not', () => {
    const outputs = outputsFor([externalSyncOutcome()])
    expect(outputs).toMatchObject({
      'sync-run-id': EXTERNAL_SYNC_ID,
      'sync-run-status': 'completed',
      'sync-total-rows': '48000',
      'sync-errors': '',
      'sync-warnings': '',
      'sync-duration-seconds': '240'
    })
    expect(JSON.parse(outputs['sync-runs'])).toEqual({
      [INVOCATION_ID]: {
        id: EXTERNAL_SYNC_ID,
        status: 'completed',
        rows: 48000,
        errors: null,
        warnings: null,
        durationSeconds: 240,
        kind: 'external'
      }
    })
  })
})
