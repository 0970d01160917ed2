import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { classifyTransportFailure, PlatformError } from '../../src/platform/errors.js'
import { PlatformClient } from '../../src/platform/client.js'
import { TEST_KEY, withSimulator } from '../helpers/platform.js'

/** A server that is not the Platform: every request gets the same answer. */
async function notAPlatform(
  status: number,
  contentType: string,
  body: string
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits++
    res.writeHead(status, { 'Content-Type': contentType })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

let clients: PlatformClient[] = []
afterEach(() => {
  for (const client of clients) client.dispose()
  clients = []
})

function client(apiBaseUrl: string): PlatformClient {
  const made = new PlatformClient({
    apiBaseUrl,
    apiKey: TEST_KEY,
    requestTimeoutMs: 2000,
    sleep: () => Promise.resolve()
  })
  clients.push(made)
  return made
}

async function failureOf(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError)
    return error as PlatformError
  }
  throw new Error('expected a PlatformError')
}

describe('the preflight (GET /platform-info)', () => {
  it('reads the Platform version', async () => {
    await withSimulator({ platformVersion: 'v9.9.9' }, async (sim, platform) => {
      expect((await platform.platformInfo()).version).toBe('v9.9.9')
      expect(sim.requestsTo('GET', '/platform-info')).toHaveLength(1)
    })
  })

  it.each([
    ['an HTML 404', 404, 'text/html', '<html><body>Not Found</body></html>', /answered HTTP 404/],
    ['a JSON 404', 404, 'application/json', '{"message":"not found"}', /answered HTTP 404/],
    ['a web page', 200, 'text/html; charset=utf-8', '<!doctype html><html></html>', /web page/],
    [
      'JSON without a version',
      200,
      'application/json',
      '{"ok":true}',
      /without the Platform's "version"/
    ]
  ])(
    'says %s is not a Platform, with the full URL tried, without retrying',
    async (_, status, type, body, what) => {
      const server = await notAPlatform(status, type, body)
      try {
        const error = await failureOf(client(`http://${server.url}/api`).platformInfo())
        expect(error.message).toContain(`http://${server.url}/api/platform-info `)
        expect(error.message).toMatch(what)
        expect(error.message).toMatch(/"platform-url" does not point at a CloudQuery Platform/)
        expect(error.message).toMatch(/adds "\/api" to "platform-url"/)
        expect(server.hits()).toBe(1)
      } finally {
        await server.close()
      }
    }
  )

  it('says the server does not speak HTTPS when https:// meets plain HTTP, without retrying', async () => {
    const server = await notAPlatform(400, 'text/plain', 'bad request')
    try {
      const error = await failureOf(client(`https://${server.url}/api`).platformInfo())
      expect(error.kind).toBe('tls')
      expect(error.message).toMatch(new RegExp(`server at ${server.url} does not speak HTTPS`))
      expect(error.attempts).toBe(1)
    } finally {
      await server.close()
    }
  })

  it.each([401, 403])('explains a %d', async (status) => {
    const scenario = status === 401 ? { apiKey: 'another-key' } : { forbidden: ['/platform-info'] }
    await withSimulator(scenario, async (_sim, platform) => {
      const error = await failureOf(platform.platformInfo())
      expect(error.status).toBe(status)
      expect(error.message).toMatch(
        status === 401 ? /API key was rejected/ : /role lacks permission/
      )
    })
  })
})

describe('classifyTransportFailure', () => {
  it.each(['ENOTFOUND', 'EAI_AGAIN'])(
    'names the host that does not resolve (%s), not retried',
    (code) => {
      const error = Object.assign(new Error(`getaddrinfo ${code} platform.example`), { code })
      const { kind, hint } = classifyTransportFailure(error, 'https://platform.example/api')
      expect(kind).toBe('dns')
      expect(hint).toMatch(
        new RegExp(`host "platform.example" of "platform-url" does not resolve \\(${code}\\)`)
      )
    }
  )

  it('says how to trust a private CA', () => {
    const error = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN'
    })
    const { kind, hint } = classifyTransportFailure(error, 'https://platform.example/api')
    expect(kind).toBe('tls')
    expect(hint).toMatch(/NODE_EXTRA_CA_CERTS/)
  })
})

