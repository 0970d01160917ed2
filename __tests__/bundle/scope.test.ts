// The gate judged on the pull request's own resources: a new violating resource in another account
// (or without the pull request's tag, or not matching its names) is counted apart, shown as out of
// scope, and does not fail a gate scoped to the staging account; in scope, it does. Through the
// built bundle against the simulator.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import { assertBundleExists, FAST, reportOf, runBundle, type BundleRun } from '../helpers/bundle.js'

const POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    // Before the sync: the two staging buckets the baseline holds. After it: a third, new one,
    // in the production account, tagged by the pull request.
    violationCount: 2,
    countAfterSync: 3,
    resources: [
      { accountName: 'staging' },
      { accountName: 'staging' },
      { accountName: 'production', tags: ['env=pr-142'] }
    ]
  },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 0 }
]
const SCENARIO: Scenario = { ...FAST, policies: POLICIES }

/** Each spawn of the action: ample on a busy machine. */
const CASE_MS = 30_000

let dir: string
/** The default branch's baseline, written once before any pull request's sync. */
let baseline: string

beforeAll(async () => {
  assertBundleExists()
  dir = mkdtempSync(join(tmpdir(), 'cq-scope-'))
  baseline = join(dir, 'baseline.json')
  const before = await runBundle(SCENARIO, {
    'sync-name': '',
    'baseline-write': baseline,
    'max-critical-violations': '10'
  })
  // Every gate reads it: without it, none can prove anything.
  if (before.exitCode !== 0) {
    throw new Error(`The baseline's run exited with ${before.exitCode}:\n${before.stdout}`)
  }
}, CASE_MS)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/**
 * The baseline was written on another simulator of the same scenario: it names this run's
 * policies and resources only because the simulator's ids come from a fixed seed
 * (simulator/catalog.ts). Should they ever differ, each gate fails here, saying so, rather than
 * judging the baseline's resources as new (or its policies as missing).
 */
function expectBaselineOfTheseIds(run: BundleRun): void {
  const written = JSON.parse(readFileSync(baseline, 'utf8')) as {
    baseline: { policies: { id: string }[] }
  }
  const judged = reportOf(run) as {
    policies: { policies: { id: string; fixedViolations: number | null }[] }
  }
  const ids = (policies: { id: string }[]): string[] => policies.map((p) => p.id).sort()
  const served = judged.policies.policies
  expect({ policiesOfThisRun: ids(served) }).toEqual({
    policiesOfThisRun: ids(written.baseline.policies)
  })
  // A resource of the baseline that this run's Platform does not serve counts as fixed.
  const notServed = served.filter((p) => p.fixedViolations !== 0).map((p) => p.id)
  expect({ policiesWithBaselineResourcesNotServed: notServed }).toEqual({
    policiesWithBaselineResourcesNotServed: []
  })
}

/**
 * A gate scoped by `scope`, on a Platform of its own (so the cases run at once), judging on new
 * against the default branch's baseline.
 */
async function gate(scope: string): Promise<BundleRun> {
  const run = await runBundle(SCENARIO, { 'gate-on': 'new', 'baseline-file': baseline, scope })
  expectBaselineOfTheseIds(run)
  return run
}

describe('scope', () => {
  it.concurrent(
    'a new violating resource in another account does not fail a gate scoped to staging, and is shown as out of scope',
    async () => {
      const run = await gate('accounts: staging')
      expect(run.exitCode).toBe(0)
      expect(run.outputs).toMatchObject({
        result: 'pass',
        'critical-violations': '3',
        'out-of-scope-violations': '1',
        'new-violations': '0',
        'counted-violations': '0'
      })
      expect(run.summary).toContain(
        '**Scope:** accounts <code>staging</code> — 1 violation outside it, counted apart and not judged.'
      )
      expect(run.summary).toMatch(
        /\| 🔴\u00a0Critical \| 3 \| 1 \| 0 \| \*\*0\*\* \| 0 \| ✅ within \|/
      )
      expect(reportOf(run)).toMatchObject({
        policies: {
          scope: { accounts: ['staging'], regions: [], tags: [], resources: [] },
          outOfScopeViolations: { critical: 1, total: 1 }
        }
      })
    },
    CASE_MS
  )

  it.concurrent(
    'the same resource in scope fails it, and the new-resources table says whose it is',
    async () => {
      const run = await gate('accounts: [staging, production]')
      expect(run.exitCode).toBe(1)
      expect(run.outputs).toMatchObject({ 'out-of-scope-violations': '0', 'new-violations': '1' })
      expect(run.summary).toMatch(/s3-buckets-000003 \\\(production, [a-z0-9-]+\\\)/)
    },
    CASE_MS
  )

  it.concurrent.each([
    ['by tag', 'tags: env=pr-142', 1],
    ['by another tag', 'tags: env=pr-999', 0],
    ['by a resource glob that holds others', 'resources: "other-*"', 0],
    ['by a resource glob that holds it', 'resources: "s3-buckets-*3"', 1]
  ])(
    '%s',
    async (_how, scope, judged) => {
      const run = await gate(scope)
      expect(run.exitCode).toBe(judged > 0 ? 1 : 0)
      expect(run.outputs['counted-violations']).toBe(String(judged))
    },
    CASE_MS
  )

  it.concurrent('a scope that is not a mapping of matchers fails before any request', async () => {
    const run = await runBundle(SCENARIO, {
      'gate-on': 'new',
      'baseline-file': join(dir, 'none.json'),
      scope: 'account: staging'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Input "scope": line 1: unknown key "account"')
    expect(run.sim.requests).toHaveLength(0)
  })
})
