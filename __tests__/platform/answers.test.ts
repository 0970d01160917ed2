// Answers the client must not trust: a redirect (never followed: the key must not go to another
// origin) and JSON of the wrong shape (named as "the Platform answered X for Y", never a TypeError).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PlatformClient, PlatformError } from '../../src/platform/client.js'
import { listPolicies } from '../../src/policies/listing.js'
import { TEST_KEY } from '../helpers/platform.js'

interface Answer {
  status: number
  headers?: Record<string, string>
  body: string
}

let answer: Answer = { status: 200, body: '{}' }
const seen: IncomingHttpHeaders[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
    res.end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function failureOf(
  call: (client: PlatformClient) => Promise<unknown>
): Promise<PlatformError> {
  const client = new PlatformClient({
    apiBaseUrl: base,
    apiKey: TEST_KEY,
    requestTimeoutMs: 2000,
    maxAttempts: 1
  })
  try {
    await call(client)
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError)
    return error as PlatformError
  } finally {
    client.dispose()
  }
  throw new Error('the request did not fail')
}

describe('a redirect', () => {
  it.each([301, 302, 307, 308])('%i says where it pointed and is not followed', async (status) => {
    seen.length = 0
    answer = {
      status,
      headers: { location: `https://elsewhere.example/api/syncs?key=${TEST_KEY}` },
      body: ''
    }
    const error = await failureOf((c) => c.listRuns('aws-prod'))
    expect(error.status).toBe(status)
    expect(error.message).toContain(`GET /syncs/aws-prod/runs failed with HTTP ${status}`)
    expect(error.message).toContain('redirected to https://elsewhere.example/api/syncs?key=')
    expect(error.message).toContain('never follows redirects')
    expect(error.message).not.toContain(TEST_KEY)
    // One request only: nothing went to the Location.
    expect(seen).toHaveLength(1)
  })

  it('on the live log stream says so too', async () => {
    answer = { status: 307, headers: { location: 'https://elsewhere.example/live' }, body: '' }
    const error = await failureOf((c) => c.openLiveLogs('s', 'r'))
    expect(error.message).toContain('redirected to https://elsewhere.example/live')
  })

  it('without a Location says so', async () => {
    answer = { status: 302, body: '' }
    const error = await failureOf((c) => c.getRun('aws-prod', 'r1'))
    expect(error.message).toContain('redirected without a Location')
  })
})

describe('an answer of the wrong shape', () => {
  const cases: [string, string, (c: PlatformClient) => Promise<unknown>, string][] = [
    [
      'items not a list',
      '{"items":"lots","metadata":{}}',
      (c) => c.listRuns('aws-prod'),
      'GET /syncs/aws-prod/runs'
    ],
    [
      'items of numbers',
      '{"items":[1,2]}',
      (c) => c.listRunTables('s', 'r', 1000, 1),
      'GET /syncs/s/runs/r/tables'
    ],
    ['a list, not a page', '[]', (c) => c.listPolicyGroups(), 'GET /policy-groups'],
    [
      'metadata a string',
      '{"items":[],"metadata":"x"}',
      (c) => c.listPolicyViolations('p', 10),
      'GET /policies/p/violations'
    ],
    [
      'a run without an id',
      '{"status":"running"}',
      (c) => c.getRun('s', 'r'),
      'GET /syncs/s/runs/r'
    ],
    ['null for a started run', 'null', (c) => c.createRun('s'), 'POST /syncs/s/runs'],
    [
      'logs without data',
      '{"metadata":{}}',
      (c) => c.queryLogs('s', 'r', 1, 10),
      'GET /syncs/s/runs/r/logs/query'
    ]
  ]
  it.each(cases)(
    '%s names the endpoint and what it answered',
    async (_name, body, call, endpoint) => {
      answer = { status: 200, body }
      const error = await failureOf(call)
      expect(error.kind).toBe('invalid-response')
      expect(error.endpoint).toBe(endpoint)
      expect(error.message).toContain(`The Platform answered ${body} for ${endpoint}`)
    }
  )

  it('reaches the policy listing as a PlatformError, not a TypeError', async () => {
    answer = { status: 200, body: '{"items":{"0":{}},"metadata":{"page_size":100}}' }
    const error = await failureOf((c) => listPolicies(c, {}))
    expect(error.message).toContain('for GET /policies, without an "items" list')
  })

  it('is redacted before it is cut', async () => {
    answer = { status: 200, body: `{"items":null,"echo":"${TEST_KEY}${'x'.repeat(100)}"}` }
    const error = await failureOf((c) => c.listSyncs(''))
    expect(error.message).not.toContain(TEST_KEY.slice(0, 8))
  })
})
