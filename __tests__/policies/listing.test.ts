// Reading a whole policy listing (src/policies/listing.ts) from pages a loopback server makes up:
// the counts in page 1's metadata or, without them, a walk to the short page; bounds on both; and
// a policy seen on two pages kept once, in its latest view.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PlatformClient } from '../../src/platform/client.js'
import { MAX_LIST_PAGES } from '../../src/platform/limits.js'
import type { Policy } from '../../src/platform/types.js'
import { listPolicies } from '../../src/policies/listing.js'
import { TEST_KEY } from '../helpers/platform.js'

interface PageAnswer {
  items: Partial<Policy>[]
  metadata?: Record<string, unknown>
}

/** What the server answers for a page number (and the page size asked for). */
let pageOf: (page: number, size: number) => PageAnswer = () => ({ items: [] })
let asked: number[] = []
let server: Server
let client: PlatformClient

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const page = Number(url.searchParams.get('page') ?? '1')
    asked.push(page)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(pageOf(page, Number(url.searchParams.get('per_page') ?? '0'))))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  client = new PlatformClient({
    apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    apiKey: TEST_KEY,
    requestTimeoutMs: 5000,
    maxAttempts: 1
  })
})
afterAll(async () => {
  client.dispose()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** The cases that walk to the page limit send 1,000 requests: seconds on a busy machine. */
const PAGE_LIMIT_MS = 30_000

const policy = (id: string, runAt?: string): Partial<Policy> => ({
  id,
  name: `Policy ${id}`,
  severity: 'high',
  status: 'active',
  violation_count: 1,
  ...(runAt ? { run_at: runAt } : {})
})
/** Page `page` of `size` policies numbered from 1, `total` in all. */
const numbered = (page: number, size: number, total: number): Partial<Policy>[] =>
  Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) =>
    policy(`p${(page - 1) * size + i + 1}`)
  )

async function list(answer: typeof pageOf, enough?: (items: Policy[]) => boolean) {
  pageOf = answer
  asked = []
  const policies = await listPolicies(client, {}, undefined, enough)
  return { ids: policies.map((p) => p.id), asked: [...asked].sort((a, b) => a - b), policies }
}

