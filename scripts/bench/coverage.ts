// Section 2d: the coverage cross-check at 10,000 policies with about 1,000 counted, end to end: the
// tables each counted policy reads are learned (`POST /queries/columns`, one request per distinct
// query), the run's tables read, and the verdict cross-checks them. Also the verdict's cross-check
// alone, in this process: it is a pure function, timed over the same shape of data.

import type { PolicyResult } from '../../src/policies/outcome.js'
import { managedOutcome } from '../../src/sync/outcome.js'
import { crossCheck } from '../../src/verdict/coverage.js'
import { COVERAGE_INPUTS, COVERAGE_SCENARIO, POLICY_REPS } from './config.js'
import { median, megabytes, progress } from './measure.js'
import { runMeasured } from './measured-run.js'
import type { LaunchSimulators } from './simulator-process.js'

const LOOKUP = '/queries/columns'
const TABLES = '/syncs/{sync_name}/runs/{sync_run_id}/tables'

export interface CoverageMeasurement {
  /** Requests to learn the counted policies' tables. */
  lookups: number
  /** From the first lookup sent to the last one answered. */
  lookupsMs: number
  /** Pages of the run's table statistics. */
  tablePages: number
  /** The policy stage: from its first listing to the `Policies: …` line. */
  stageMs: number
  processMs: number
  requests: number
  peakRssBytes: number
  /** The verdict's cross-check alone (10,000 policies, 1,000 counted), in this process. */
  crossCheckMs: number
}

export async function measureCoverage(launch: LaunchSimulators): Promise<CoverageMeasurement[]> {
  const sims = await launch([COVERAGE_SCENARIO])
  const results: CoverageMeasurement[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= POLICY_REPS; rep++) {
      const run = await runMeasured(
        { 'platform-url': sims.urls[0], 'api-key': sims.apiKeys[0], ...COVERAGE_INPUTS },
        180_000
      )
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const summary = run.lines.find(({ line }) => line.startsWith('Policies: '))
      const listing = report.requests.find((r) => r.pathTemplate === '/policies')
      const lookups = report.requests.filter((r) => r.pathTemplate === LOOKUP)
      if (!summary || !listing || lookups.length === 0 || run.peakRssBytes === undefined) {
        throw new Error(
          `coverage run ${rep} went wrong (exit ${run.exitCode}):\n${run.lines.map((l) => l.line).join('\n')}\n${run.stderr}`
        )
      }
      const measurement: CoverageMeasurement = {
        lookups: lookups.length,
        lookupsMs:
          Math.max(...lookups.map((r) => r.finishedAt ?? Infinity)) -
          Math.min(...lookups.map((r) => r.startedAt)),
        tablePages: report.requests.filter((r) => r.pathTemplate === TABLES).length,
        stageMs: summary.at - listing.startedAt,
        processMs: run.exitedAt - run.startedAt,
        requests: report.requests.length,
        peakRssBytes: run.peakRssBytes,
        crossCheckMs: timeCrossCheck()
      }
      progress(
        `coverage ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: ${measurement.lookups} lookups in ${measurement.lookupsMs} ms, ${measurement.tablePages} table pages, policy stage ${measurement.stageMs} ms, process ${measurement.processMs} ms, ${measurement.requests} requests, peak RSS ${megabytes(measurement.peakRssBytes)}, cross-check ${measurement.crossCheckMs.toFixed(1)} ms, exit ${run.exitCode}`
      )
      if (rep > 0) results.push(measurement)
    }
  } finally {
    await sims.close()
  }
  return results
}

/**
 * The pure cross-check over 10,000 policies of which 1,000 are counted, each reading 2 of 1,000
 * tables a run wrote (one table in 50 with errors): the median of 5 timings.
 */
function timeCrossCheck(): number {
  const tables = Array.from({ length: 1_000 }, (_, i) => ({
    name: `table_${i}`,
    rows: i,
    errors: i % 50 === 0 ? 3 : 0,
    panics: 0
  }))
  const run = managedOutcome('bench', {
    run: {
      id: 'run',
      sync_name: 'bench',
      status: 'completed',
      created_at: '2026-01-01T00:00:00Z',
      ingested: true
    },
    tables
  })
  const policies = Array.from({ length: 10_000 }, (_, i): PolicyResult => ({
    id: `policy-${i}`,
    name: `Policy ${i}`,
    severity: i % 10 === 0 ? 'critical' : 'low',
    domain: 'security',
    queryId: `query-${i}`,
    groups: [],
    violations: 0,
    source: 'evaluation',
    stale: false,
    samples: [],
    tables: [`table_${i % 1_000}`, `table_${(i * 7) % 1_001}`]
  }))
  const timings = Array.from({ length: 5 }, () => {
    const start = performance.now()
    crossCheck({
      syncs: [run],
      policies,
      counted: (policy) => policy.severity === 'critical',
      tableErrors: 'fail'
    })
    return performance.now() - start
  })
  return median(timings)
}
