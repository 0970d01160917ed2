import { describe, expect, it } from '@jest/globals'
import { freshFrom } from '../../src/sync/external-status.js'

describe('freshFrom: when results must be newer than, to cover an external sync', () => {
  const finishedAt = '2026-11-30T12:00:00.000Z'

  it('is finished_at when the data was in by then', () => {
    expect(freshFrom(finishedAt, undefined)).toBe(finishedAt)
    expect(freshFrom(finishedAt, Date.parse(finishedAt) - 1_000)).toBe(finishedAt)
  })

  it('is the last moment it was still finalizing, when finished_at came before that', () => {
    // A Platform that sets finished_at when the CLI reports done, before ingestion ends.
    const finalizingAt = Date.parse(finishedAt) + 4_000
    expect(freshFrom(finishedAt, finalizingAt)).toBe('2026-11-30T12:00:04.000Z')
  })
})
