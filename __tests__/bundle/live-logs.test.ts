// The live log stream is best-effort: a `logs/live` response that goes silent half-way (stall) or
// whose connection is cut half-way (drop) must never hold the action up. Status polling carries on
// while the stream is open, so the action ends when the run ends — long before the stream's 120 s
// idle timeout (or the client's 30 s socket timeout) — and it closes the stream itself. That is
// shown by the order of the requests the simulator saw, not by a stopwatch.

import { describe, expect, it } from '@jest/globals'
import type { LiveLogsMode } from '../../simulator/scenario.js'
import type { RecordedRequest } from '../../simulator/server.js'
import { requestLog, runBundle, type BundleRun } from '../helpers/bundle.js'
import { GATE_SCENARIO, visibleLog } from '../helpers/gate-run.js'

const RUN_MS = 3000

const RUN = '/syncs/{sync_name}/runs/{sync_run_id}'

function streamOf(run: BundleRun): RecordedRequest[] {
  return run.sim.requestsTo('GET', `${RUN}/logs/live`)
}

async function follow(liveLogs: LiveLogsMode): Promise<BundleRun> {
  return runBundle(
    { ...GATE_SCENARIO, run: { ...GATE_SCENARIO.run, durationMs: RUN_MS }, liveLogs },
    // With the stream open the status is read every poll-interval: a second, so that a few status
    // checks fall within the run, after the stream went quiet.
    { 'sync-logs': 'always', 'poll-interval': '1s' },
    // A quarter of the stream's 120 s idle timeout: an action the stream held up is killed, and
    // fails the exit code check below.
    { timeoutMs: 30_000 }
  )
}

function explain(run: BundleRun): string {
  return `${requestLog(run.sim)}\n--- log ---\n${visibleLog(run.stdout)}\n${run.stderr}`
}

/** What every case must show: the right result, soon after the run ended, the stream closed. */
function expectFinishedWithTheRun(run: BundleRun): void {
  const why = explain(run)
  expect({ exit: run.exitCode, why }).toEqual({ exit: 0, why })
  expect(run.outputs).toMatchObject({ result: 'pass', 'sync-run-status': 'completed' })
  expect(run.sim.runsStarted()).toBe(1)

  // The run's status was read after the stream went quiet (half-way through the run), and its end
  // was seen that way: by a status check, since the stream never ended.
  const [created] = run.sim.runs.filter((r) => r.origin === 'created')
  const runEnd = run.sim.events.find((e) => e.type === 'run-terminal')?.at ?? Infinity
  const streams = streamOf(run)
  expect(streams.length).toBeGreaterThanOrEqual(1)
  const midRun = created.startedAt + RUN_MS / 2
  const checks = run.sim.requestsTo('GET', RUN)
  expect(checks.some((c) => c.startedAt > midRun && c.startedAt < runEnd)).toBe(true)
  expect(checks.some((c) => c.startedAt >= runEnd)).toBe(true)

  // Every stream was closed before the policy stage began: by the action, not by its exit.
  const [policies] = run.sim.requestsTo('GET', '/policies')
  for (const stream of streams) {
    expect(stream.finishedAt).toBeDefined()
    expect(stream.finishedAt!).toBeLessThanOrEqual(policies.startedAt)
  }
}

describe('live logs that misbehave never hang the action', () => {
  it.concurrent(
    'a stream that stalls half-way: the action still ends with the run and closes the stream',
    async () => {
      const run = await follow('stall')
      expectFinishedWithTheRun(run)
      const [stream] = streamOf(run)
      // It did stall: some lines came, then nothing, and the stream was still open at the run's end.
      const sent = (stream.responseText ?? '').split('\n').filter((line) => line !== '')
      expect(sent.length).toBeGreaterThan(0)
      const runEnd = run.sim.events.find((e) => e.type === 'run-terminal')?.at ?? 0
      expect(stream.finishedAt!).toBeGreaterThan(runEnd)
      // The lines that did come were printed, as `sync-logs: always` asks.
      for (const line of [sent[0], sent[sent.length - 1]]) expect(run.stdout).toContain(`│ ${line}`)
    },
    60_000
  )

  it.concurrent(
    'a stream dropped half-way: the action carries on polling and ends with the run',
    async () => {
      const run = await follow('drop')
      expectFinishedWithTheRun(run)
      const [stream] = streamOf(run)
      const runEnd = run.sim.events.find((e) => e.type === 'run-terminal')?.at ?? 0
      // The connection was cut by the server before the run ended, and the action noticed.
      expect(stream.finishedAt!).toBeLessThan(runEnd)
      expect(run.stdout).toContain('::debug::Live log stream: dropped.')
      // A dropped stream is reopened only when the status moves on, at most three times.
      expect(streamOf(run).length).toBeLessThanOrEqual(3)
    },
    60_000
  )
})
