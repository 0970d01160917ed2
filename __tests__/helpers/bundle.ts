// Runs the built action (dist/index.js, or the build in $ACTION_BUNDLE) the way the runner does,
// against the Platform simulator, and reads what a workflow would see: the exit code, the log with
// its workflow commands, the outputs, the job summary and the JSON report. Shared by the bundle
// tests in __tests__/bundle/.

import { expect } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import {
  BUNDLE,
  ROOT,
  runAction,
  type ActionRunOptions,
  type ActionRunResult
} from '../../scripts/action-runner.js'
import { mapWithConcurrency } from '../../src/lib/concurrency.js'
import type { RunSpec, Scenario } from '../../simulator/scenario.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'

export { BUNDLE }

/** A run that is created, pending, started and done in under half a second. */
export const FAST_RUN: Partial<RunSpec> = {
  pendingMs: 50,
  startDelayMs: 50,
  durationMs: 300,
  ingestionDelayMs: 50
}

/** A fast run whose policies are evaluated just after it is ingested. */
export const FAST: Scenario = { run: FAST_RUN, evaluation: { delayAfterIngestMs: 50 } }

/** Spawned processes at once: each is mostly waiting, but starting one costs a CPU for a moment. */
const CONCURRENCY = 8

export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

export const ACTION_YML = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
export const OUTPUT_NAMES = Object.keys(ACTION_YML.outputs)

/**
 * The runner passes every input action.yml declares, with its default when the workflow gives none
 * (expressions evaluated). `report-file` is left to the harness, which points it into its temp dir.
 */
const RUNNER_DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(ACTION_YML.inputs)
    .filter(([name, input]) => input.default !== undefined && name !== 'report-file')
    .map(([name, input]) => [
      name,
      input.default?.startsWith('${{') ? 'ghs_bundle-test-token' : (input.default ?? '')
    ])
)

/** Fails early and readably when there is no bundle to test. */
export function assertBundleExists(): void {
  if (!existsSync(BUNDLE)) {
    throw new Error(`No bundle at ${BUNDLE}: run "npm run package" (or set ACTION_BUNDLE).`)
  }
}

/** The inputs of one run against `sim`: the runner's defaults, the connection, then `inputs`. */
export function actionInputs(
  sim: Simulator,
  inputs: Record<string, string> = {}
): Record<string, string> {
  return {
    ...RUNNER_DEFAULTS,
    'platform-url': sim.url,
    'api-key': sim.scenario.apiKey,
    'sync-name': 'aws-prod',
    'poll-interval': '2s',
    ...inputs
  }
}

export interface BundleRun extends ActionRunResult {
  /** Closed, but its request log and runs are still there to read. */
  sim: Simulator
}

export type BundleOptions = Omit<ActionRunOptions, 'inputs'> & {
  /** Called once the simulator listens, before the action starts (e.g. to read its runs). */
  before?: (sim: Simulator) => Partial<ActionRunOptions> | void
}

/** Runs `body` with a simulator for `scenario`, and always closes it. */
export async function usingSimulator<T>(
  scenario: Scenario,
  body: (sim: Simulator) => Promise<T>
): Promise<T> {
  const sim = await startSimulator(scenario)
  try {
    return await body(sim)
  } finally {
    await sim.close()
  }
}

/** Runs the bundle against a simulator that is already running. */
export async function runAgainst(
  sim: Simulator,
  inputs: Record<string, string> = {},
  options: Omit<ActionRunOptions, 'inputs'> = {}
): Promise<BundleRun> {
  const result = await runAction({ ...options, inputs: actionInputs(sim, inputs) })
  return { ...result, sim }
}

/** Starts a simulator for `scenario`, runs the bundle against it, and closes the simulator. */
export function runBundle(
  scenario: Scenario,
  inputs: Record<string, string> = {},
  options: BundleOptions = {}
): Promise<BundleRun> {
  const { before, ...runOptions } = options
  return usingSimulator(scenario, (sim) => {
    const extra = before?.(sim) ?? {}
    return runAgainst(sim, { ...inputs, ...extra.inputs }, { ...runOptions, ...extra })
  })
}

/**
 * How long the runner lets a cancelled step's process run after its SIGINT before it follows up
 * with SIGTERM (and then SIGKILL).
 */
export const RUNNER_GRACE_MS = 7_500

