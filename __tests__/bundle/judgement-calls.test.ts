// The judgement calls of a broken or hostile Platform, through the real bundle: a redirect is named
// and never followed, a severity in upper case counts as that severity, and a report path that is a
// symlink (within the workspace) stays one.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Scenario } from '../../simulator/scenario.js'
import { assertBundleExists, FAST, runAll, runBundle, type BundleRun } from '../helpers/bundle.js'

/** Answers every request with a redirect to another origin (never contacted: nothing listens). */
async function startRedirector(): Promise<{
  url: string
  hits: string[]
  close: () => Promise<void>
}> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(301, { location: `http://127.0.0.1:9${req.url ?? ''}` })
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

const UPPER_CASE: Scenario = {
  ...FAST,
  policies: [
    { name: 'A', severity: 'critical', violationCount: 5 },
    { name: 'B', severity: 'high', violationCount: 2 }
  ],
  policyExtraFields: { A: { severity: 'CRITICAL' }, B: { severity: 'High' } }
}

const dir = mkdtempSync(join(tmpdir(), 'judgement-calls-'))
const target = join(dir, 'target.json')
const link = join(dir, 'report.json')
let redirector: Awaited<ReturnType<typeof startRedirector>>
let runs: Record<'redirect' | 'upperCase', BundleRun>

beforeAll(async () => {
  assertBundleExists()
  writeFileSync(target, 'old')
  symlinkSync(target, link)
  redirector = await startRedirector()
  runs = await runAll({
    redirect: () => runBundle(FAST, { 'platform-url': redirector.url }),
    // The symlink and its target in the workspace: a symlink out of it is refused
    // (hostile-files.test.ts).
    upperCase: () =>
      runBundle(
        UPPER_CASE,
        {
          'sync-name': '',
          'policy-evaluation': 'latest',
          'max-critical-violations': '0',
          'report-file': link
        },
        { env: { GITHUB_WORKSPACE: dir } }
      )
  })
}, 120_000)
afterAll(async () => {
  await redirector.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a redirect', () => {
  it('is named with where it pointed, and not followed', () => {
    const run = runs.redirect
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('failed with HTTP 301')
    expect(run.stdout).toContain('redirected to http://127.0.0.1:9/api/platform-info')
    expect(run.stdout).toContain('never follows redirects')
    // Only the preflight, once: a redirect is not retried and not followed.
    expect(redirector.hits).toEqual(['GET /api/platform-info'])
  })
})

describe('a severity in upper case', () => {
  it('counts as that severity, not only toward the total', () => {
    const run = runs.upperCase
    expect(run.outputs).toMatchObject({
      result: 'fail',
      'critical-violations': '5',
      'high-violations': '2'
    })
    expect(run.exitCode).toBe(1)
  })

  it('and its report, written through a symlink, leaves the symlink in place', () => {
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ schemaVersion: 1 })
  })
})
