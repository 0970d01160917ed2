// Policy and group listings, with the sorted-order cache that keeps 10,000 policies quick to page.

import { compareBy, listOf, oneOf, pageOf, paging, SORT_DIRS } from './api-conventions.js'
import { policyState, type Catalog, type CatalogGroup, type CatalogPolicy } from './catalog.js'
import {
  ApiError,
  type ApiRequest,
  type PlatformState,
  type Query,
  type Reply
} from './operations.js'

const SEVERITIES = ['low', 'medium', 'high', 'critical']
const DOMAINS = ['finops', 'security', 'compliance', 'governance', 'operations']
const POLICY_STATUSES = ['active', 'paused']
const POLICY_SORT = ['name', 'domain', 'severity', 'violation_count', 'last_run_at', 'created_at']

/** Policies matching the severity/domain/group filters shared by several operations. */
export function filteredPolicies(query: Query, policies: CatalogPolicy[]): CatalogPolicy[] {
  const severities = listOf(query, 'severities', SEVERITIES)
  const domain = query.one('domain')
  if (domain !== undefined) oneOf(query, 'domain', DOMAINS, domain)
  const groupIds = listOf(query, 'policy_group_ids')
  return policies.filter(
    (p) =>
      (severities.length === 0 || severities.includes(p.severity)) &&
      (domain === undefined || p.domain === domain) &&
      (groupIds.length === 0 || p.groupIds.some((id) => groupIds.includes(id)))
  )
}

export class PolicyHandlers {
  /** Sorting 10,000 policies on every page request is the simulator's hottest path. */
  private sorted = {
    catalog: undefined as Catalog | undefined,
    evaluation: -1,
    orders: new Map<string, CatalogPolicy[]>()
  }
  private groups = {
    catalog: undefined as Catalog | undefined,
    byId: new Map<string, CatalogGroup>()
  }

  constructor(private readonly platform: PlatformState) {}

