// A self-hosted Platform behind a certificate from an internal CA: the runner trusts it once the CA
// is given in NODE_EXTRA_CA_CERTS, and without it the action fails with a message that says what
// is wrong and what to do (not just OpenSSL's "unable to verify the first certificate").
//
// The CA and the server certificate (SAN: DNS platform.test, DNS localhost, IP 127.0.0.1) are made
// with `openssl` at test time (see helpers/test-ca.ts); without openssl the file is skipped.

import { afterAll, describe, expect, it } from '@jest/globals'
import { runAction, type ActionRunResult } from '../../scripts/action-runner.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { actionInputs, requestLog } from '../helpers/bundle.js'
import { GATE_SCENARIO, visibleLog } from '../helpers/gate-run.js'
import { createTestCa, hasOpenssl, type TestCa } from '../helpers/test-ca.js'

const opensslAvailable = hasOpenssl()
if (!opensslAvailable) {
  console.warn('SKIPPED tls.test.ts: openssl is not installed to make a test CA')
}
const describeTls = opensslAvailable ? describe : describe.skip

let ca: TestCa | undefined
function testCa(): TestCa {
  ca ??= createTestCa()
  return ca
}
afterAll(() => ca?.remove())

async function overHttps(
  env: Record<string, string>
): Promise<{ run: ActionRunResult; sim: Simulator }> {
  const sim = await startSimulator(GATE_SCENARIO, { tls: testCa().tls })
  try {
    // sim.url is https://127.0.0.1:PORT: the certificate names that IP.
    const run = await runAction({ inputs: actionInputs(sim), env, timeoutMs: 60_000 })
    return { run, sim }
  } finally {
    await sim.close()
  }
}

describeTls('the Platform over HTTPS with a certificate from a private CA', () => {
  it.concurrent(
    'with NODE_EXTRA_CA_CERTS naming the CA: the action runs both stages and passes',
    async () => {
      const { run, sim } = await overHttps({ NODE_EXTRA_CA_CERTS: testCa().caFile })
      const why = `${requestLog(sim)}\n--- log ---\n${visibleLog(run.stdout)}\n${run.stderr}`
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect({ exit: run.exitCode, why }).toEqual({ exit: 0, why })
      expect(run.outputs).toMatchObject({ result: 'pass', 'sync-run-status': 'completed' })
      expect(sim.runsStarted()).toBe(1)
      expect(sim.requestsTo('GET', '/policies').length).toBeGreaterThan(0)
    },
    60_000
  )

  it.concurrent(
    'without it: the action fails before any request, naming the certificate problem and NODE_EXTRA_CA_CERTS',
    async () => {
      const { run, sim } = await overHttps({})
      expect(run.exitCode).toBe(1)
      // The TLS handshake failed, so no request reached the Platform and no run was started.
      expect(sim.requests).toEqual([])
      expect(sim.runsStarted()).toBe(0)

      const error = /::error title=Platform error::(.*)/.exec(run.stdout)?.[1] ?? ''
      expect(error).toMatch(/^GET \/platform-info could not reach the Platform: /)
      expect(error).toMatch(
        /\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/
      )
      expect(error).toMatch(/TLS certificate is not signed by a CA this runner trusts/)
      expect(error).toMatch(
        /self-signed certificate or an internal CA, set the NODE_EXTRA_CA_CERTS/
      )
      // The summary (markdown, so with `_` escaped) and the report say the same.
      expect(run.summary.replace(/\\/g, '')).toContain('set the NODE_EXTRA_CA_CERTS')
      const report = JSON.parse(run.report) as { errors: { stage: string; message: string }[] }
      expect(report.errors).toMatchObject([
        { stage: 'platform', message: expect.stringContaining('NODE_EXTRA_CA_CERTS') }
      ])
    },
    60_000
  )
})
