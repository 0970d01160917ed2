// Files the runner gives the action (GITHUB_OUTPUT, GITHUB_STATE) that cannot be written, through
// the real bundle: a failure or a warning that says so, never a stack trace, and the job summary
// still written.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../simulator/scenario.js'
import { assertBundleExists, FAST, runAll, runBundle, type BundleRun } from '../helpers/bundle.js'

const CLEAN: Scenario = {
  ...FAST,
  policies: [{ name: 'A', severity: 'critical', violationCount: 0 }]
}

let runs: Record<'an unwritable GITHUB_OUTPUT' | 'an unwritable GITHUB_STATE', BundleRun>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    'an unwritable GITHUB_OUTPUT': () =>
      runBundle(CLEAN, {}, { env: { GITHUB_OUTPUT: '/nonexistent-dir/output' } }),
    'an unwritable GITHUB_STATE': () =>
      runBundle(CLEAN, {}, { env: { GITHUB_STATE: '/nonexistent-dir/state' } })
  })
}, 60_000)

describe('files the runner gave that cannot be written', () => {
  it('GITHUB_OUTPUT: a reported failure, the summary still written, no stack trace', () => {
    const run = runs['an unwritable GITHUB_OUTPUT']
    expect(run.exitCode).toBe(1)
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.summary).toMatch(/Could not write the step outputs/)
    expect(run.stdout).toMatch(/::error::.*Could not write the step outputs/)
  })

  it('GITHUB_STATE: a warning, and the step still passes', () => {
    const run = runs['an unwritable GITHUB_STATE']
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.stdout).toMatch(/::warning::Could not save state for the post step/)
    expect({ exitCode: run.exitCode, result: run.outputs.result }).toEqual({
      exitCode: 0,
      result: 'pass'
    })
  })
})
