// The per-resource gate through the built bundle: run 1 (before the sync) writes the baseline, the
// pull-request run gates on it, a re-run on the compact baseline gives the same verdict, exceptions
// suppress what they match and put annotations on their lines, and a malformed exceptions file and
// gate-on: new without a baseline fail at once, both reported together.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAgainst,
  runBundle,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'
import { SWAP_POLICIES } from '../__fixtures__/swap-policies.js'

const POLICIES = SWAP_POLICIES
const VIOLATIONS = '/policies/{policy_id}/violations'

const dir = mkdtempSync(join(tmpdir(), 'cq-baseline-bundle-'))
const paths = {
  report1: join(dir, 'report-1.json'),
  compact: join(dir, 'baseline.json'),
  exceptions: join(dir, 'exceptions.yml')
}
const day = (offset: number): string =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const EXCEPTIONS = [
  '# yaml-language-server: $schema=../docs/exceptions-schema.json',
  'exceptions:',
  '  - policy: S3 buckets without default encryption',
  '    resources: "s3-buckets-000004"',
  '    reason: Static website bucket, encrypted at the CDN',
  `    expires: ${day(30)}`,
  '    owner: "@web-team"',
  '  - policy: S3 buckets without default encryption',
  '    reason: Old exception',
  `    expires: ${day(-1)}`,
  '  - policy: IAM users without MFA',
  '    reason: Break-glass users',
  `    expires: ${day(400)}`,
  '  - policy: IAM users without MFA',
  '    regions: mars-north-1',
  '    reason: Nothing there',
  `    expires: ${day(30)}`,
  ''
].join('\n')

let sim: Simulator
let runs: Record<'before' | 'gate' | 'compact' | 'excepted', BundleRun>

beforeAll(async () => {
  assertBundleExists()
  writeFileSync(paths.exceptions, EXCEPTIONS)
  sim = await startSimulator({ ...FAST, policies: POLICIES })
  // Run 1: the default branch before the change: policies only, writing both kinds of baseline.
  const before = await runAgainst(sim, {
    'sync-name': '',
    'report-file': paths.report1,
    'baseline-write': paths.compact,
    // The default branch carries known findings: its gate counts them, and passes.
    'max-critical-violations': '10',
    'max-high-violations': '10'
  })
  const gateInputs = { 'gate-on': 'new', 'baseline-file': paths.report1 }
  const gate = await runAgainst(sim, gateInputs)
  // A re-run against the same Platform state, on the same baseline in its compact form.
  const compact = await runAgainst(sim, { ...gateInputs, 'baseline-file': paths.compact })
  const excepted = await runAgainst(sim, { ...gateInputs, 'exceptions-file': paths.exceptions })
  runs = { before, gate, compact, excepted }
}, 60_000)

afterAll(async () => {
  await sim?.close()
  rmSync(dir, { recursive: true, force: true })
})

const failure = (run: BundleRun): string[] =>
  workflowCommands(run.stdout)
    .filter((c) => c.name === 'error' && c.properties.title === undefined)
    .map((c) => c.data)

