// The violation trend of the last days, as the Platform's violations history gives it.

import { compareCodeUnits } from '../lib/locale-free.js'
import type { PlatformClient, PolicyListFilters } from '../platform/client.js'
import type { PolicyOutcome } from './outcome.js'
import { countOf } from './tracked.js'

export const TREND_DAYS = 7
const DAY_MS = 86_400_000

export async function readTrend(
  client: PlatformClient,
  filters: PolicyListFilters,
  domains: string[],
  now: number
): Promise<PolicyOutcome['trend']> {
  const range = {
    startDate: isoDate(now - (TREND_DAYS - 1) * DAY_MS),
    endDate: isoDate(now)
  }
  // Domains are disjoint, so per-domain histories add up to the history of several domains.
  const scopes = domains.length > 1 ? domains.map((domain) => ({ ...filters, domain })) : [filters]
  const histories = await Promise.all(scopes.map((scope) => client.violationsHistory(range, scope)))
  const totals = new Map<string, number>()
  for (const { items } of histories) {
    for (const item of items) {
      totals.set(item.date, (totals.get(item.date) ?? 0) + (countOf(item.violation_count) ?? 0))
    }
  }
  return [...totals]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([date, violations]) => ({ date, violations }))
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
