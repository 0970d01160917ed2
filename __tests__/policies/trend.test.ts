// The 7-day trend as readTrend builds it from the Platform's violations history: the days in date
// order whatever order the answers come in, and the domains' histories added up per day.

import { describe, expect, it } from '@jest/globals'
import type { PlatformClient, PolicyListFilters } from '../../src/platform/client.js'
import { readTrend } from '../../src/policies/trend.js'

type History = Awaited<ReturnType<PlatformClient['violationsHistory']>>

/** A client whose only operation is the history, answered per domain as given. */
function historyClient(byDomain: Record<string, History['items']>): {
  client: PlatformClient
  asked: { range: object; filters: PolicyListFilters }[]
} {
  const asked: { range: object; filters: PolicyListFilters }[] = []
  const client = {
    violationsHistory: (range: object, filters: PolicyListFilters) => {
      asked.push({ range, filters })
      return Promise.resolve({ items: byDomain[filters.domain ?? ''] ?? [] } as History)
    }
  } as unknown as PlatformClient
  return { client, asked }
}

const NOW = Date.parse('2026-12-07T10:00:00Z')

describe('readTrend', () => {
  it('puts the days in date order, whatever order the Platform answers in', async () => {
    const { client, asked } = historyClient({
      '': [
        { date: '2026-12-07', violation_count: 7 },
        { date: '2026-12-01', violation_count: 1 },
        { date: '2026-12-04', violation_count: 4 }
      ] as History['items']
    })
    const trend = await readTrend(client, {}, [], NOW)
    expect(trend).toEqual([
      { date: '2026-12-01', violations: 1 },
      { date: '2026-12-04', violations: 4 },
      { date: '2026-12-07', violations: 7 }
    ])
    expect(asked.map((a) => a.range)).toEqual([{ startDate: '2026-12-01', endDate: '2026-12-07' }])
  })

  it('adds the domains up per day, each asked for on its own', async () => {
    const { client, asked } = historyClient({
      aws: [
        { date: '2026-12-06', violation_count: 2 },
        { date: '2026-12-05', violation_count: 1 }
      ] as History['items'],
      gcp: [{ date: '2026-12-06', violation_count: 3 }] as History['items']
    })
    const trend = await readTrend(client, {}, ['aws', 'gcp'], NOW)
    expect(trend).toEqual([
      { date: '2026-12-05', violations: 1 },
      { date: '2026-12-06', violations: 5 }
    ])
    expect(asked.map((a) => a.filters.domain)).toEqual(['aws', 'gcp'])
  })
})
