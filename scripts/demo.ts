// `npm run demo`: runs the built action against the Platform simulator (the `demo` scenario: a
// ten-second sync whose run adds two critical violations) and shows, readably in a terminal, what
// a workflow would see: the log, the step's outputs, and the job summary.
//
//   npm run demo                      # the default demo
//   npm run demo -- --scenario clean  # any simulator preset (see simulator/presets.ts)
//   npm run demo -- --scenario several-syncs   # three syncs in one step, one failing
//   npm run demo -- --scenario external-sync   # gating a sync the CLI ran
//   npm run demo -- --scenario pr-gate   # the pull-request gate end to end (scripts/pr-gate-story.ts)

import { startSimulator } from '../simulator/server.js'
import { preset } from '../simulator/presets.js'
import { runAction, type ActionRunResult } from './action-runner.js'
import { demoInputs } from './demo-inputs.js'
import { runPrGateStory, verdictDifferences, VERDICT_OUTPUTS } from './pr-gate-story.js'

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

/** Prints the action's log as it comes, line by line, the way the Actions log shows it. */
function logPrinter(): (chunk: string) => void {
  let pending = ''
  return (chunk) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const shown = renderLogLine(line)
      if (shown !== undefined) console.log(shown)
    }
  }
}

function heading(title: string): void {
  console.log(bold(`\n── ${title} ${'─'.repeat(Math.max(3, 58 - title.length))}`))
}

function printOutputs(outputs: Record<string, string>, names = Object.keys(outputs)): void {
  const width = Math.max(...names.map((name) => name.length))
  for (const name of names) console.log(`  ${name.padEnd(width)}  ${outputs[name] ?? ''}`)
}

async function demo(scenarioName: string): Promise<void> {
  const sim = await startSimulator(preset(scenarioName))
  console.log(bold(`Platform simulator (scenario "${scenarioName}") at ${sim.url}`))
  heading('Action log')
  try {
    const result = await runAction({
      inputs: { ...demoInputs(sim), 'sync-logs': 'always' },
      onStdout: logPrinter()
    })
    heading('Outputs')
    printOutputs(result.outputs)
    heading('Job summary')
    console.log(renderMarkdown(result.summary))
    heading('Result')
    console.log(
      `  exit code ${result.exitCode}; ${sim.requests.length} requests to the Platform; JSON report: ${result.report.length} bytes`
    )
  } finally {
    await sim.close()
  }
}

/** The pull-request gate's story; fails (exit code 1) when the re-run's verdict differs. */
async function prGateDemo(): Promise<void> {
  console.log(bold('The pull-request gate on a shared staging account (docs/pr-gate.md)'))
  const printLog = logPrinter()
  const story = await runPrGateStory({
    onStep: ({ title, about }) => {
      heading(title)
      console.log(dim(`  ${about}`))
    },
    onNote: (note) => console.log(bold(`\n▸ ${note}`)),
    onStdout: printLog
  })
  const step = (name: string, result: ActionRunResult): void =>
    console.log(`  ${name}: exit code ${result.exitCode}, result ${result.outputs.result ?? '?'}`)
  heading("Job summary of the pull request's gate")
  console.log(renderMarkdown(story.gate.summary))
  heading('Verdicts')
  step('baseline', story.baseline)
  step('gate', story.gate)
  step('re-run', story.rerun)
  printOutputs(story.rerun.outputs, [...VERDICT_OUTPUTS])
  const differences = verdictDifferences(story.gate, story.rerun)
  if (differences.length > 0) {
    console.log(bold(`  The re-run's verdict differs: ${differences.join('; ')}`))
    process.exitCode = 1
  } else {
    console.log(`  The re-run gave the same verdict, with the same figures.`)
  }
  if (story.comment === '') {
    console.log(bold('  No pull-request comment was posted.'))
    process.exitCode = 1
  } else {
    console.log(`  Pull request 42's sticky comment: ${story.comment.length} characters.`)
  }
}

const index = process.argv.indexOf('--scenario')
const scenarioName = index >= 0 ? process.argv[index + 1] : 'demo'
await (scenarioName === 'pr-gate' ? prGateDemo() : demo(scenarioName))
