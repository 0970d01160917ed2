// Runs the Platform simulator on its own, for the demo, the workflow and manual poking:
//   tsx simulator/cli.ts [--port N] [--scenario name|path.json]
// The first line on stdout is `SIMULATOR_URL=http://127.0.0.1:PORT`; it serves until SIGTERM/SIGINT.

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { preset, PRESETS } from './presets.js'
import type { Scenario } from './scenario.js'
import { startSimulator } from './server.js'

const USAGE = `usage: tsx simulator/cli.ts [--port N] [--scenario name|path.json]
scenarios: ${Object.keys(PRESETS).join(', ')}`

function loadScenario(ref: string): Scenario {
  return ref.endsWith('.json') ? (JSON.parse(readFileSync(ref, 'utf8')) as Scenario) : preset(ref)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      scenario: { type: 'string', default: 'default' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid --port ${values.port}`)
  const sim = await startSimulator(loadScenario(values.scenario), { port })
  console.log(`SIMULATOR_URL=${sim.url}`)
  console.error(
    `Platform simulator (scenario ${values.scenario}) on ${sim.url}/api, API key "${sim.scenario.apiKey}"`
  )
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  console.error(USAGE)
  process.exit(1)
})
