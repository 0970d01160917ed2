// Section 2c: writing a baseline at scale: the policy stage of section 2 with `baseline-write` and
// the default thresholds, end to end (process start to exit). Every selected violating policy's
// resources are read, whatever the thresholds count, so that any later gate finds its old ones.

import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { POLICY_REPS, POLICY_SCENARIO, SAMPLES_TEMPLATE } from './config.js'
import { megabytes, progress } from './measure.js'
import { runMeasured } from './measured-run.js'
import type { LaunchSimulators } from './simulator-process.js'

export interface BaselineWriteMeasurement {
  processMs: number
  requests: number
  /** Of them, resource pages (`GET /policies/{id}/violations`, 1,000 a page). */
  resourcePages: number
  peakRssBytes: number
  fileBytes: number
}

export async function measureBaselineWrite(
  launch: LaunchSimulators,
  reps = POLICY_REPS
): Promise<BaselineWriteMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cq-bench-baseline-write-'))
  const sims = await launch([POLICY_SCENARIO])
  const results: BaselineWriteMeasurement[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= reps; rep++) {
      const file = join(dir, `baseline-${rep}.json`)
      const run = await runMeasured(
        {
          'platform-url': sims.urls[0],
          'api-key': sims.apiKeys[0],
          'baseline-write': file
        },
        120_000
      )
      const report = await sims.report(0, seen)
      seen += report.requests.length
      if (
        run.peakRssBytes === undefined ||
        !run.lines.some(({ line }) => line.startsWith('Policies: '))
      ) {
        throw new Error(
          `baseline-write run ${rep} went wrong (exit ${run.exitCode}):\n${run.lines.map((l) => l.line).join('\n')}\n${run.stderr}`
        )
      }
      const measurement: BaselineWriteMeasurement = {
        processMs: run.exitedAt - run.startedAt,
        requests: report.requests.length,
        resourcePages: report.requests.filter((r) => r.pathTemplate === SAMPLES_TEMPLATE).length,
        peakRssBytes: run.peakRssBytes,
        fileBytes: statSync(file).size
      }
      progress(
        `baseline-write ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: process ${measurement.processMs} ms, ${measurement.requests} requests (${measurement.resourcePages} to /violations), peak RSS ${megabytes(measurement.peakRssBytes)}, baseline ${megabytes(measurement.fileBytes)}`
      )
      if (rep > 0) results.push(measurement)
    }
  } finally {
    await sims.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}
