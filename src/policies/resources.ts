// The violating resources of the policies a baseline (compared or written) or an exception needs: every page of
// `GET /policies/{id}/violations` (1,000 a page), pages of all policies in flight together with a
// bound. When comparing, a policy the gate does not count (no threshold for its severity and none
// for the total) and no exception names is not read: its resources could change nothing. A
// baseline written for later gates holds every selected policy, whatever this run counts.

import type { PolicyConfig } from '../inputs/config.js'
import { mapWithConcurrency } from '../lib/concurrency.js'
import { describeValue, isCount } from '../lib/text.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import { MAX_LIST_PAGES } from '../platform/limits.js'
import type { PolicyViolation } from '../platform/types.js'
import { countedByThresholds } from './counting.js'
import type { PolicyResult, ViolatingResource } from './outcome.js'

const RESOURCES_PAGE_SIZE = 1000
/** Pages in flight at once, over all policies. */
const RESOURCES_CONCURRENCY = 8

/** Whether the policy's resources can change the verdict (and so must be read). */
export function needsResources(policy: PolicyResult, config: PolicyConfig): boolean {
  const compares = config.baseline !== undefined || config.recordBaseline
  // Scoped counting needs the resources of every counted policy, as a comparison does.
  const judgesPerResource = compares || config.scope !== undefined
  if (!judgesPerResource && !config.exceptions) return false
  if (policy.stale || policy.violations === undefined) return false
  // A later gate may count more severities than this run does: its old violations must be found.
  if (config.recordBaseline) return true
  if (namedByException(policy, config)) return true
  if (!judgesPerResource) return false
  return countedByThresholds(policy.severity, config.thresholds)
}

function namedByException(policy: PolicyResult, config: PolicyConfig): boolean {
  return (
    config.exceptions?.entries.some(
      (entry) => entry.policy === policy.id || entry.policy === policy.name
    ) ?? false
  )
}

/** Which of a policy's resources keep more than their id; `index` is its place in the listing. */
export type KeepsDetail = (platformId: string | undefined, index: number) => boolean

/**
 * What the later steps need of a policy's resources beyond their ids (tens of thousands of them):
 * everything when an exception names the policy (its matchers look at name, account, region and
 * tags); otherwise only the first `samples` (the reports' samples) and those not in the baseline
 * (the new resources shown). The baseline and the counts need the ids alone.
 */
export function keepsDetail(policy: PolicyResult, config: PolicyConfig): KeepsDetail {
  // Matchers (an exception's, the scope's) look at name, account, region and tags.
  if (config.scope || namedByException(policy, config)) return () => true
  const { baseline, samples } = config
  const known = baseline?.policies.get(policy.id)
  return (platformId, index) =>
    index < samples ||
    (baseline !== undefined && (platformId === undefined || !known?.has(platformId)))
}

/**
 * Reads the resources of `policies` into each result, and reconciles them with the count: the
 * listing, de-duplicated by fingerprint, must hold exactly as many resources as the count says. A
 * policy with no violation has none, without a request. When a listing disagrees (an evaluation
 * may have landed between the count and the listing), the policy's count and listing are read once
 * more; when they still disagree, its resources are unknown (`resourcesUnknown` says why) and
 * never taken as a partial list. A failed request propagates: the gate needs every one of them.
 */
export async function readResources(
  { client, redact }: Pick<StageDeps, 'client' | 'redact'>,
  policies: readonly PolicyResult[],
  detail: (policy: PolicyResult) => KeepsDetail,
  freshAfter?: string
): Promise<void> {
  const keeps = new Map(policies.map((policy) => [policy, detail(policy)]))
  const listed = await listAll(client, policies, (policy) => policy.violations ?? 0, keeps)
  const disagreeing: PolicyResult[] = []
  for (const policy of policies) {
    const { resources, agrees } = reconcileListing(policy.violations ?? 0, listed.get(policy)!)
    if (agrees) policy.resources = resources
    else disagreeing.push(policy)
  }
  for (const policy of disagreeing) {
    await readAgain({ client, redact }, policy, keeps.get(policy)!, freshAfter)
  }
}

/**
 * The listing de-duplicated by `_cq_platform_id` (a resource without one cannot be told from
 * another, so each is kept), and whether it holds exactly `count` resources.
 */
export function reconcileListing(
  count: number,
  listed: readonly ViolatingResource[]
): { resources: ViolatingResource[]; agrees: boolean } {
  const seen = new Set<string>()
  const resources: ViolatingResource[] = []
  for (const resource of listed) {
    if (resource.platformId !== undefined) {
      if (seen.has(resource.platformId)) continue
      seen.add(resource.platformId)
    }
    resources.push(resource)
  }
  return { resources, agrees: resources.length === count }
}

/**
 * The policy's count and listing once more. They are taken when they agree and the count is
 * still a fresh one; otherwise the policy's resources are unknown.
 */
