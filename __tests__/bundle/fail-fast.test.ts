// A newcomer's mistakes fail in seconds, before the first request that costs anything: every bad
// input at once (a URL's credentials and an API key never shown), then a preflight
// (GET /platform-info) that tells a wrong URL, a redirect, a TLS mismatch, an unknown host and a
// key without the role apart (a rejected key is in secrets.test.ts, with the server quoting it
// back), then the policy selection's names. Each of these runs must end with zero sync-run POSTs,
// and its message must name the input, the URL or the cause.

import { beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../../scripts/action-runner.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAll,
  runBundle,
  errorLines,
  type BundleRun
} from '../helpers/bundle.js'

const DNS_GUARD = `--import=${pathToFileURL(join(ROOT, '__tests__/helpers/dns-guard.mjs')).href}`

/** A server that is not the Platform: it gives every request the same `answer`, and counts them. */
interface WebServer {
  url: string
  /** `METHOD /path` of each request it saw. */
  hits: string[]
  close: () => Promise<void>
}

async function startWebServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    answer(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  } satisfies WebServer
}

/** A web server's HTML 404. */
const notFound = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(404, { 'Content-Type': 'text/html' })
  res.end('<html><body><h1>404 Not Found</h1></body></html>')
}
/** A redirect to another origin (never contacted: nothing listens there). */
const redirect = (req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(301, { location: `http://127.0.0.1:9${req.url ?? ''}` })
  res.end()
}

let runs: Record<
  | 'inputs'
  | 'webServer'
  | 'httpsToHttp'
  | 'unknownHost'
  | 'badRole'
  | 'groupTypo'
  | 'policyTypo'
  | 'redirect'
  | 'urlWithCredentialsAndKeyWithZeroWidthSpace'
  | 'keyWithLineBreak'
  | 'keyWithCyrillicLetter',
  BundleRun
>
let web: WebServer
let redirector: WebServer
let webRun: BundleRun

beforeAll(async () => {
  assertBundleExists()
  web = await startWebServer(notFound)
  redirector = await startWebServer(redirect)
  try {
    runs = await runAll({
      inputs: () =>
        runBundle(FAST, { 'api-key': '', 'sync-name': '', timeout: 'soon', 'if-running': 'x' }),
      webServer: () => runBundle(FAST, { 'platform-url': web.url }),
      httpsToHttp: () =>
        runBundle(
          FAST,
          {},
          { before: (sim) => ({ inputs: { 'platform-url': sim.url.replace('http:', 'https:') } }) }
        ),
      unknownHost: () =>
        runBundle(
          FAST,
          { 'platform-url': 'https://cloudquery.nowhere.test' },
          { env: { NODE_OPTIONS: DNS_GUARD } }
        ),
      badRole: () => runBundle({ ...FAST, forbidden: ['/platform-info'] }),
      groupTypo: () => runBundle(FAST, { 'policy-groups': 'CIS AWZ', 'soft-fail': 'true' }),
      policyTypo: () => runBundle(FAST, { policies: 'No such policy', 'soft-fail': 'true' }),
      redirect: () => runBundle(FAST, { 'platform-url': redirector.url }),
      // Two input errors, reported together.
      urlWithCredentialsAndKeyWithZeroWidthSpace: () =>
        runBundle(FAST, {
          'platform-url': 'https://admin:hunter2-secret@example.com:99999',
          'api-key': 'test-api\u200b-key'
        }),
      keyWithLineBreak: () => runBundle(FAST, { 'api-key': 'test-api\n-key' }),
      keyWithCyrillicLetter: () => runBundle(FAST, { 'api-key': 'test-\u0430pi-key' })
    })
    webRun = runs.webServer
  } finally {
    await Promise.all([web.close(), redirector.close()])
  }
}, 60_000)

function errors(run: BundleRun): string {
  return errorLines(run.stdout).join('\n')
}

function syncRunPosts(run: BundleRun): number {
  return run.sim.requests.filter((r) => r.method === 'POST').length
}