/**
 * Sends `signal` to the action once its stdout contains `marker` (and `delayMs` more), as the
 * runner does when a workflow is cancelled. Like the runner, it does not wait for ever: a process
 * still there `RUNNER_GRACE_MS` later is killed (and `killed` says so), so an action that does not
 * wind up in time fails its exit checks rather than the test's timeout.
 */
export class Signaller {
  /** When the signal was sent (epoch ms), once it was. */
  sentAt?: number
  /** The action outstayed the runner's grace period and was killed. */
  killed = false
  private child?: ChildProcess
  private seen = ''

  constructor(
    private readonly marker: string,
    private readonly signal: NodeJS.Signals,
    private readonly delayMs = 0
  ) {}

  /** The options that let it watch and signal the spawned action. */
  get options(): Pick<ActionRunOptions, 'onSpawn' | 'onStdout'> {
    return {
      onSpawn: (child) => (this.child = child),
      onStdout: (chunk) => {
        if (this.seen.includes(this.marker)) return
        this.seen += chunk
        if (!this.seen.includes(this.marker)) return
        setTimeout(() => this.send(), this.delayMs)
      }
    }
  }

  private send(): void {
    const child = this.child
    if (!child) return
    this.sentAt = Date.now()
    child.kill(this.signal)
    if (this.signal === 'SIGKILL') return
    const kill = setTimeout(() => {
      this.killed = true
      child.kill('SIGKILL')
    }, RUNNER_GRACE_MS)
    child.once('exit', () => clearTimeout(kill))
  }
}

/** Preloaded with `NODE_OPTIONS`: the process prints its peak RSS on exit (see peak-rss.mjs). */
export const PEAK_RSS = `--import=${pathToFileURL(join(ROOT, '__tests__/helpers/peak-rss.mjs')).href}`

/** The process's peak RSS in MB, as the PEAK_RSS preload printed it (and logged, for the docs). */
export function peakRssMb(run: ActionRunResult, name: string): number {
  const kb = Number(/^peak-rss-kb: (\d+)$/m.exec(run.stderr)?.[1] ?? NaN)
  // ru_maxrss is in KiB; MB here is 10^6 bytes, as in docs/performance.md.
  const mb = (kb * 1024) / 1e6
  console.log(`peak RSS: ${name}: ${mb.toFixed(0)} MB`)
  return mb
}

/** Runs every case at once (a few processes at a time); the results keep the cases' names. */
export async function runAll<K extends string, T>(
  cases: Record<K, () => Promise<T>>
): Promise<Record<K, T>> {
  const entries = Object.entries(cases) as [K, () => Promise<T>][]
  const results = await mapWithConcurrency(entries, CONCURRENCY, ([, run]) => run())
  return Object.fromEntries(entries.map(([name], i) => [name, results[i]])) as Record<K, T>
}

/** The simulator's request log, one line per exchange, for failure messages. */
export function requestLog(sim: Simulator): string {
  return sim.requests
    .map((r) => {
      const query = new URLSearchParams(
        Object.entries(r.query).flatMap(([name, values]) =>
          values.map((v): [string, string] => [name, v])
        )
      ).toString()
      const fault = r.fault ? ` [fault ${r.fault}]` : ''
      return `#${r.seq} ${r.method} ${r.path}${query ? `?${query}` : ''} → ${r.status ?? 'no answer'}${fault}`
    })
    .join('\n')
}

/** The JSON report, parsed (`undefined` when none was written). */
export function reportOf(run: ActionRunResult): Record<string, unknown> | undefined {
  return run.report === '' ? undefined : (JSON.parse(run.report) as Record<string, unknown>)
}

// Workflow commands in the log

export interface WorkflowCommand {
  /** 1-based line number in stdout. */
  line: number
  text: string
  name: string
  properties: Record<string, string>
  /** The command's data, decoded as the runner decodes it. */
  data: string
}

const ANNOTATION_PROPERTIES = new Set(['title', 'file', 'line', 'col', 'endLine', 'endColumn'])

/** Decodes a command's data (`%25`, `%0D`, `%0A`) or property value (also `%3A`, `%2C`). */
function unescapeCommandValue(value: string, property = false): string {
  let out = value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')
  if (property) out = out.replace(/%3A/gi, ':').replace(/%2C/gi, ',')
  return out.replace(/%25/g, '%')
}

/** The data of each `::error` command (annotations and the step's failure), decoded. */
export function errorLines(stdout: string): string[] {
  return workflowCommands(stdout)
    .filter((command) => command.name === 'error')
    .map((command) => command.data)
}

