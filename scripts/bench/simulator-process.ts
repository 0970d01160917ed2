// Simulators in a child process, so that serving 10,000 policies stays off the measuring loop.

import { fork, type ChildProcess } from 'node:child_process'
import type { Scenario } from '../../simulator/scenario.js'
import {
  startSimulator,
  type RunSnapshot,
  type Simulator,
  type SimulatorEvent
} from '../../simulator/server.js'

export interface RequestSummary {
  method: string
  pathTemplate?: string
  params: Record<string, string>
  userAgent: string
  status?: number
  startedAt: number
  finishedAt?: number
}

export interface SimReport {
  events: SimulatorEvent[]
  runs: RunSnapshot[]
  requests: RequestSummary[]
}

type ToChild =
  | { type: 'start'; scenarios: Scenario[] }
  | { type: 'report'; index: number; from: number }
  | { type: 'close' }

type FromChild =
  | { type: 'started'; urls: string[]; apiKeys: string[] }
  | ({ type: 'report' } & SimReport)
  | { type: 'error'; message: string }

/** Starts simulators for the scenarios, one per scenario, in one child process. */
export type LaunchSimulators = (scenarios: Scenario[]) => Promise<SimulatorProcess>

function reportOf(sim: Simulator, from: number): SimReport {
  return {
    events: sim.events,
    runs: sim.runs,
    requests: sim.requests.slice(from).map((r) => ({
      method: r.method,
      pathTemplate: r.pathTemplate,
      params: r.params,
      userAgent: String(r.headers['user-agent'] ?? ''),
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt
    }))
  }
}

/** The child's side: runs until the parent closes it or goes away. */
export async function simulatorChild(): Promise<void> {
  const sims: Simulator[] = []
  const send = (message: FromChild): void => void process.send?.(message)
  const close = async (): Promise<void> => {
    await Promise.all(sims.map((sim) => sim.close()))
    process.exit(0)
  }
  process.on('disconnect', () => void close())
  process.on('message', (message: ToChild) => {
    void (async () => {
      switch (message.type) {
        case 'start':
          for (const scenario of message.scenarios) {
            sims.push(await startSimulator(scenario, { recordResponseBodies: false }))
          }
          return send({
            type: 'started',
            urls: sims.map((sim) => sim.url),
            apiKeys: sims.map((sim) => sim.scenario.apiKey)
          })
        case 'report':
          return send({ type: 'report', ...reportOf(sims[message.index], message.from) })
        case 'close':
          return close()
      }
    })().catch((error: unknown) => send({ type: 'error', message: String(error) }))
  })
}

/** Simulators in a child process, driven over IPC. */
export class SimulatorProcess {
  urls: string[] = []
  apiKeys: string[] = []
  private readonly child: ChildProcess
  private waiting?: (message: FromChild) => void

  /** `entry` is a script that calls `simulatorChild()` when given `--simulator`. */
  private constructor(entry: string) {
    this.child = fork(entry, ['--simulator'], { execArgv: process.execArgv, stdio: 'inherit' })
    this.child.on('message', (message: FromChild) => {
      const waiting = this.waiting
      this.waiting = undefined
      waiting?.(message)
    })
  }

  static async start(entry: string, scenarios: Scenario[]): Promise<SimulatorProcess> {
    const sims = new SimulatorProcess(entry)
    const started = await sims.ask({ type: 'start', scenarios })
    if (started.type !== 'started') throw new Error(`simulator: ${JSON.stringify(started)}`)
    sims.urls = started.urls
    sims.apiKeys = started.apiKeys
    return sims
  }

  async report(index: number, from = 0): Promise<SimReport> {
    const answer = await this.ask({ type: 'report', index, from })
    if (answer.type !== 'report') throw new Error(`simulator: ${JSON.stringify(answer)}`)
    return answer
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.send({ type: 'close' } satisfies ToChild)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  /** One question at a time (the callers await each answer). */
  private ask(message: ToChild): Promise<FromChild> {
    if (this.waiting) throw new Error('simulator: one question at a time')
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulator did not answer')), 60_000)
      this.waiting = (answer) => {
        clearTimeout(timer)
        resolve(answer)
      }
      this.child.send(message)
    })
  }
}
