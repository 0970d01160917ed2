// `npm run demo`: runs the built action against the Platform simulator (the `demo` scenario: a
// ten-second sync whose run adds two critical violations) and shows, readably in a terminal, what
// a workflow would see: the log, the step's outputs, and the job summary.
//
//   npm run demo                      # the default demo
//   npm run demo -- --scenario clean  # any simulator preset (see simulator/presets.ts)
//   npm run demo -- --scenario several-syncs   # three syncs in one step, one failing
//   npm run demo -- --scenario external-sync   # gating a sync the CLI ran

import { startSimulator } from '../simulator/server.js'
import { preset } from '../simulator/presets.js'
import { runAction } from './action-runner.js'
import { demoInputs } from './demo-inputs.js'

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const dim = (text: string): string => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text)

/** Shows workflow commands the way the Actions log renders them, and hides the invisible ones. */
function renderLogLine(line: string): string | undefined {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!command) return `  ${line}`
  const [, name, text] = command
  switch (name) {
    case 'group':
      return `▸ ${bold(text)}`
    case 'endgroup':
    case 'debug':
    case 'add-mask':
      return undefined
    case 'error':
    case 'warning':
    case 'notice':
      return `  ${bold(`${name}:`)} ${decodeURIComponent(text.replace(/%(?![0-9A-F]{2})/g, '%25'))}`
    default:
      return dim(`  (${name})`)
  }
}

/** Markdown → terminal text: HTML blocks unwrapped, everything else left as written. */
function renderMarkdown(markdown: string): string {
  return markdown
    .replace(/<details>\s*<summary>(.*?)<\/summary>/g, '▸ $1')
    .replace(/<\/?(details|summary|p|sub|sup)>/g, '')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--scenario')
  const scenarioName = index >= 0 ? process.argv[index + 1] : 'demo'
  const sim = await startSimulator(preset(scenarioName))
  console.log(bold(`Platform simulator (scenario "${scenarioName}") at ${sim.url}`))
  console.log(bold('\n── Action log ──────────────────────────────────────────────'))
  let pending = ''
  try {
    const result = await runAction({
      inputs: { ...demoInputs(sim), 'sync-logs': 'always' },
      onStdout: (chunk) => {
        const lines = (pending + chunk).split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) {
          const shown = renderLogLine(line)
          if (shown !== undefined) console.log(shown)
        }
      }
    })
    console.log(bold('\n── Outputs ─────────────────────────────────────────────────'))
    const width = Math.max(...Object.keys(result.outputs).map((name) => name.length))
    for (const [name, value] of Object.entries(result.outputs)) {
      console.log(`  ${name.padEnd(width)}  ${value}`)
    }
    console.log(bold('\n── Job summary ─────────────────────────────────────────────'))
    console.log(renderMarkdown(result.summary))
    console.log(bold('── Result ──────────────────────────────────────────────────'))
    console.log(
      `  exit code ${result.exitCode}; ${sim.requests.length} requests to the Platform; JSON report: ${result.report.length} bytes`
    )
  } finally {
    await sim.close()
  }
}

await main()
