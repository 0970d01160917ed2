// The demo's inputs, shared by `npm run demo` and `npm run screenshots`, so the README's pictures
// show exactly what the demo prints: the gate with a medium limit that the demo's run stays under.

import type { Simulator } from '../simulator/server.js'

export function demoInputs(sim: Simulator): Record<string, string> {
  return {
    'platform-url': sim.url,
    'api-key': sim.scenario.apiKey,
    'sync-name': sim.scenario.syncs[0].name,
    'max-medium-violations': '20'
  }
}
