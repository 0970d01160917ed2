// Runs the bundle under GNU time, because only the kernel knows the process's true peak RSS.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUNDLE } from '../action-runner.js'
import { lineSplitter } from './measure.js'

export interface TimedRun {
  startedAt: number
  exitedAt: number
  exitCode: number | null
  /** Peak resident set size, from GNU time (or /proc VmHWM sampling). */
  peakRssBytes?: number
  lines: { line: string; at: number }[]
  stderr: string
}

/** The runner's environment (like action-runner.ts), its files in `dir`. */
function runnerEnv(dir: string, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_STATE: join(dir, 'state'),
    RUNNER_TEMP: dir,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo-org/infra',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    'INPUT_REPORT-FILE': join(dir, 'report.json')
  }
  for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY, env.GITHUB_STATE]) {
    writeFileSync(file, '')
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

/**
 * Without GNU time: samples the high-water mark; the last sample before exit is close to the peak.
 * Returns what stops the sampling and gives the peak in kB.
 */
function sampleVmHwm(child: ChildProcess): () => number {
  let vmHwmKb = 0
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
      vmHwmKb = Math.max(vmHwmKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
    } catch {
      // exited
    }
  }, 5)
  return () => {
    clearInterval(sampler)
    return vmHwmKb
  }
}

/** The last line of GNU time's output file: `%M`, the maximum resident set in kB. */
function gnuTimePeakKb(timeFile: string): number {
  const text = readFileSync(timeFile, 'utf8').trim().split('\n')
  return Number(text[text.length - 1])
}

/**
 * Runs the bundle under `/usr/bin/time` for the peak RSS: the kernel's own maximum for the
 * process (wait4's ru_maxrss), whatever moment it peaked.
 */
export async function runMeasured(
  inputs: Record<string, string>,
  timeoutMs: number
): Promise<TimedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cq-bench-'))
  const timeFile = join(dir, 'time')
  const env = runnerEnv(dir, inputs)
  const gnuTime = existsSync('/usr/bin/time')
  const [command, args] = gnuTime
    ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, BUNDLE]]
    : [process.execPath, [BUNDLE]]
  const lines: TimedRun['lines'] = []
  let stderr = ''
  const startedAt = Date.now()
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.setEncoding('utf8').on(
    'data',
    lineSplitter((line, at) => lines.push({ line, at }))
  )
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const stopSampling = gnuTime ? undefined : sampleVmHwm(child)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const exitCode = await new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code))
  )
  const exitedAt = Date.now()
  clearTimeout(timer)
  const peakKb = stopSampling ? stopSampling() : gnuTimePeakKb(timeFile)
  rmSync(dir, { recursive: true, force: true })
  return {
    startedAt,
    exitedAt,
    exitCode,
    peakRssBytes: peakKb > 0 ? peakKb * 1024 : undefined,
    lines,
    stderr
  }
}