/**
 * Every stdout line the runner would read as a workflow command, parsed as the runner parses it:
 * trimmed, `::name key=value,key=value::data`.
 */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  stdout.split('\n').forEach((raw, index) => {
    const text = raw.trim()
    if (!text.startsWith('::')) return
    const end = text.indexOf('::', 2)
    const info = end < 0 ? text.slice(2) : text.slice(2, end)
    const space = info.indexOf(' ')
    const name = space < 0 ? info : info.slice(0, space)
    const properties: Record<string, string> = {}
    if (space >= 0) {
      for (const pair of info.slice(space + 1).split(',')) {
        const eq = pair.indexOf('=')
        properties[eq < 0 ? pair : pair.slice(0, eq)] =
          eq < 0 ? '' : unescapeCommandValue(pair.slice(eq + 1), true)
      }
    }
    const data = end < 0 ? '' : unescapeCommandValue(text.slice(end + 2))
    commands.push({ line: index + 1, text, name, properties, data })
  })
  return commands
}

/**
 * What is wrong with the commands in `stdout`: only the action's own commands may appear
 * (`debug`, `group`, `endgroup`, `error`, `warning`, `notice`, and `add-mask` of the key), each
 * well formed, so that no text from the Platform can have become a command of its own. The legacy
 * `##[command]` form must not appear at all.
 */
export function commandProblems(stdout: string, key: string): string[] {
  const problems: string[] = []
  stdout.split('\n').forEach((raw, index) => {
    if (raw.trim().startsWith('##[')) problems.push(`line ${index + 1}: legacy command: ${raw}`)
  })
  for (const command of workflowCommands(stdout)) {
    const where = `line ${command.line}: ${command.text.slice(0, 160)}`
    const props = Object.keys(command.properties)
    if (!/^::[a-z-]+( [^:]*)?::/.test(command.text)) {
      problems.push(`${where}: not a well-formed command`)
      continue
    }
    switch (command.name) {
      case 'add-mask':
        if (command.data !== key || props.length > 0)
          problems.push(`${where}: masks something else than the API key`)
        break
      case 'endgroup':
        if (command.data !== '' || props.length > 0) problems.push(`${where}: endgroup with data`)
        break
      case 'debug':
      case 'group':
        if (props.length > 0) problems.push(`${where}: unexpected properties`)
        break
      case 'error':
      case 'warning':
      case 'notice':
        for (const prop of props) {
          if (!ANNOTATION_PROPERTIES.has(prop)) problems.push(`${where}: unknown property ${prop}`)
        }
        break
      default:
        problems.push(`${where}: command "${command.name}" is not one the action writes`)
    }
    // Platform text is flattened to one line before it is logged: a decoded line of a message that
    // reads like a command means the text went through unflattened.
    const decodedLines = [command.data, ...Object.values(command.properties)].flatMap((text) =>
      text.split(/\r\n|\r|\n/).slice(1)
    )
    if (decodedLines.some((line) => line.trim().startsWith('::'))) {
      problems.push(`${where}: carries a line that reads as a command`)
    }
  }
  return problems
}

// The API key

/** A key's leaking forms: as is, URL-encoded, JSON-escaped, in base64, its first half (cut). */
export function keyForms(key: string): string[] {
  const base64 = Buffer.from(key).toString('base64').replace(/=+$/, '').slice(0, -2)
  const forms = [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1), base64]
  return [...new Set([...forms, key.slice(0, Math.ceil(key.length / 2))])]
}

/** Looks like a real API key: what must not show up in anything the action writes. */
export const LIVE_KEY = 'cqk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0'

/** The key is masked before anything else is printed, and nowhere in what the action wrote. */
export function expectKeyMasked(run: ActionRunResult, key: string): void {
  expect(keyLeaks(run, key)).toEqual([])
  expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${key}`)
}

/** Where the key shows up in what the action wrote; the `::add-mask::` command is its one place. */
export function keyLeaks(run: ActionRunResult, key: string): string[] {
  const places: Record<string, string> = {
    stdout: run.stdout
      .split('\n')
      .filter((line) => line.trim() !== `::add-mask::${key}`)
      .join('\n'),
    stderr: run.stderr,
    summary: run.summary,
    report: run.report,
    outputs: JSON.stringify(run.outputs),
    state: JSON.stringify(run.state)
  }
  return Object.entries(places).flatMap(([place, text]) =>
    keyForms(key)
      .filter((form) => text.includes(form))
      .map((form) => `${place} contains ${form === key ? 'the key' : `the key as ${form}`}`)
  )
}
