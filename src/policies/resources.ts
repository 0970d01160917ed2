// The violating resources of the policies a baseline (compared or written) or an exception needs: every page of
// `GET /policies/{id}/violations` (1,000 a page), pages of all policies in flight together with a
// bound. When comparing, a policy the gate does not count (no threshold for its severity and none
// for the total) and no exception names is not read: its resources could change nothing. A
// baseline written for later gates holds every selected policy, whatever this run counts.

import type { PolicyConfig } from '../inputs/config.js'
import { mapWithConcurrency } from '../lib/concurrency.js'
import { isKnownSeverity } from '../lib/severity.js'
import { isCount } from '../lib/text.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'
import { MAX_LIST_PAGES } from '../platform/limits.js'
import type { PolicyViolation } from '../platform/types.js'
import type { PolicyResult, ViolatingResource } from './outcome.js'

const RESOURCES_PAGE_SIZE = 1000
/** Pages in flight at once, over all policies. */
const RESOURCES_CONCURRENCY = 8

/** Whether the policy's resources can change the verdict (and so must be read). */
export function needsResources(policy: PolicyResult, config: PolicyConfig): boolean {
  const compares = config.baseline !== undefined || config.recordBaseline
  if (!compares && !config.exceptions) return false
  if (policy.stale || policy.violations === undefined) return false
  // A later gate may count more severities than this run does: its old violations must be found.
  if (config.recordBaseline) return true
  if (namedByException(policy, config)) return true
  if (!compares) return false
  const { thresholds } = config
  return (
    thresholds.total !== undefined ||
    (isKnownSeverity(policy.severity) && thresholds[policy.severity] !== undefined)
  )
}

function namedByException(policy: PolicyResult, config: PolicyConfig): boolean {
  return (
    config.exceptions?.entries.some(
      (entry) => entry.policy === policy.id || entry.policy === policy.name
    ) ?? false
  )
}

/** Which of a policy's resources keep more than their id; `index` is its place in the listing. */
export type KeepsDetail = (platformId: string, index: number) => boolean

/**
 * What the later steps need of a policy's resources beyond their ids (tens of thousands of them):
 * everything when an exception names the policy (its matchers look at name, account, region and
 * tags); otherwise only the first `samples` (the reports' samples) and those not in the baseline
 * (the new resources shown). The baseline and the counts need the ids alone.
 */
export function keepsDetail(policy: PolicyResult, config: PolicyConfig): KeepsDetail {
  if (namedByException(policy, config)) return () => true
  const { baseline, samples } = config
  const known = baseline?.policies.get(policy.id)
  return (platformId, index) =>
    index < samples || (baseline !== undefined && !known?.has(platformId))
}

/**
 * Reads the resources of `policies` into each result. A policy with no violation has none, without
 * a request. Pages are planned from the listed count; when the Platform reports more than that
 * (an evaluation landed meanwhile), the rest are read after. A failure propagates: the gate needs
 * every one of them.
 */
export async function readResources(
  client: PlatformClient,
  policies: readonly PolicyResult[],
  detail: (policy: PolicyResult) => KeepsDetail
): Promise<void> {
  const keeps = new Map(policies.map((policy) => [policy, detail(policy)]))
  const pageOf = (policy: PolicyResult, page: number, items: PolicyViolation[]) =>
    items.map((item, i) =>
      resourceOf(item, keeps.get(policy)!, (page - 1) * RESOURCES_PAGE_SIZE + i)
    )
  const pages: { policy: PolicyResult; page: number }[] = []
  for (const policy of policies) {
    policy.resources = []
    const count = policy.violations ?? 0
    for (let page = 1; page <= Math.ceil(count / RESOURCES_PAGE_SIZE); page++) {
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
  for (const { policy, resources } of read) {
    for (const resource of resources) policy.resources!.push(resource)
  }
  const lastPages = read.filter(
    ({ policy, page }) => page === Math.ceil((policy.violations ?? 0) / RESOURCES_PAGE_SIZE)
  )
  for (const { policy, page, total } of lastPages) {
    await readRemainingPages(client, policy, page, total, (next, items) =>
      pageOf(policy, next, items)
    )
  }
}

/**
 * The pages past the listed count, when the Platform reports more: bounded like every listing, and
 * ended by a page that adds no resource not seen yet (a server that repeats itself).
 */
async function readRemainingPages(
  client: PlatformClient,
  policy: PolicyResult,
  lastRead: number,
  total: unknown,
  toResources: (page: number, items: PolicyViolation[]) => ViolatingResource[]
): Promise<void> {
  if (!isCount(total)) return
  const seen = new Set(policy.resources!.map((resource) => resource.platformId))
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
    policy.resources!.push(...fresh)
  }
}

const NO_TAGS: string[] = []

function resourceOf(
  violation: PolicyViolation,
  keeps: KeepsDetail,
  index: number
): ViolatingResource {
  const platformId = String(violation._cq_platform_id ?? '')
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
