// Runs the bundled action the way the GitHub runner does: `node dist/index.js` with each input as
// an `INPUT_<NAME>` variable (hyphens kept, name upper-cased), and files behind GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY and GITHUB_STATE. The post step gets the saved state back as STATE_<name>.
// Used by the bundle test, the demo and the benchmark.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The committed bundle, unless ACTION_BUNDLE points at another build (e.g. one in a temp dir). */
export const BUNDLE = process.env.ACTION_BUNDLE ?? join(ROOT, 'dist', 'index.js')

export interface ActionRunOptions {
  inputs: Record<string, string>
  /** Extra environment (RUNNER_DEBUG, proxies, NODE_EXTRA_CA_CERTS…). */
  env?: Record<string, string>
  /** The workspace: where relative paths in the inputs are read (default: this process's). */
  cwd?: string
  /** State saved by an earlier main step: runs the post step. */
  state?: Record<string, string>
  /** Called with each chunk of stdout as it arrives. */
  onStdout?: (chunk: string) => void
  /** Gives the test the child process (to signal it). */
  onSpawn?: (child: ChildProcess) => void
  timeoutMs?: number
}

export interface ActionRunResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  reportFile: string
  /** The JSON report's text, or '' when none was written. */
  report: string
  durationMs: number
}

/** Reads the `name<<DELIMITER … DELIMITER` (and `name=value`) format of GITHUB_OUTPUT/STATE. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

interface RunnerFiles {
  output: string
  summary: string
  state: string
  report: string
}

export async function runAction(options: ActionRunOptions): Promise<ActionRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cq-action-'))
  const files: RunnerFiles = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md'),
    state: join(dir, 'state'),
    report: join(dir, 'report.json')
  }
  for (const file of [files.output, files.summary, files.state]) writeFileSync(file, '')
  const started = Date.now()
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: options.cwd,
    env: runnerEnv(options, files, dir),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  options.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    options.onStdout?.(chunk)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig]))
  )
  clearTimeout(timer)
  const reportFile = options.inputs['report-file'] ?? files.report
  const result: ActionRunResult = {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseCommandFile(readOrEmpty(files.output)),
    state: parseCommandFile(readOrEmpty(files.state)),
    summary: readOrEmpty(files.summary),
    reportFile,
    report: readOrEmpty(reportFile),
    durationMs: Date.now() - started
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

/** The environment the runner gives an action: its files, its inputs and saved state. */
function runnerEnv(
  options: ActionRunOptions,
  files: RunnerFiles,
  dir: string
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: dir,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/infra',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    ...compileCache(),
    ...(options.env ?? {})
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  if (!('report-file' in options.inputs)) env['INPUT_REPORT-FILE'] = files.report
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  return env
}

/**
 * The one variable of the caller's passed on: a V8 code cache for dist/index.js, which changes
 * nothing the action does and saves a fifth of each start (`npm test` starts it some 225 times).
 * Unset, as for `npm run bench`, every start compiles the bundle as a runner's first start does.
 */
function compileCache(): Record<string, string> {
  const dir = process.env.NODE_COMPILE_CACHE
  return dir ? { NODE_COMPILE_CACHE: resolve(dir) } : {}
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
