// What a newcomer reads when things go wrong: each wording problem once reported, run through
// the bundle so the log, the summary and the JSON report are checked as a workflow sees them.

import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAll,
  runBundle,
  errorLines,
  type BundleRun
} from '../helpers/bundle.js'

let runs: Record<'busy' | 'failed', BundleRun>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    busy: () =>
      runBundle(
        { ...FAST, activeRun: { ageMs: 1000, durationMs: 60_000 } },
        { 'if-running': 'fail' }
      ),
    failed: () =>
      runBundle(
        { ...FAST, run: { ...FAST.run, finalStatus: 'failed', statusReason: 'error' } },
        { 'max-critical-violations': '' }
      )
  })
}, 60_000)

describe('the words a failing run uses', () => {
  it('if-running: fail on a busy sync is not reported as wait: false anywhere', () => {
    const run = runs.busy
    expect(run.exitCode).toBe(1)
    expect(run.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
    for (const text of [run.stdout, run.summary, run.report]) {
      expect(text).not.toMatch(/wait: false/)
    }
    expect(reportOf(run)).toMatchObject({
      policiesSkipped:
        'no run was started: the sync already had an active run and "if-running" is "fail"'
    })
    expect(run.stdout).toMatch(/Policy stage skipped: no run was started.*"if-running" is "fail"/)
  })

  it('a failed run: one full stop, no promise of logs below, its reason once in the summary', () => {
    const run = runs.failed
    expect(run.exitCode).toBe(1)
    const failure = errorLines(run.stdout).find((line) =>
      line.startsWith('CloudQuery Platform gate failed')
    )
    expect(failure).toMatch(
      /failed \(error\) with \d+ errors?\. See the job summary for details\.$/
    )
    for (const text of [...errorLines(run.stdout), run.summary, run.report]) {
      expect(text).not.toMatch(/\.\.(?!\.)/)
      expect(text).not.toMatch(/logs below|\(s\)/)
    }
    expect(run.summary.replace(/\\/g, '').match(/failed \(error\) with/g)).toHaveLength(1)
  })
})
