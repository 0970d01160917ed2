import { PlatformClient, type PlatformClientOptions } from '../../src/platform/client.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import type { Scenario } from '../../simulator/scenario.js'

export const TEST_KEY = 'test-api-key'

/** A client for the simulator whose retries do not really wait (the back-off is tested apart). */
export function clientFor(
  sim: Simulator,
  options: Partial<PlatformClientOptions> = {}
): PlatformClient {
  return new PlatformClient({
    apiBaseUrl: `${sim.url}/api`,
    apiKey: TEST_KEY,
    requestTimeoutMs: 2000,
    sleep: async () => undefined,
    ...options
  })
}

/** Starts a simulator for one test and always closes it (and the client's sockets). */
export async function withSimulator<T>(
  scenario: Scenario,
  body: (sim: Simulator, client: PlatformClient) => Promise<T>,
  clientOptions: Partial<PlatformClientOptions> = {}
): Promise<T> {
  const sim = await startSimulator(scenario)
  const client = clientFor(sim, clientOptions)
  try {
    return await body(sim, client)
  } finally {
    client.dispose()
    await sim.close()
  }
}
