// The demo's inputs for a scenario of one step (`npm run demo -- --scenario <preset>`): the gate
// with a medium limit that the demo's run stays under. The `pr-gate` story (which the README's
// pictures show) has its own, in pr-gate-story.ts.
// A scenario with a CLI run gates that run (`external-sync`); one whose syncs behave differently
// (`syncRuns`, as the `several-syncs` preset) runs all of its syncs in one step.

import type { Simulator } from '../simulator/server.js'

export function demoInputs(sim: Simulator): Record<string, string> {
  const { syncs, syncRuns, externalSyncs } = sim.scenario
  const [external] = externalSyncs
  const several = Object.keys(syncRuns).length > 0
  return {
    'platform-url': sim.url,
    'api-key': sim.scenario.apiKey,
    'sync-name': external
      ? ''
      : several
        ? syncs.map((sync) => sync.name).join('\n')
        : syncs[0].name,
    'external-sync': external?.invocationId ?? '',
    'max-medium-violations': '20'
  }
}