/** A server that holds every request for `holdMs` (for ever when undefined), then answers. */
async function holding(
  answer: { status: number; headers?: Record<string, string>; body: string },
  holdMs?: number
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits++
    if (holdMs === undefined) return
    setTimeout(() => {
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
      res.end(answer.body)
    }, holdMs)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const TIMEOUT_10S = 'the 10s of "timeout"'

describe('a client within a deadline', () => {
  /** A client with the action's own 30 s per request, whose retries do not really sleep. */
  function unhurried(apiBaseUrl: string): PlatformClient {
    const made = new PlatformClient({
      apiBaseUrl,
      apiKey: TEST_KEY,
      sleep: () => Promise.resolve()
    })
    clients.push(made)
    return made
  }

  it('gives a server that never answers only the time left, once, and says which time ran out', async () => {
    const server = await holding({ status: 200, body: '{}' })
    try {
      const bounded = unhurried(server.url).within({ at: Date.now() + 300, what: TIMEOUT_10S })
      const error = await failureOf(bounded.platformInfo())
      expect(error.message).toMatch(
        /^GET \/platform-info could not reach the Platform: no answer within 0\.\ds \(timeout\); the 10s of "timeout" ran out after 1 attempt$/
      )
      expect(error.kind).toBe('timeout')
      expect(server.hits()).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('sleeps for no retry beyond it, however long the server asks to wait', async () => {
    const unavailable = {
      status: 503,
      headers: { 'Retry-After': '5' },
      body: '{"message":"maintenance"}'
    }
    const server = await holding(unavailable, 0)
    try {
      const platform = unhurried(server.url)
      const bounded = platform.within({ at: Date.now() + 2_000, what: TIMEOUT_10S })
      const error = await failureOf(bounded.listSyncs(''))
      expect(error.message).toContain('failed with HTTP 503: maintenance')
      expect(error.message).toMatch(/the 10s of "timeout" ran out after 1 attempt$/)
      expect(error.status).toBe(503)
      expect(server.hits()).toBe(1)
      // Without it, the same request is tried the usual five times.
      await failureOf(platform.listSyncs(''))
      expect(server.hits()).toBe(6)
    } finally {
      await server.close()
    }
  })

  it('sends nothing once it has passed', async () => {
    const server = await holding({ status: 200, body: '{"items":[]}' }, 0)
    try {
      const late = unhurried(server.url).within({ at: Date.now() - 1, what: TIMEOUT_10S })
      const error = await failureOf(late.listSyncs(''))
      expect(error.message).toBe('GET /syncs was not sent: the 10s of "timeout" had run out')
      expect(server.hits()).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('never cuts a start request short: a run it creates must be known', async () => {
    const run = { id: 'r-1', status: 'pending', created_at: new Date().toISOString() }
    const server = await holding({ status: 201, body: JSON.stringify(run) }, 300)
    try {
      const bounded = unhurried(server.url).within({ at: Date.now() + 50, what: TIMEOUT_10S })
      await expect(bounded.createRun('aws-prod')).resolves.toMatchObject({ id: 'r-1' })
    } finally {
      await server.close()
    }
  })
})

describe('a preflight answer that is not read whole', () => {
  it('is told as it is, never as "HTTP undefined"', async () => {
    const server = await notAPlatform(200, 'application/json', `"${'x'.repeat(17 * 1024 * 1024)}"`)
    try {
      // One try is enough to see the message: each reads 16 MB.
      const once = new PlatformClient({
        apiBaseUrl: `http://${server.url}/api`,
        apiKey: TEST_KEY,
        maxAttempts: 1
      })
      clients.push(once)
      const error = await failureOf(once.platformInfo())
      expect(error.message).toMatch(
        /^GET \/platform-info answered with a body larger than 16 MB, the most this action reads/
      )
      expect(error.message).not.toContain('undefined')
    } finally {
      await server.close()
    }
  }, 15_000)
})