  listPolicies({ query, now }: ApiRequest): Reply {
    const p = paging(query)
    const status = query.one('status')
    if (status !== undefined) oneOf(query, 'status', POLICY_STATUSES, status)
    const search = query.one('search')?.toLowerCase()
    const sortBy = oneOf(query, 'sort_by', POLICY_SORT, 'created_at')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'desc')
    const evaluations = this.platform.evaluationsUntil(now)
    const matching = filteredPolicies(query, this.sortedPolicies(sortBy, dir, evaluations)).filter(
      (x) =>
        (status === undefined || x.status === status) &&
        (search === undefined ||
          x.name.toLowerCase().includes(search) ||
          x.description.toLowerCase().includes(search))
    )
    const shape = this.platform.scenario.policyPaging
    if (shape === 'endless') {
      // One policy a page, each page under a new id, and never a last page.
      const view = this.policyView(matching[0], evaluations)
      const id = `${String(p.page).padStart(8, '0')}-0000-4000-8000-000000000000`
      return { status: 200, json: { items: [{ ...view, id }], metadata: { page_size: 1 } } }
    }
    const page = pageOf(matching, p)
    const { items } = page
    let { metadata } = page
    if (shape === 'no-counts') metadata = { page_size: metadata.page_size }
    if (shape === 'inflated')
      metadata = { ...metadata, total_count: 1e8, last_page: 1e8 / p.perPage }
    return {
      status: 200,
      json: { items: items.map((x) => this.policyView(x, evaluations)), metadata }
    }
  }

  listGroups({ query, now }: ApiRequest): Reply {
    const search = query.one('search')?.toLowerCase() ?? ''
    const severities = listOf(query, 'severities', SEVERITIES)
    const evaluations = this.platform.evaluationsUntil(now)
    const { catalog } = this.platform
    const items = catalog.groups
      .filter((g) => g.name.toLowerCase().includes(search))
      .map((g) => {
        const members = catalog.policies.filter(
          (p) =>
            p.groupIds.includes(g.id) &&
            (severities.length === 0 || severities.includes(p.severity))
        )
        const violations = (severity: string): number =>
          members
            .filter((p) => p.severity === severity)
            .reduce((sum, p) => sum + (policyState(p, evaluations).violationCount ?? 0), 0)
        return {
          ...g,
          policy_count: members.length,
          violation_count_low: violations('low'),
          violation_count_medium: violations('medium'),
          violation_count_high: violations('high'),
          violation_count_critical: violations('critical')
        }
      })
    return { status: 200, json: { items } }
  }

  groupPolicies({ params, query, now }: ApiRequest): Reply {
    if (!this.groupsById().has(params.policy_group_id)) {
      throw new ApiError(404, 'policy group not found')
    }
    const p = paging(query)
    oneOf(query, 'sort_by', ['name', 'policy_count'], 'name')
    const dir = oneOf(query, 'sort_dir', SORT_DIRS, 'asc')
    const evaluations = this.platform.evaluationsUntil(now)
    const members = this.sortedPolicies('name', dir, evaluations).filter((x) =>
      x.groupIds.includes(params.policy_group_id)
    )
    const { items, metadata } = pageOf(members, p)
    return {
      status: 200,
      json: { items: items.map((x) => this.policyView(x, evaluations)), metadata }
    }
  }

  getPolicy({ params, now }: ApiRequest): Reply {
    const policy = this.platform.catalog.byId.get(params.policy_id)
    if (!policy) throw new ApiError(404, 'policy not found')
    return { status: 200, json: this.policyView(policy, this.platform.evaluationsUntil(now)) }
  }

  private policyView(policy: CatalogPolicy, evaluations: number[]): Record<string, unknown> {
    const state = policyState(policy, evaluations)
    const groupsById = this.groupsById()
    return {
      id: policy.id,
      name: policy.name,
      domain: policy.domain,
      severity: policy.severity,
      description: policy.description,
      status: policy.status,
      team_name: this.platform.scenario.teamName,
      query_id: policy.queryId,
      query: policy.query,
      created_by: policy.createdBy,
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
      violation_count: state.violationCount,
      run_at: state.runAt,
      policy_groups: policy.groupIds.flatMap((id) => groupsById.get(id) ?? []),
      ...this.platform.scenario.policyExtraFields[policy.name]
    }
  }

  /** The catalog's groups by id; rebuilt when the catalog changes. */
  private groupsById(): Map<string, CatalogGroup> {
    const { catalog } = this.platform
    if (this.groups.catalog !== catalog) {
      this.groups = { catalog, byId: new Map(catalog.groups.map((g) => [g.id, g])) }
    }
    return this.groups.byId
  }

  /** All policies in the given order; cached until the catalog changes or policies are evaluated. */
  private sortedPolicies(sortBy: string, dir: string, evaluations: number[]): CatalogPolicy[] {
    const { catalog } = this.platform
    const evaluation = evaluations.at(-1) ?? 0
    if (this.sorted.catalog !== catalog || this.sorted.evaluation !== evaluation) {
      this.sorted = { catalog, evaluation, orders: new Map() }
    }
    const cacheKey = `${sortBy} ${dir}`
    const cached = this.sorted.orders.get(cacheKey)
    if (cached) return cached
    const key: Record<string, (x: CatalogPolicy) => string | number | null> = {
      name: (x) => x.name,
      domain: (x) => x.domain,
      severity: (x) => SEVERITIES.indexOf(x.severity),
      violation_count: (x) => policyState(x, evaluations).violationCount,
      last_run_at: (x) => policyState(x, evaluations).runAt,
      created_at: (x) => x.createdAt
    }
    const order = catalog.policies
      .map((policy) => ({ policy, key: key[sortBy](policy) }))
      .sort(compareBy((x) => x.key, dir))
      .map((x) => x.policy)
    this.sorted.orders.set(cacheKey, order)
    return order
  }
}
