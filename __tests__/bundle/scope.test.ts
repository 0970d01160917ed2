// The gate judged on the pull request's own resources: a new violating resource in another account
// (or without the pull request's tag, or not matching its names) is counted apart, shown as out of
// scope, and does not fail a gate scoped to the staging account; in scope, it does. Through the
// built bundle against the simulator.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec } from '../../simulator/scenario.js'
import { startSimulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAgainst,
  runBundle,
  type BundleRun
} from '../helpers/bundle.js'

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

let dir: string

beforeAll(() => {
  assertBundleExists()
  dir = mkdtempSync(join(tmpdir(), 'cq-scope-'))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/**
 * A gate scoped by `scope`, on a Platform of its own (so the cases run at once): the default
 * branch's baseline is written before the pull request's sync, then the gate judges on new.
 */
async function gate(scope: string): Promise<BundleRun> {
  const sim = await startSimulator({ ...FAST, policies: POLICIES })
  const baseline = join(mkdtempSync(join(dir, 'case-')), 'baseline.json')
  try {
    const before = await runAgainst(sim, {
      'sync-name': '',
      'baseline-write': baseline,
      'max-critical-violations': '10'
    })
    expect(before.exitCode).toBe(0)
    return await runAgainst(sim, { 'gate-on': 'new', 'baseline-file': baseline, scope })
  } finally {
    await sim.close()
  }
}

/** Each case spawns the action twice (the baseline, then the gate): ample on a busy machine. */
const CASE_MS = 30_000

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
    const run = await runBundle(
      { ...FAST, policies: POLICIES },
      { 'gate-on': 'new', 'baseline-file': join(dir, 'none.json'), scope: 'account: staging' }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('Input "scope": line 1: unknown key "account"')
    expect(run.sim.requests).toHaveLength(0)
  })
})
