import { afterAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSimulator } from '../../simulator/server.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'platform-simulator-'))

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Starts the CLI; resolves with its URL line, or with its exit code if it dies first. */
function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/cli.ts', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const url = new Promise<string | undefined>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /^SIMULATOR_URL=(\S+)$/m.exec(stdout)
      if (match) resolve(match[1])
    })
    void exited.then(() => resolve(undefined))
  })
  return { child, url, exited, stderr: () => stderr }
}

describe('the CLI', () => {
  // Each test starts the CLI through tsx, which compiles it first: seconds on a busy machine.
  jest.setTimeout(30_000)

  it('prints the URL, serves a preset and stops cleanly on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--scenario', 'demo'])
    const url = await cli.url
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${url}/api/policies`, {
      headers: { authorization: 'Bearer test-api-key' }
    })
    const page = (await res.json()) as { metadata: { total_count: number } }
    expect(page.metadata.total_count).toBe(5)
    cli.child.kill('SIGTERM')
    expect(await cli.exited).toBe(0)
  })

  it('reads a scenario from a JSON file', async () => {
    const file = join(scratch, 'scenario.json')
    writeFileSync(file, JSON.stringify({ apiKey: 'from-file', syncs: ['only-one'] }))
    const cli = runCli(['--scenario', file])
    const url = await cli.url
    const res = await fetch(`${url}/api/syncs`, { headers: { authorization: 'Bearer from-file' } })
    const page = (await res.json()) as { items: { name: string }[] }
    expect(page.items.map((s) => s.name)).toEqual(['only-one'])
    cli.child.kill('SIGINT')
    expect(await cli.exited).toBe(0)
  })

  it('fails with the list of presets for an unknown scenario', async () => {
    const cli = runCli(['--scenario', 'nope'])
    expect(await cli.exited).toBe(1)
    expect(cli.stderr()).toMatch(/unknown scenario "nope"; known: default, demo/)
  })
})

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const opensslAvailable = hasOpenssl()
if (!opensslAvailable) console.warn('SKIPPED TLS test: openssl is not installed')
const describeTls = opensslAvailable ? describe : describe.skip

describeTls('TLS', () => {
  it('serves https with the given key and certificate', async () => {
    const key = join(scratch, 'key.pem')
    const cert = join(scratch, 'cert.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1'
      ],
      { stdio: 'ignore' }
    )
    const sim = await startSimulator(
      {},
      { tls: { key: readFileSync(key), cert: readFileSync(cert) } }
    )
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          `${sim.url}/api/syncs`,
          { ca: readFileSync(cert), headers: { authorization: 'Bearer test-api-key' } },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode))
          }
        )
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(200)
    } finally {
      await sim.close()
    }
  })
})
