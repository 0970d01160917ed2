// Section 2: the policy stage at 10,000 policies, to show that it stays fast and small at scale.

import { POLICY_REPS, POLICY_SCENARIO, SAMPLES_TEMPLATE } from './config.js'
import { megabytes, progress } from './measure.js'
import { runMeasured } from './measured-run.js'
import type { LaunchSimulators } from './simulator-process.js'

export interface PolicyMeasurement {
  stageMs: number
  processMs: number
  requests: number
  samples: number
  peakRssBytes: number
}

export async function measurePolicies(launch: LaunchSimulators): Promise<PolicyMeasurement[]> {
  const sims = await launch([POLICY_SCENARIO])
  const results: PolicyMeasurement[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= POLICY_REPS; rep++) {
      const run = await runMeasured(
        { 'platform-url': sims.urls[0], 'api-key': sims.apiKeys[0] },
        120_000
      )
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const summary = run.lines.find(({ line }) => line.startsWith('Policies: '))
      const first = Math.min(...report.requests.map((r) => r.startedAt))
      if (!summary || !Number.isFinite(first) || run.peakRssBytes === undefined) {
        throw new Error(
          `policy stage run ${rep} went wrong (exit ${run.exitCode}):\n${run.lines.map((l) => l.line).join('\n')}\n${run.stderr}`
        )
      }
      const samples = report.requests.filter((r) => r.pathTemplate === SAMPLES_TEMPLATE).length
      const measurement: PolicyMeasurement = {
        stageMs: summary.at - first,
        processMs: run.exitedAt - run.startedAt,
        requests: report.requests.length - samples,
        samples,
        peakRssBytes: run.peakRssBytes
      }
      progress(
        `policy stage ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: stage ${measurement.stageMs} ms, process ${measurement.processMs} ms, ${measurement.requests} requests + ${samples} samples, peak RSS ${megabytes(measurement.peakRssBytes)}, exit ${run.exitCode} (${summary.line})`
      )
      if (rep > 0) results.push(measurement)
    }
  } finally {
    await sims.close()
  }
  return results
}