describe('early failures, each with zero sync-run POSTs', () => {
  it('lists every bad input at once, in a policies-only gate too, before any request', () => {
    const run = runs.inputs
    expect(run.exitCode).toBe(1)
    expect(run.sim.requests).toEqual([])
    const message = errors(run)
    expect(message).toMatch(/3 inputs need fixing/)
    expect(message).toMatch(/Input "api-key" is empty.*forks and Dependabot/)
    // Each names the input, quotes the value and says what is accepted.
    expect(message).toMatch(/Input "timeout" is "soon", .*expected /)
    expect(message).toMatch(/Input "if-running" is "x", .*expected /)
    // One entry per input in the report and the summary, not one run-on line.
    expect(reportOf(run)).toMatchObject({
      result: 'fail',
      errors: [{ stage: 'inputs' }, { stage: 'inputs' }, { stage: 'inputs' }]
    })
    expect(run.summary).toMatch(/^- \*\*Inputs:\*\* Input "timeout" is "soon"/m)
    expect(run.summary).toMatch(/^- \*\*Inputs:\*\* Input "if-running" is "x"/m)
    expect(run.summary).not.toContain('⏎')
  })

  it('says a web server that is not the Platform is not one, with the full URL tried', () => {
    expect(webRun.exitCode).toBe(1)
    expect(web.hits).toEqual(['GET /api/platform-info'])
    expect(errors(webRun)).toContain(`${web.url}/api/platform-info answered HTTP 404`)
    expect(errors(webRun)).toMatch(/"platform-url" does not point at a CloudQuery Platform/)
    expect(errors(webRun)).not.toMatch(/sync-name/)
    expect(reportOf(webRun)).toMatchObject({
      errors: [{ stage: 'platform' }],
      platformVersion: null
    })
  })

  it('names a redirect and where it pointed, and neither follows nor retries it', () => {
    const run = runs.redirect
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('failed with HTTP 301')
    expect(run.stdout).toContain('redirected to http://127.0.0.1:9/api/platform-info')
    expect(run.stdout).toContain('never follows redirects')
    // Only the preflight, once: a redirect is not retried and not followed.
    expect(redirector.hits).toEqual(['GET /api/platform-info'])
  })

  it('says the server does not speak HTTPS, without retrying', () => {
    const run = runs.httpsToHttp
    expect(run.exitCode).toBe(1)
    expect(syncRunPosts(run)).toBe(0)
    expect(errors(run)).toMatch(/does not speak HTTPS/)
    expect(errors(run)).not.toMatch(/gave up after/)
  })

  it('names a host that does not resolve, and does not retry it', () => {
    const run = runs.unknownHost
    expect(run.exitCode).toBe(1)
    expect(run.sim.requests).toEqual([])
    expect(errors(run)).toMatch(
      /host "cloudquery.nowhere.test" of "platform-url" does not resolve \(ENOTFOUND\)/
    )
    expect(run.stderr.match(/dns-guard: refused/g)).toHaveLength(1)
  })

  it('explains a key without the role at the preflight', () => {
    const run = runs.badRole
    expect(run.exitCode).toBe(1)
    expect(syncRunPosts(run)).toBe(0)
    expect(errors(run)).toMatch(/GET \/platform-info failed with HTTP 403.*role lacks permission/)
  })

  it.each([
    ['groupTypo', /Input "policy-groups": no policy group .*"CIS AWZ".*Policy groups: /],
    ['policyTypo', /Input "policies": no active policy .*"No such policy".*Active policies: /]
  ] as const)(
    'fails a selection typo (%s) before the sync, with the names that exist, even with soft-fail',
    (name, message) => {
      const run = runs[name]
      expect(run.exitCode).toBe(1)
      expect(syncRunPosts(run)).toBe(0)
      expect(errors(run)).toMatch(message)
      expect(reportOf(run)).toMatchObject({
        errors: [{ stage: 'inputs' }],
        platformVersion: 'v1.42.0-simulator'
      })
    }
  )

  it('shows an unparseable platform-url without its credentials, and names a key with a zero-width space', () => {
    const run = runs.urlWithCredentialsAndKeyWithZeroWidthSpace
    expect(run.exitCode).toBe(1)
    const message = errors(run)
    expect(message).toMatch(/2 inputs need fixing/)
    expect(message).toMatch(/Input "platform-url" is "https:\/\/example.com:99999"/)
    for (const text of [run.stdout, run.stderr, run.summary, run.report])
      expect(text).not.toMatch(/hunter2|admin/)
    // Nothing to say about requests here: no URL to send one to. The runs below show that a key
    // failing this one check (one pattern for every character) stops the action before any.
    expect(message).toMatch(/Input "api-key" holds a character an API key cannot have/)
  })

  it.each(['keyWithLineBreak', 'keyWithCyrillicLetter'] as const)(
    '%s: an input error naming api-key, before any request',
    (name) => {
      const run = runs[name]
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(
        /::error::Input "api-key" holds a character an API key cannot have/
      )
      expect(run.sim.requests).toEqual([])
    }
  )
})
