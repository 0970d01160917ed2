// Two copies of the action on one sync (`if-running: start`): a copy cancels only what it started.
// Copy A's start request is lost (the connection resets, nothing created) while copy B starts a
// run; A then finds B's run as "new since my request". It may follow it, but must never cancel it:
// not when A times out, and not in A's post step.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  runAgainst,
  usingSimulator,
  type BundleRun
} from '../helpers/bundle.js'

const RUNS = '/syncs/{sync_name}/runs'
const RUN = `${RUNS}/{sync_run_id}`

/**
 * The first start request is held, then reset without creating anything: long enough for copy B,
 * started once A's request is in, to start its run meanwhile, however slowly a busy machine starts
 * it.
 */
const SCENARIO: Scenario = {
  ...FAST,
  run: { ...FAST_RUN, durationMs: 120_000 },
  faults: [{ match: { method: 'POST', path: RUNS }, kind: 'reset', delayMs: 6_000 }]
}

let copyA: BundleRun
let copyB: BundleRun
let postA: BundleRun
let patches: string[]
let runsStarted: number

beforeAll(async () => {
  assertBundleExists()
  await usingSimulator(SCENARIO, async (sim) => {
    const inputs = { 'if-running': 'start' }
    const a = runAgainst(sim, { ...inputs, timeout: '4s' })
    // B starts once A's start request has reached the Platform: A's is the one held and reset.
    while (sim.requestsTo('POST', RUNS).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    copyB = await runAgainst(sim, { ...inputs, wait: 'false' })
    copyA = await a
    postA = await runAgainst(sim, inputs, { state: copyA.state })
    patches = sim.requestsTo('PATCH', RUN).map((request) => request.path)
    runsStarted = sim.runsStarted()
  })
}, 90_000)

describe('two copies of the action on one sync', () => {
  it('copy B started the only run', () => {
    expect(runsStarted).toBe(1)
    expect(copyB.outputs['sync-run-id']).not.toBe('')
  })

  it('copy A follows the run it found, warns that it may not be its own, and times out', () => {
    expect(copyA.outputs['sync-run-id']).toBe(copyB.outputs['sync-run-id'])
    expect(copyA.stdout).toMatch(/another copy of this action may have started it/)
    expect(copyA.exitCode).toBe(1)
  })

  it("neither copy A nor its post step cancels copy B's run", () => {
    expect(postA.stdout).toContain('no run started by this action')
    expect(patches).toEqual([])
  })
})
