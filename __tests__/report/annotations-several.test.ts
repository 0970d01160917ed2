import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../src/lib/log-safety.js'
import { ANNOTATION_LIMIT, planAnnotations } from '../../src/report/annotations.js'
import type { SyncOutcome } from '../../src/sync/outcome.js'
import {
  API_KEY,
  externalSync,
  externalSyncOutcome,
  failedSync,
  runReport,
  severalSyncs,
  timedOutSync
} from '../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const plan = (syncs: SyncOutcome[]) =>
  planAnnotations(runReport({ syncs, syncNames: syncs.map((sync) => sync.syncName) }), redact)
const named = (sync: SyncOutcome, syncName: string): SyncOutcome => ({ ...sync, syncName })

describe('annotations for several syncs', () => {
  it('an error for the failing sync only, its title naming it', () => {
    expect(plan(severalSyncs())).toEqual([
      {
        level: 'error',
        title: 'Sync "gcp-prod" failed',
        message: expect.stringContaining('ran out of memory')
      }
    ])
  })

  it('one error per failing or timed-out sync, not just the first', () => {
    const syncs = [
      named(failedSync(), 'a'),
      severalSyncs()[0],
      named(timedOutSync(), 'b'),
      named(failedSync(), 'c')
    ]
    expect(plan(syncs).map(({ level, title }) => [level, title])).toEqual([
      ['error', 'Sync "a" failed'],
      ['error', 'Sync "b" timed out'],
      ['error', 'Sync "c" failed']
    ])
  })

  it("keeps within GitHub's limit when many syncs fail, merging the rest", () => {
    const syncs = Array.from({ length: 14 }, (_, index) => named(failedSync(), `sync-${index}`))
    const errors = plan(syncs)
    expect(errors).toHaveLength(ANNOTATION_LIMIT)
    expect(errors[ANNOTATION_LIMIT - 1].title).toBe('5 more errors (see the job summary)')
    expect(errors[ANNOTATION_LIMIT - 1].message).toContain('Sync "sync-13" failed')
  })

  it('names a failing CLI sync as one', () => {
    const failed = {
      ...externalSyncOutcome(externalSync({ status: 'failed' })),
      verdict: 'fail' as const,
      reasons: ['The CLI sync failed.']
    }
    expect(plan([failed, severalSyncs()[0]])[0].title).toBe('CLI sync "inv-2026-11-27-a" failed')
  })

  it('keeps a hostile sync name to one inert line, without the key', () => {
    const hostile = named(failedSync(), `x"\n::error title=pwned::${API_KEY}\r\n%0A`)
    const [error] = plan([hostile, severalSyncs()[0]])
    expect(error.title).not.toMatch(/[\r\n]/)
    expect(error.title).not.toContain(API_KEY)
    expect(error.title).toContain('***')
  })
})
