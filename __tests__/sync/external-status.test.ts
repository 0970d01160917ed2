import { describe, expect, it } from '@jest/globals'
import { externalProgress, freshFrom } from '../../src/sync/external-status.js'
import { externalRunTables } from '../../src/sync/run-tables.js'

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

describe('externalProgress: the line a wait prints', () => {
  const asIs = (text: string): string => text
  const sync = {
    id: 'e-1',
    invocation_id: 'i-1',
    created_at: '2026-11-30T12:00:00Z',
    status: 'started',
    rows: 12_480,
    table_progress: { aws_ec2_instances: 12_000, aws_s3_buckets: 480 }
  }

  it('counts the tables of table_progress', () => {
    expect(externalProgress(sync, 'External sync e-1', asIs).progress).toBe(
      '12,480 rows in 2 tables'
    )
  })

  it('counts the tables the Platform reported when the client kept only the largest', () => {
    const cut = { ...sync, tablesReported: 800_000 }
    expect(externalProgress(cut, 'External sync e-1', asIs).progress).toBe(
      '12,480 rows in 800,000 tables'
    )
    const lying = { ...sync, tablesReported: 'many' as unknown as number }
    expect(externalProgress(lying, 'External sync e-1', asIs).progress).toBe(
      '12,480 rows in 2 tables'
    )
  })
})

describe('externalRunTables: the tables a CLI run wrote, for the coverage check', () => {
  const sync = {
    id: 'e-1',
    invocation_id: 'i-1',
    created_at: '2026-11-30T12:00:00Z',
    status: 'completed',
    // A hostile Platform's map: a row count that is no count.
    table_progress: { aws_ec2_instances: 12_000, aws_s3_buckets: 'lots' as unknown as number }
  }

  it('are the tables of table_progress, a row count that is none unknown', () => {
    expect(externalRunTables(sync)).toEqual({
      tables: [
        { name: 'aws_ec2_instances', rows: 12_000 },
        { name: 'aws_s3_buckets', rows: null }
      ]
    })
    expect(externalRunTables({ ...sync, table_progress: null })).toEqual({})
  })

  it('are unknown once the client cut the map: a short list would make tables look unwritten', () => {
    expect(externalRunTables({ ...sync, tablesReported: 800_000 })).toEqual({
      tablesUnknown:
        'its table_progress names 800,000 tables, more than the 10,000 this action reads'
    })
  })
})