async function readAgain(
  { client, redact }: Pick<StageDeps, 'client' | 'redact'>,
  policy: PolicyResult,
  keeps: KeepsDetail,
  freshAfter: string | undefined
): Promise<void> {
  const first = policy.violations ?? 0
  const latest = await client.getPolicy(policy.id)
  const count = isCount(latest.violation_count) ? latest.violation_count : undefined
  const fresh =
    typeof latest.run_at === 'string' &&
    (freshAfter === undefined || Date.parse(latest.run_at) > Date.parse(freshAfter))
  if (count !== undefined && fresh) {
    const listed = await listAll(client, [policy], () => count, new Map([[policy, keeps]]))
    const { resources, agrees } = reconcileListing(count, listed.get(policy)!)
    if (agrees) {
      policy.violations = count
      policy.evaluatedAt = latest.run_at ?? undefined
      policy.source = 'evaluation'
      policy.resources = resources
      return
    }
  }
  policy.resourcesUnknown = `its violating resources, read twice, do not agree with its count (${first}, then ${describeValue(latest.violation_count, redact)})`
}

/**
 * Every page of each policy's listing, pages of all policies in flight together with a bound.
 * Pages are planned from `countOf`; when the Platform reports more than that, the rest are read
 * after.
 */
async function listAll(
  client: PlatformClient,
  policies: readonly PolicyResult[],
  countOf: (policy: PolicyResult) => number,
  keeps: ReadonlyMap<PolicyResult, KeepsDetail>
): Promise<Map<PolicyResult, ViolatingResource[]>> {
  const pageOf = (policy: PolicyResult, page: number, items: PolicyViolation[]) =>
    items.map((item, i) =>
      resourceOf(item, keeps.get(policy)!, (page - 1) * RESOURCES_PAGE_SIZE + i)
    )
  const listed = new Map(policies.map((policy) => [policy, [] as ViolatingResource[]]))
  const pages: { policy: PolicyResult; page: number }[] = []
  for (const policy of policies) {
    for (let page = 1; page <= Math.ceil(countOf(policy) / RESOURCES_PAGE_SIZE); page++) {
      pages.push({ policy, page })
    }
  }
  // Each page is cut down to its resources as it arrives, so that the raw pages (every field of
  // every violation) are not all held until the last one is in.
  const read = await mapWithConcurrency(pages, RESOURCES_CONCURRENCY, async ({ policy, page }) => {
    const answer = await client.listPolicyViolations(policy.id, RESOURCES_PAGE_SIZE, page)
    return {
      policy,
      page,
      resources: pageOf(policy, page, answer.items),
      total: answer.metadata?.total_count
    }
  })
  for (const { policy, resources } of read) listed.get(policy)!.push(...resources)
  const lastPages = read.filter(
    ({ policy, page }) => page === Math.ceil(countOf(policy) / RESOURCES_PAGE_SIZE)
  )
  for (const { policy, page, total } of lastPages) {
    await readRemainingPages(client, policy, listed.get(policy)!, page, total, (next, items) =>
      pageOf(policy, next, items)
    )
  }
  return listed
}

/**
 * The pages past the listed count, when the Platform reports more: bounded like every listing, and
 * ended by a page that adds no resource not seen yet (a server that repeats itself).
 */
async function readRemainingPages(
  client: PlatformClient,
  policy: PolicyResult,
  listed: ViolatingResource[],
  lastRead: number,
  total: unknown,
  toResources: (page: number, items: PolicyViolation[]) => ViolatingResource[]
): Promise<void> {
  if (!isCount(total)) return
  const seen = new Set(listed.map((resource) => resource.platformId))
  for (let next = lastRead + 1; (next - 1) * RESOURCES_PAGE_SIZE < total; next++) {
    if (next > MAX_LIST_PAGES) {
      throw new PlatformError(
        `GET /policies/${policy.id}/violations says it has ${total} violating resources: this action reads at most ${MAX_LIST_PAGES} pages of ${RESOURCES_PAGE_SIZE}`,
        'invalid-response',
        `GET /policies/${policy.id}/violations`
      )
    }
    const more = await client.listPolicyViolations(policy.id, RESOURCES_PAGE_SIZE, next)
    const fresh = toResources(next, more.items).filter((resource) => !seen.has(resource.platformId))
    if (fresh.length === 0) break
    for (const resource of fresh) seen.add(resource.platformId)
    listed.push(...fresh)
  }
}

const NO_TAGS: string[] = []

function resourceOf(
  violation: PolicyViolation,
  keeps: KeepsDetail,
  index: number
): ViolatingResource {
  // The fingerprint the baseline is keyed by; a resource without one is never matched to it.
  const id: unknown = violation._cq_platform_id
  const platformId = typeof id === 'string' && id !== '' ? id : undefined
  if (!keeps(platformId, index)) {
    return { platformId, name: '', accountName: '', region: '', tags: NO_TAGS }
  }
  return {
    platformId,
    name: String(violation.name ?? ''),
    accountId: violation.account_id == null ? undefined : String(violation.account_id),
    accountName: String(violation._cq_account_name ?? ''),
    region: String(violation.region ?? ''),
    tags: Array.isArray(violation.tags) ? violation.tags.map(String) : [],
    cloud: violation.cloud,
    resourceType: violation.resource_type_label
  }
}

/** A resource as the violations listing gave it: a sample, without asking again. */
export function sampleOf(resource: ViolatingResource): PolicyViolation {
  return {
    cloud: resource.cloud,
    resource_type_label: resource.resourceType,
    _cq_account_name: resource.accountName,
    account_id: resource.accountId,
    name: resource.name,
    region: resource.region,
    _cq_platform_id: resource.platformId,
    tags: resource.tags
  }
}
