// Section 3: start-up to the first request, the fixed cost that every workflow run pays.

import { runAction } from '../action-runner.js'
import { STARTUP_REPS } from './config.js'
import { progress } from './measure.js'
import type { LaunchSimulators } from './simulator-process.js'

export async function measureStartup(launch: LaunchSimulators): Promise<number[]> {
  const sims = await launch([{}])
  const results: number[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= STARTUP_REPS; rep++) {
      const startedAt = Date.now()
      const run = await runAction({
        inputs: { 'platform-url': sims.urls[0], 'api-key': sims.apiKeys[0] },
        timeoutMs: 60_000
      })
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const first = Math.min(...report.requests.map((r) => r.startedAt))
      if (!Number.isFinite(first)) throw new Error(`no request (exit ${run.exitCode})`)
      progress(
        `start-up ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: ${first - startedAt} ms to the first request`
      )
      if (rep > 0) results.push(first - startedAt)
    }
  } finally {
    await sims.close()
  }
  return results
}