describe('the per-resource gate, through the bundle', () => {
  it('run 1 writes a baseline: its JSON report and the compact file', () => {
    expect(runs.before.exitCode).toBe(0)
    const report = reportOf(runs.before) as { baseline: { policies: { resources: string[] }[] } }
    const compact = JSON.parse(readFileSync(paths.compact, 'utf8')) as typeof report
    expect(compact.baseline).toEqual(report.baseline)
    // Every selected policy, low included though no threshold counts it: a later gate may.
    expect(report.baseline.policies.map((p) => p.resources.length)).toEqual([3, 2, 4])
  })

  it('a swap (one resource fixed, another new) fails max-critical-violations: 0 on new', () => {
    const run = runs.gate
    expect(run.exitCode).toBe(1)
    // The low policy's resources were not read (no threshold counts it): the total new figure is
    // unknown, so the output is empty, never the 1 of the policies that were compared.
    expect(run.outputs).toMatchObject({ result: 'fail', 'new-violations': '', violations: '9' })
    expect(reportOf(run)).toMatchObject({
      policies: { newViolations: { critical: 1, high: 0, low: null, total: null } }
    })
    expect(failure(run)).toEqual([
      expect.stringContaining(
        '1 new critical violation; at most 0 allowed (max-critical-violations)'
      )
    ])
    // One page of 1,000 per policy read (the other requests are samples): run 1 read all three,
    // each of the three gates only the critical and high ones it counts.
    const pages = run.sim
      .requestsTo('GET', VIOLATIONS)
      .filter((r) => r.query.per_page?.[0] === '1000')
    expect(pages).toHaveLength(3 + 3 * 2)
    expect(run.summary).toContain('#### Against the baseline')
  })

  it('a re-run on the compact baseline (the same as the report) gives the same verdict', () => {
    const run = runs.compact
    expect(run.exitCode).toBe(runs.gate.exitCode)
    expect(run.outputs['new-violations']).toBe(runs.gate.outputs['new-violations'])
    expect(reportOf(run)).toMatchObject({ policies: { newViolations: { critical: 1 } } })
    expect(failure(run)).toEqual(failure(runs.gate))
  })

  it('exceptions suppress exactly what they match, and annotate their lines', () => {
    const run = runs.excepted
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      result: 'pass',
      'new-violations': '',
      'suppressed-violations': '1',
      'counted-violations': ''
    })
    const onFile = workflowCommands(run.stdout)
      .filter((c) => c.properties.file === paths.exceptions)
      .map((c) => ({ name: c.name, line: c.properties.line, title: c.properties.title }))
    expect(onFile).toEqual([
      { name: 'error', line: '11', title: 'Exception too long: suppresses nothing' },
      { name: 'warning', line: '8', title: 'Exception expired: suppresses nothing' },
      { name: 'warning', line: '14', title: 'Unused exception' }
    ])
    const report = reportOf(run) as { exceptions: { suppressedViolations: number } }
    expect(report.exceptions.suppressedViolations).toBe(1)
    expect(run.summary).toContain('Static website bucket, encrypted at the CDN')
  })

  it('a baseline made for other policies fails the step, even with soft-fail', async () => {
    const foreign = join(dir, 'foreign.json')
    writeFileSync(
      foreign,
      JSON.stringify({
        baseline: {
          format: 'cloudquery-platform-baseline',
          version: 1,
          createdAt: new Date().toISOString(),
          policies: [{ id: 'a-policy-of-another-platform', resources: ['x'] }]
        }
      })
    )
    const run = await runBundle(
      { ...FAST, policies: POLICIES },
      { 'sync-name': '', 'gate-on': 'new', 'baseline-file': foreign, 'soft-fail': 'true' }
    )
    expect(run.exitCode).toBe(1)
    expect(run.outputs.result).toBe('fail')
    expect(failure(run).join('\n')).toContain('it was made for other policies')
    expect(run.stdout).not.toContain('"soft-fail" is true, so the step passes')
    expect(reportOf(run)).toMatchObject({ reasonKinds: expect.arrayContaining(['input']) })
  })

  it('soft-fail lets the step pass on breached thresholds alone', async () => {
    const run = await runBundle(
      { ...FAST, policies: POLICIES },
      { 'sync-name': '', 'soft-fail': 'true' }
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.result).toBe('fail')
    expect(run.stdout).toContain('"soft-fail" is true, so the step passes')
  })

  it('a malformed exceptions file (annotated at its line) and gate-on: new without a baseline fail together, before any request', async () => {
    const broken = join(dir, 'broken.yml')
    writeFileSync(broken, ['exceptions:', '  - policy: p', '    expiry: 2027-01-01', ''].join('\n'))
    const run = await runBundle(
      { ...FAST, policies: POLICIES },
      { 'sync-name': '', 'gate-on': 'new', 'exceptions-file': broken }
    )
    expect(run.exitCode).toBe(1)
    expect(run.sim.requests).toHaveLength(0)
    const onFile = workflowCommands(run.stdout).filter((c) => c.properties.file === broken)
    expect(onFile).toEqual([
      expect.objectContaining({
        name: 'error',
        properties: expect.objectContaining({ line: '3', title: 'Exceptions file error' }),
        data: expect.stringContaining('unknown key "expiry"')
      })
    ])
    const [failed] = failure(run)
    expect(failed).toMatch(/^2 inputs need fixing:\n- /)
    expect(failed).toContain('needs "baseline-artifact" or "baseline-file"')
    expect(failed).toContain(`Input "exceptions-file": "${broken}" is not a valid exceptions file`)
  })
})