describe('a policy listing', () => {
  it('reads the pages page 1 counts, from total_count and the page size', async () => {
    const { ids, asked: pages } = await list((page) => ({
      items: numbered(page, 2, 5),
      metadata: { total_count: 5, page_size: 2 }
    }))
    expect(ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
    expect(pages).toEqual([1, 2, 3])
  })

  it('takes last_page over total_count', async () => {
    const { asked: pages } = await list((page) => ({
      items: numbered(page, 2, 10),
      metadata: { last_page: 2, total_count: 10, page_size: 2 }
    }))
    expect(pages).toEqual([1, 2])
  })

  it('reads page 1 alone when it counts nothing at all', async () => {
    const { ids, asked: pages } = await list(() => ({
      items: [],
      metadata: { total_count: 0, page_size: 1000 }
    }))
    expect(ids).toEqual([])
    expect(pages).toEqual([1])
  })

  it('without counts, reads on to the short page', async () => {
    const { ids, asked: pages } = await list((page) => ({
      items: numbered(page, 2, 5),
      metadata: { page_size: 2 }
    }))
    expect(ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
    expect(pages).toEqual([1, 2, 3])
  })

  it('without counts or a page size, takes a full page to be the 1,000 it asked for', async () => {
    const { asked: pages } = await list((page, size) => ({ items: numbered(page, size, 1500) }))
    expect(pages).toEqual([1, 2])
  })

  it('without counts, stops at a page that adds no policy it has not seen (a server repeating itself)', async () => {
    const { ids, asked: pages } = await list(() => ({
      items: numbered(1, 2, 2),
      metadata: { page_size: 2 }
    }))
    expect(ids).toEqual(['p1', 'p2'])
    expect(pages).toEqual([1, 2])
  })

  it(
    'without counts, refuses a listing still full after the page limit, naming the limit',
    async () => {
      await expect(
        list((page) => ({ items: numbered(page, 1, Infinity), metadata: { page_size: 1 } }))
      ).rejects.toThrow(
        `GET /policies still had full pages after ${MAX_LIST_PAGES}: this action reads at most ${MAX_LIST_PAGES} pages of 1000 policies; narrow the selection`
      )
      expect(Math.max(...asked)).toBe(MAX_LIST_PAGES)
    },
    PAGE_LIMIT_MS
  )

  it(
    'refuses, before reading on, a listing whose counts go beyond the page limit',
    async () => {
      await expect(
        list(() => ({ items: [], metadata: { last_page: MAX_LIST_PAGES + 1 } }))
      ).rejects.toThrow(`GET /policies says it has ${MAX_LIST_PAGES + 1} pages`)
      expect(asked).toEqual([1])
      // At the limit, it reads them all.
      const { asked: pages } = await list(() => ({
        items: [],
        metadata: { last_page: MAX_LIST_PAGES }
      }))
      expect(pages).toHaveLength(MAX_LIST_PAGES)
    },
    PAGE_LIMIT_MS
  )

  it('ends the walk once enough is read: after page 1, or from the page that had it', async () => {
    const answer = (page: number) => ({
      items: numbered(page, 1, 8),
      metadata: { total_count: 8, page_size: 1 }
    })
    const onFirst = await list(answer, () => true)
    expect(onFirst.asked).toEqual([1])
    // Pages 2 to 5 are asked for at once: those still count, and no page after them is asked for.
    const onSecond = await list(answer, (items) => items.some((p) => p.id === 'p2'))
    expect(onSecond.asked).toEqual([1, 2, 3, 4, 5])
    expect(onSecond.ids).toEqual(['p1', 'p2', 'p3', 'p4', 'p5'])
    const withoutCounts = await list(
      (page) => ({ items: numbered(page, 1, 8), metadata: { page_size: 1 } }),
      (items) => items.some((p) => p.id === 'p3')
    )
    expect(withoutCounts.asked).toEqual([1, 2, 3])
  })

  it('keeps a policy seen on two pages once, in its most recently evaluated view', async () => {
    const views: Record<number, Partial<Policy>[]> = {
      1: [policy('a', '2026-12-01T10:00:00Z'), policy('b', '2026-12-01T12:00:00Z'), policy('c')],
      2: [policy('a', '2026-12-01T11:00:00Z'), policy('b', '2026-12-01T09:00:00Z')],
      3: [policy('c', '2026-12-01T08:00:00Z')]
    }
    const { policies } = await list((page) => ({
      items: views[page],
      metadata: { last_page: 3, page_size: 3 }
    }))
    expect(policies.map((p) => [p.id, p.run_at])).toEqual([
      ['a', '2026-12-01T11:00:00Z'],
      ['b', '2026-12-01T12:00:00Z'],
      ['c', '2026-12-01T08:00:00Z']
    ])
    // Evaluated at the same time, the view read first stays.
    const tie = await list((page) => ({
      items: [{ ...policy('a', '2026-12-01T10:00:00Z'), violation_count: page }],
      metadata: { last_page: 2 }
    }))
    expect(tie.policies.map((p) => p.violation_count)).toEqual([1])
  })

  it('keeps only what the stage reads of each policy, its groups by id and name', async () => {
    const full = {
      ...policy('a'),
      description: 'x'.repeat(1000),
      policy_groups: [{ id: 'g1', name: 'Security', description: 'long' }]
    }
    const { policies } = await list(() => ({
      items: [full],
      metadata: { total_count: 1 }
    }))
    expect(policies[0]).not.toHaveProperty('description')
    expect(policies[0].policy_groups).toEqual([{ id: 'g1', name: 'Security' }])
    const bare = await list(() => ({ items: [policy('b')], metadata: { total_count: 1 } }))
    expect(bare.policies[0].policy_groups).toEqual([])
  })
})
