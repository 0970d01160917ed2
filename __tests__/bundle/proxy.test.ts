// Networks with a proxy in the way: @actions/http-client honours `https_proxy`/`HTTPS_PROXY`,
// `http_proxy` and `no_proxy`, and this proves the bundled action goes through it.
//
// The client never proxies loopback hosts (127.*, localhost, [::1]), so the action is pointed at a
// made-up name, `platform.test`, which only the test proxy knows how to reach: it sends every
// target to the simulator's port on 127.0.0.1 without resolving anything. The action runs with
// `__tests__/helpers/dns-guard.mjs` preloaded, so no lookup of any name can reach a real resolver;
// a lookup of `platform.test` would fail (and say so on stderr) unless the case maps it, the way
// /etc/hosts or an internal DNS would for a host in `no_proxy`.

import { afterAll, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT, runAction, type ActionRunResult } from '../../scripts/action-runner.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { actionInputs, requestLog } from '../helpers/bundle.js'
import { GATE_SCENARIO, visibleLog } from '../helpers/gate-run.js'
import { startProxy, type TestProxy } from '../helpers/proxy.js'
import { createTestCa, hasOpenssl, type TestCa } from '../helpers/test-ca.js'

const HOST = 'platform.test'
const DNS_GUARD = `--import=${pathToFileURL(join(ROOT, '__tests__/helpers/dns-guard.mjs')).href}`
const CLEARTEXT_WARNING =
  '::warning::"platform-url" uses plain http:// to a remote host: the API key travels in clear text.'

const opensslAvailable = hasOpenssl()
if (!opensslAvailable) {
  console.warn('SKIPPED the https proxy cases: openssl is not installed to make a test CA')
}
const itWithTls = opensslAvailable ? it.concurrent : it.concurrent.skip

let ca: TestCa | undefined
function testCa(): TestCa {
  ca ??= createTestCa()
  return ca
}
afterAll(() => ca?.remove())

interface ProxiedRun {
  run: ActionRunResult
  sim: Simulator
  proxy: TestProxy
  port: number
}

/**
 * Runs the action against `platform.test:<simulator port>` with a proxy in front of the simulator.
 * `env` names the proxy variables to set (`PROXY` is replaced by the proxy's URL).
 */
async function throughProxy(
  scheme: 'http' | 'https',
  env: Record<string, string>
): Promise<ProxiedRun> {
  const tls = scheme === 'https' ? testCa() : undefined
  const sim = await startSimulator(GATE_SCENARIO, tls ? { tls: tls.tls } : {})
  const port = Number(new URL(sim.url).port)
  const proxy = await startProxy(port)
  try {
    const run = await runAction({
      inputs: actionInputs(sim, { 'platform-url': `${scheme}://${HOST}:${port}` }),
      env: {
        NODE_OPTIONS: DNS_GUARD,
        ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}),
        ...Object.fromEntries(
          Object.entries(env).map(([name, value]) => [name, value.replace('PROXY', proxy.url)])
        )
      },
      timeoutMs: 60_000
    })
    return { run, sim, proxy, port }
  } finally {
    await proxy.close()
    await sim.close()
  }
}

function explain({ run, sim, proxy }: ProxiedRun): string {
  return [
    requestLog(sim),
    `--- proxy: CONNECT ${JSON.stringify(proxy.connects)}, forwarded ${JSON.stringify(proxy.forwards)}`,
    '--- log ---',
    visibleLog(run.stdout),
    run.stderr
  ].join('\n')
}

/** The action passed, and every request reached the simulator addressed to platform.test. */
function expectPassedVia(p: ProxiedRun): void {
  const why = explain(p)
  expect({ exit: p.run.exitCode, why }).toEqual({ exit: 0, why })
  expect(p.run.outputs).toMatchObject({ result: 'pass', 'sync-run-status': 'completed' })
  expect(p.sim.runsStarted()).toBe(1)
  const hosts = new Set(p.sim.requests.map((r) => r.headers.host))
  expect([...hosts]).toEqual([`${HOST}:${p.port}`])
  // The action never tried to resolve platform.test itself.
  expect(p.run.stderr).not.toContain('dns-guard:')
}

/** Every request went through the proxy: no connection reached the simulator any other way. */
function expectAllProxied(p: ProxiedRun): void {
  const target = `${HOST}:${p.port}`
  const through = [...p.proxy.connects, ...p.proxy.forwards.map((f) => new URL(f.url).host)]
  expect(through.length).toBeGreaterThan(0)
  expect(new Set(through)).toEqual(new Set([target]))
  expect(p.proxy.refused).toEqual([])
}

describe('the action behind an HTTP(S) proxy', () => {
  itWithTls.each(['https_proxy', 'HTTPS_PROXY'])(
    'https:// through %s: every request goes through a CONNECT tunnel, and the gate passes',
    async (variable) => {
      const p = await throughProxy('https', { [variable]: 'PROXY' })
      expectPassedVia(p)
      expectAllProxied(p)
      // An https:// target can only be reached through a tunnel.
      expect(p.proxy.connects.length).toBeGreaterThan(0)
      expect(p.proxy.forwards).toEqual([])
      expect(p.run.stdout).not.toContain(CLEARTEXT_WARNING)
    },
    60_000
  )

  it.concurrent(
    'http:// through http_proxy: every request goes through the proxy, and the key-in-clear-text warning is logged',
    async () => {
      const p = await throughProxy('http', { http_proxy: 'PROXY' })
      expectPassedVia(p)
      // @actions/http-client (through the `tunnel` package) tunnels plain http:// with CONNECT
      // too, rather than sending absolute-URI requests; either way the proxy sees every request.
      expectAllProxied(p)
      expect(p.run.stdout).toContain(CLEARTEXT_WARNING)
    },
    60_000
  )

  it.concurrent(
    'no_proxy=platform.test: the proxy sees nothing, the action connects directly (platform.test mapped to 127.0.0.1)',
    async () => {
      const p = await throughProxy('http', {
        http_proxy: 'PROXY',
        https_proxy: 'PROXY',
        no_proxy: `example.internal,${HOST}`,
        CQ_TEST_HOSTS: `${HOST}=127.0.0.1`
      })
      expectPassedVia(p)
      expect(p.proxy.connects).toEqual([])
      expect(p.proxy.forwards).toEqual([])
    },
    60_000
  )

  it.concurrent(
    'the test proxy itself forwards absolute-URI requests without resolving the host',
    async () => {
      const sim = await startSimulator(GATE_SCENARIO)
      const port = Number(new URL(sim.url).port)
      const proxy = await startProxy(port)
      try {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const url = new URL(proxy.url)
          const req = request(
            {
              host: url.hostname,
              port: url.port,
              path: `http://${HOST}:${port}/api/syncs`,
              headers: { host: `${HOST}:${port}`, authorization: `Bearer ${sim.scenario.apiKey}` }
            },
            (res) => {
              res.resume()
              res.on('end', () => resolve(res.statusCode))
            }
          )
          req.on('error', reject)
          req.end()
        })
        expect(status).toBe(200)
        expect(proxy.forwards).toEqual([{ method: 'GET', url: `http://${HOST}:${port}/api/syncs` }])
        expect(sim.requests.map((r) => r.path)).toEqual(['/api/syncs'])
      } finally {
        await proxy.close()
        await sim.close()
      }
    },
    30_000
  )
})
