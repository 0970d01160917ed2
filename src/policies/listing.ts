// Listing policies: page 1, then the rest concurrently, each policy kept slim. Used both to select
// the policies and, while waiting, to re-read the freshly evaluated ones.

import { mapWithConcurrency } from '../lib/concurrency.js'
import {
  PlatformError,
  type PlatformClient,
  type PolicyListFilters,
  type PolicySort
} from '../platform/client.js'
import { MAX_LIST_PAGES } from '../platform/limits.js'
import type { Page, Policy } from '../platform/types.js'

const PAGE_SIZE = 1000
/** Pages of one listing in flight at once. */
const PAGE_CONCURRENCY = 4

/**
 * Every active policy matching `filters`: page 1, then the rest concurrently once page 1 says how
 * many there are. `enough` ends the walk early; pages already in flight still count.
 */
export async function listPolicies(
  client: PlatformClient,
  filters: PolicyListFilters,
  sort?: PolicySort,
  enough: (items: Policy[]) => boolean = () => false
): Promise<Policy[]> {
  const fetch = async (page: number): Promise<Policy[]> =>
    (await client.listPolicies(filters, page, PAGE_SIZE, sort)).items.map(slim)
  const first = await client.listPolicies(filters, 1, PAGE_SIZE, sort)
  const pages = [first.items.map(slim)]
  const lastPage = lastPageOf(first)
  if (enough(pages[0])) return distinct(pages)
  if (lastPage === undefined) return distinct(await readToShortPage(first, pages, fetch, enough))
  if (lastPage > MAX_LIST_PAGES) throw tooManyPages(`says it has ${lastPage} pages`)
  let done = false
  const rest = await mapWithConcurrency(
    Array.from({ length: lastPage - 1 }, (_, i) => i + 2),
    PAGE_CONCURRENCY,
    async (page) => {
      if (done) return []
      const items = await fetch(page)
      done ||= enough(items)
      return items
    }
  )
  return distinct([...pages, ...rest])
}

/**
 * Without counts in the metadata (the spec makes them optional): read on to a short page, or to a
 * page that adds no policy not seen yet (a server that repeats itself), at most MAX_LIST_PAGES.
 */
async function readToShortPage(
  first: Page<Policy>,
  pages: Policy[][],
  fetch: (page: number) => Promise<Policy[]>,
  enough: (items: Policy[]) => boolean
): Promise<Policy[][]> {
  const pageSize = first.metadata?.page_size || PAGE_SIZE
  const seen = new Set(pages[0].map((p) => p.id))
  for (let page = 2; pages[pages.length - 1].length >= pageSize; page++) {
    if (page > MAX_LIST_PAGES) throw tooManyPages(`still had full pages after ${MAX_LIST_PAGES}`)
    const items = await fetch(page)
    pages.push(items)
    const before = seen.size
    for (const p of items) seen.add(p.id)
    if (seen.size === before || enough(items)) break
  }
  return pages
}

function tooManyPages(what: string): PlatformError {
  return new PlatformError(
    `GET /policies ${what}: this action reads at most ${MAX_LIST_PAGES} pages of ${PAGE_SIZE} policies; narrow the selection ("policy-groups", "policies", "severities", "domains")`,
    'invalid-response',
    'GET /policies'
  )
}

/**
 * Only what the stage reads: a page of 1,000 policies is about 1 MB of JSON, mostly descriptions
 * and SQL, and 10,000 of them kept whole would take tens of MB for nothing.
 */
function slim(policy: Policy): Policy {
  return {
    id: policy.id,
    name: policy.name,
    domain: policy.domain,
    severity: policy.severity,
    status: policy.status,
    query_id: policy.query_id,
    // The SQL goes to `POST /queries/columns` for the counted policies' tables, then is let go.
    query: policy.query,
    violation_count: policy.violation_count,
    run_at: policy.run_at,
    policy_groups: (policy.policy_groups ?? []).map(({ id, name }) => ({ id, name }))
  }
}

function lastPageOf(page: Page<Policy>): number | undefined {
  const metadata = page.metadata ?? { page_size: PAGE_SIZE }
  if (typeof metadata.last_page === 'number') return Math.max(1, metadata.last_page)
  if (typeof metadata.total_count !== 'number') return undefined
  return Math.max(1, Math.ceil(metadata.total_count / (metadata.page_size || PAGE_SIZE)))
}

/**
 * A policy can show up on two pages when the list shifts while it is read (a policy resumed or
 * evaluated meanwhile); the most recently evaluated view of it wins.
 */
function distinct(pages: Policy[][]): Policy[] {
  const byId = new Map<string, Policy>()
  for (const policy of pages.flat()) {
    const seen = byId.get(policy.id)
    if (!seen || evaluatedAt(policy) > evaluatedAt(seen)) byId.set(policy.id, policy)
  }
  return [...byId.values()]
}

function evaluatedAt(policy: Policy): number {
  return policy.run_at ? Date.parse(policy.run_at) : -Infinity
}
