// Violations, their history and saved queries: what the action's gate and samples are built on.

import { DAY, dateOnly, pageMetadata, pageOf, paging } from './api-conventions.js'
import {
  countAfterSyncs,
  evaluationLog,
  policyState,
  VIOLATION_COLUMNS,
  violationAt,
  violationRow,
  type CatalogPolicy,
  type ViolatingResource
} from './catalog.js'
import { ApiError, type ApiRequest, type PlatformState, type Reply } from './operations.js'
import { filteredPolicies } from './policy-handlers.js'
import { uuidOf } from './random.js'
import type { ListingQuirks } from './scenario.js'
import { ingestedAt } from './runs.js'

/**
 * The index of the `position`-th violating resource: before a sync the first ones; after it, the
 * first `swapAfterSync` are fixed and as many further ones violate in their place.
 */
function resourceIndex(policy: CatalogPolicy, position: number, afterSync: boolean): number {
  return afterSync ? position + (policy.swapAfterSync ?? 0) : position
}

export class ViolationHandlers {
  /** Listings (requests for page 1) of each policy so far, for quirks that settle. */
  private readonly listings = new Map<string, number>()

  constructor(private readonly platform: PlatformState) {}

  violations({ params, query, now }: ApiRequest): Reply {
    const { catalog } = this.platform
    const policy = this.policy(params.policy_id)
    const p = paging(query)
    const evaluations = this.platform.evaluationsUntil(now)
    const count = policyState(policy, evaluations).violationCount ?? 0
    const afterSync = policy.status === 'active' && evaluations.length > 0
    const at = (i: number): ViolatingResource =>
      violationAt(catalog, policy, resourceIndex(policy, i, afterSync))
    const search = query.one('search')?.toLowerCase()
    if (search === undefined) return this.listing(policy, count, p, at)
    const start = (p.page - 1) * p.perPage
    // Searching has to look at every violation; they are generated and dropped one at a time.
    const items = []
    let total = 0
    for (let i = 0; i < count; i++) {
      const v = at(i)
      const text = `${v.name} ${v._cq_account_name} ${v.account_id} ${v.region} ${v._cq_platform_id}`
      if (!text.toLowerCase().includes(search)) continue
      if (total >= start && items.length < p.perPage) items.push(v)
      total++
    }
    return { status: 200, json: { items, metadata: pageMetadata(total, p) } }
  }

  /** A page of the listing, with the policy's quirks while they last. */
  private listing(
    policy: CatalogPolicy,
    count: number,
    p: { page: number; perPage: number },
    at: (i: number) => ViolatingResource
  ): Reply {
    const quirks = this.activeQuirks(policy, p.page)
    const listed = Math.max(0, count + (quirks?.extraRows ?? 0))
    const page = quirks?.ignorePage ? 1 : p.page
    const start = (page - 1) * p.perPage
    const items = []
    for (let i = start; i < Math.min(listed, start + p.perPage); i++) items.push(at(i))
    if (quirks?.repeatRows && items.length > 0) items.push(items[0])
    const total = quirks?.countsListedRows ? listed : count
    return { status: 200, json: { items, metadata: pageMetadata(total, p) } }
  }

  private activeQuirks(policy: CatalogPolicy, page: number): ListingQuirks | undefined {
    const quirks = policy.listing
    if (!quirks) return undefined
    const seen = (this.listings.get(policy.id) ?? 0) + (page === 1 ? 1 : 0)
    this.listings.set(policy.id, seen)
    return quirks.settlesAfter === undefined || seen <= quirks.settlesAfter ? quirks : undefined
  }

  policyHistory({ params, query, now }: ApiRequest): Reply {
    const policy = this.policy(params.policy_id)
    const p = paging(query)
    const bound = (name: string): number | undefined => {
      const raw = query.one(name)
      if (raw === undefined) return undefined
      const ms = Date.parse(raw)
      if (Number.isNaN(ms))
        throw new ApiError(400, `invalid ${name}`, { [name]: 'must be a date-time' })
      return ms
    }
    const from = bound('start_time') ?? -Infinity
    const to = bound('end_time') ?? Infinity
    const entries = evaluationLog(policy, this.platform.evaluationsUntil(now))
      .filter((e) => Date.parse(e.run_at) >= from && Date.parse(e.run_at) <= to)
      .reverse()
      .map((e) => ({
        id: uuidOf(this.platform.catalog.seed, 'evaluation', policy.id, e.run_at),
        policy_id: policy.id,
        violation_count: e.violation_count,
        run_at: e.run_at
      }))
    return { status: 200, json: pageOf(entries, p) }
  }

  violationsHistory({ query, now }: ApiRequest): Reply {
    const day = (name: string, fallback: number): number => {
      const raw = query.one(name)
      if (raw === undefined) return fallback
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN
      if (Number.isNaN(ms)) throw new ApiError(400, `invalid ${name}`, { [name]: 'must be a date' })
      return ms
    }
    const end = day('end_date', Date.parse(`${dateOnly(now)}T00:00:00Z`))
    const start = day('start_date', end - 29 * DAY)
    if (start > end || end - start > 366 * DAY) {
      throw new ApiError(400, 'invalid date range', {
        start_date: 'must be within a year before end_date'
      })
    }
    const evaluations = this.platform.evaluationsUntil(now)
    const days = Math.round((end - start) / DAY) + 1
    const totals = new Array<number>(days).fill(0)
    for (const policy of filteredPolicies(query, this.platform.catalog.policies)) {
      const log = evaluationLog(policy, evaluations)
      let k = 0
      let current = 0
      for (let d = 0; d < days; d++) {
        const dayEnd = start + (d + 1) * DAY
        while (k < log.length && Date.parse(log[k].run_at) < dayEnd)
          current = log[k++].violation_count
        totals[d] += current
      }
    }
    return {
      status: 200,
      json: {
        items: totals.map((violation_count, d) => ({
          date: dateOnly(start + d * DAY),
          violation_count
        })),
        metadata: { interval: '1', start_date: dateOnly(start), end_date: dateOnly(end) }
      }
    }
  }

  executeQuery({ params, query, now }: ApiRequest): Reply {
    const { catalog } = this.platform
    const policy = catalog.byQueryId.get(params.query_id)
    if (!policy) throw new ApiError(404, 'query not found')
    const p = paging(query)
    // A saved query reads the data as it is now: a run's ingested data shows whether or not the
    // Platform has evaluated the policy since (with evaluation mode `never`, only executing does).
    const syncs = this.platform.runs.filter(
      (r) => r.origin !== 'previous' && (ingestedAt(r) ?? Infinity) <= now
    ).length
    const ingested = syncs > 0
    const count = (ingested ? countAfterSyncs(policy, syncs) : policy.initialCount) ?? 0
    const rows = []
    for (let i = (p.page - 1) * p.perPage; i < Math.min(count, p.page * p.perPage); i++) {
      rows.push(violationRow(violationAt(catalog, policy, resourceIndex(policy, i, ingested))))
    }
    return {
      status: 200,
      json: {
        data: { query: policy.query, columns: VIOLATION_COLUMNS, rows },
        metadata: pageMetadata(count, p)
      }
    }
  }

  private policy(id: string): CatalogPolicy {
    const policy = this.platform.catalog.byId.get(id)
    if (!policy) throw new ApiError(404, 'policy not found')
    return policy
  }
}
