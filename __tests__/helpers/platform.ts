import { createRedactor } from '../../src/lib/log-safety.js'
import { PlatformClient, type PlatformClientOptions } from '../../src/platform/client.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import type { Scenario } from '../../simulator/scenario.js'
import { FakeClock } from './fake-clock.js'

export const TEST_KEY = 'test-api-key'
/** What a stage is given to hide the test key with (StageDeps.redact). */
export const redactKey = createRedactor([TEST_KEY])

const clocks = new WeakMap<PlatformClient, FakeClock>()

/**
 * A client for the simulator that lives on `clock`: its retries sleep on it (so a `Retry-After`
 * moves the simulator on too) and it reads `Retry-After` dates against it. Its per-request
 * deadline stays in real time: an answer the simulator holds back until the clock moves never
 * comes while the client waits for it, so that deadline is what ends the wait.
 */
export function clientFor(
  sim: Simulator,
  clock: FakeClock,
  options: Partial<PlatformClientOptions> = {}
): PlatformClient {
  const client = new PlatformClient({
    apiBaseUrl: `${sim.url}/api`,
    apiKey: TEST_KEY,
    requestTimeoutMs: 2000,
    sleep: clock.sleep,
    now: clock.now,
    ...options
  })
  clocks.set(client, clock)
  return client
}

/** The virtual clock a client of `withSimulator` shares with its simulator. */
export function clockOf(client: PlatformClient): FakeClock {
  const clock = clocks.get(client)
  if (!clock) throw new Error('this client was not made by clientFor')
  return clock
}

/**
 * Starts a simulator for one test on a virtual clock (starting now) that the client and `body`
 * share with it, and always closes it (and the client's sockets).
 */
export async function withSimulator<T>(
  scenario: Scenario,
  body: (sim: Simulator, client: PlatformClient, clock: FakeClock) => Promise<T>,
  clientOptions: Partial<PlatformClientOptions> = {}
): Promise<T> {
  const clock = new FakeClock(Date.now())
  const sim = await startSimulator(scenario, { clock: clock.follower })
  const client = clientFor(sim, clock, clientOptions)
  try {
    return await body(sim, client, clock)
  } finally {
    client.dispose()
    await sim.close()
  }
}
