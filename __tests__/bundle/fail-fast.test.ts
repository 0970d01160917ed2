// A newcomer's mistakes fail in seconds, before the first request that costs anything: every bad
// input at once, then a preflight (GET /platform-info) that tells a wrong URL, a TLS mismatch, an
// unknown host and a bad key apart, then the policy selection's names. Each of these runs must end
// with zero sync-run POSTs, and its message must name the input, the URL or the cause.

import { beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
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

/** Not the Platform: a web server that answers every request with an HTML 404, and counts them. */
interface WebServer {
  url: string
  methods: string[]
  close: () => Promise<void>
}

async function startWebServer(): Promise<WebServer> {
  const methods: string[] = []
  const server: Server = createServer((req, res) => {
    methods.push(req.method ?? '')
    res.writeHead(404, { 'Content-Type': 'text/html' })
    res.end('<html><body><h1>404 Not Found</h1></body></html>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

let runs: Record<
  | 'inputs'
  | 'webServer'
  | 'httpsToHttp'
  | 'unknownHost'
  | 'badKey'
  | 'badRole'
  | 'groupTypo'
  | 'policyTypo',
  BundleRun
>
let web: WebServer
let webRun: BundleRun

beforeAll(async () => {
  assertBundleExists()
  web = await startWebServer()
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
      badKey: () => runBundle(FAST, { 'api-key': 'not-the-key' }),
      badRole: () => runBundle({ ...FAST, forbidden: ['/platform-info'] }),
      groupTypo: () => runBundle(FAST, { 'policy-groups': 'CIS AWZ', 'soft-fail': 'true' }),
      policyTypo: () => runBundle(FAST, { policies: 'No such policy', 'soft-fail': 'true' })
    })
    webRun = runs.webServer
  } finally {
    await web.close()
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
    expect(message).toMatch(/Input "timeout" is "soon"/)
    expect(message).toMatch(/Input "if-running" is "x"/)
    // One entry per input in the report and the summary, not one run-on line.
    expect(reportOf(run)).toMatchObject({
      errors: [{ stage: 'inputs' }, { stage: 'inputs' }, { stage: 'inputs' }]
    })
    expect(run.summary).toMatch(/^- \*\*Inputs:\*\* Input "timeout" is "soon"/m)
    expect(run.summary).not.toContain('⏎')
  })

  it('says a web server that is not the Platform is not one, with the full URL tried', () => {
    expect(webRun.exitCode).toBe(1)
    expect(web.methods).toEqual(['GET'])
    expect(errors(webRun)).toContain(`${web.url}/api/platform-info answered HTTP 404`)
    expect(errors(webRun)).toMatch(/"platform-url" does not point at a CloudQuery Platform/)
    expect(errors(webRun)).not.toMatch(/sync-name/)
    expect(reportOf(webRun)).toMatchObject({
      errors: [{ stage: 'platform' }],
      platformVersion: null
    })
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

  it.each([
    ['badKey', /GET \/platform-info failed with HTTP 401.*API key was rejected/],
    ['badRole', /GET \/platform-info failed with HTTP 403.*role lacks permission/]
  ] as const)('explains %s at the preflight', (name, message) => {
    const run = runs[name]
    expect(run.exitCode).toBe(1)
    expect(syncRunPosts(run)).toBe(0)
    expect(errors(run)).toMatch(message)
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
})
