// The violating resources of the policies a baseline (compared or written) or an exception needs: every page of
// `GET /policies/{id}/violations` (1,000 a page), pages of all policies in flight together with a
// bound. A policy the gate does not count (no threshold for its severity and none for the total)
// and no exception names is not read: its resources could change nothing.

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
  const named = config.exceptions?.entries.some(
    (entry) => entry.policy === policy.id || entry.policy === policy.name
  )
  if (named) return true
  if (!compares) return false
  const { thresholds } = config
  return (
    thresholds.total !== undefined ||
    (isKnownSeverity(policy.severity) && thresholds[policy.severity] !== undefined)
  )
}

/**
 * Reads the resources of `policies` into each result. A policy with no violation has none, without
 * a request. Pages are planned from the listed count; when the Platform reports more than that
 * (an evaluation landed meanwhile), the rest are read after. A failure propagates: the gate needs
 * every one of them.
 */
export async function readResources(
  client: PlatformClient,
  policies: readonly PolicyResult[]
): Promise<void> {
  const pages: { policy: PolicyResult; page: number }[] = []
  for (const policy of policies) {
    policy.resources = []
    const count = policy.violations ?? 0
    for (let page = 1; page <= Math.ceil(count / RESOURCES_PAGE_SIZE); page++) {
      pages.push({ policy, page })
    }
  }
  const read = await mapWithConcurrency(pages, RESOURCES_CONCURRENCY, async ({ policy, page }) => {
    const answer = await client.listPolicyViolations(policy.id, RESOURCES_PAGE_SIZE, page)
    return { policy, page, answer }
  })
  for (const { policy, answer } of read) policy.resources!.push(...answer.items.map(resourceOf))
  const lastPages = read.filter(
    ({ policy, page }) => page === Math.ceil((policy.violations ?? 0) / RESOURCES_PAGE_SIZE)
  )
  for (const { policy, page, answer } of lastPages) {
    await readRemainingPages(client, policy, page, answer.metadata?.total_count)
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
  total: unknown
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
    const fresh = more.items.map(resourceOf).filter((resource) => !seen.has(resource.platformId))
    if (fresh.length === 0) break
    for (const resource of fresh) seen.add(resource.platformId)
    policy.resources!.push(...fresh)
  }
}

function resourceOf(violation: PolicyViolation): ViolatingResource {
  return {
    platformId: String(violation._cq_platform_id ?? ''),
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
