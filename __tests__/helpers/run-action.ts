// Runs the whole action (run/action.ts) in this process, against the simulator over real HTTP on a
// virtual clock, without spawning the bundle: the publisher keeps the report, the saver keeps the
// post step's state, and the test fires a termination signal when it likes.

import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ActionConfig } from '../../src/inputs/config.js'
import { parseInputs } from '../../src/inputs/parse.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import type { RunReport } from '../../src/report/model.js'
import { initialState, runAction } from '../../src/run/action.js'
import type { ActionDeps } from '../../src/run/deps.js'
import type { StepResult } from '../../src/run/report.js'
import type { RunState, SavedRun } from '../../src/run/state.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import type { FakeClock } from './fake-clock.js'
import { redactKey, TEST_KEY, withSimulator } from './platform.js'

export interface ActionRun {
  config: ActionConfig
  result: StepResult
  state: RunState
  /** Every report published: one, whatever happens. */
  published: RunReport[]
  /** What was saved for the post step, in order. */
  saved: { runs: SavedRun[]; finished: boolean }[]
  log: string[]
  sim: Simulator
  clock: FakeClock
}

/** What a test can do while the action runs. */
export interface Running {
  sim: Simulator
  clock: FakeClock
  log: string[]
  /** Fires the termination handler the action installed, as SIGTERM would; settles when it has. */
  signal: () => Promise<void>
  /** Resolves once `seen` holds, looked at every event-loop turn (in real time: a few ms). */
  until: (seen: () => boolean) => Promise<void>
}

/**
 * Runs the action with the inputs a workflow would give (the simulator's URL and key added), and
 * `during` alongside it. Resolves when the action has returned and `during` has finished.
 */
export function runActionOn(
  scenario: Scenario,
  inputs: Record<string, string>,
  during: (running: Running) => Promise<void> = async () => undefined
): Promise<ActionRun> {
  return withSimulator(scenario, async (sim, client, clock) => {
    const values: Record<string, string> = {
      'platform-url': sim.url,
      'api-key': TEST_KEY,
      ...inputs
    }
    const config = parseInputs((name) => values[name], {})
    const log = createMemoryLogger()
    const published: RunReport[] = []
    const saved: ActionRun['saved'] = []
    let handler: ((signal: string) => Promise<void>) | undefined
    const deps: ActionDeps = {
      client,
      clock,
      log,
      redact: redactKey,
      onTermination: (handle) => {
        handler = handle
        return () => (handler = undefined)
      },
      publish: (report) => {
        published.push(report)
        return Promise.resolve([])
      },
      saveRuns: (runs, finished) => saved.push({ runs: [...runs], finished })
    }
    const state = initialState(config, deps)
    const until = async (seen: () => boolean): Promise<void> => {
      for (let turn = 0; !seen(); turn++) {
        if (turn > 1_000_000) throw new Error('never seen')
        await nextTurn()
      }
    }
    const signal = (): Promise<void> => {
      if (!handler) throw new Error('no termination handler is installed')
      return handler('SIGTERM')
    }
    const [result] = await Promise.all([
      runAction(config, deps, state),
      during({ sim, clock, log: log.lines, signal, until })
    ])
    return { config, result, state, published, saved, log: log.lines, sim, clock }
  })
}
