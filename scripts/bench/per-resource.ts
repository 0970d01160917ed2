// Section 2b: the per-resource gate at scale: the policy stage of section 2 with a 200,000-entry
// baseline file and 500 exceptions, `gate-on: new`, end to end (process start to exit).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCatalog, violationAt, type CatalogPolicy } from '../../simulator/catalog.js'
import { resolveScenario } from '../../simulator/scenario.js'
import { POLICY_REPS, POLICY_SCENARIO, SAMPLES_TEMPLATE } from './config.js'
import { megabytes, progress } from './measure.js'
import { runMeasured } from './measured-run.js'
import type { LaunchSimulators } from './simulator-process.js'

const EXCEPTIONS = 500
/**
 * Of every 100 violating resources, 1 is left out of the baseline (new to this run) and as many
 * others that no longer violate are in it (fixed).
 */
const NEW_EVERY = 100

export interface PerResourceMeasurement {
  processMs: number
  requests: number
  /** Of them, resource pages (`per_page=1000`) and samples. */
  resourcePages: number
  peakRssBytes: number
  baselineEntries: number
  exitCode: number | null
}

/**
 * The baseline every violating resource of the scenario would give, minus 1 in NEW_EVERY, and
 * EXCEPTIONS entries spread over the critical and high violating policies (the ones the default
 * thresholds count), each matching a few resources by a name glob.
 */
function writeInputs(dir: string): { baseline: string; exceptions: string; entries: number } {
  const catalog = buildCatalog(resolveScenario(POLICY_SCENARIO), Date.now())
  const violating = catalog.policies.filter((p) => (p.initialCount ?? 0) > 0)
  let entries = 0
  const policies = violating.map((policy) => {
    const resources: string[] = []
    for (let i = 0; i < (policy.initialCount ?? 0); i++) {
      if (i % NEW_EVERY !== NEW_EVERY - 1)
        resources.push(violationAt(catalog, policy, i)._cq_platform_id)
    }
    // Fixed since the baseline: as many gone resources as new ones, so it holds them all.
    for (let i = 0; i < Math.floor((policy.initialCount ?? 0) / NEW_EVERY); i++) {
      resources.push(`${policy.kind.table}_fixed-${policy.id}-${i}`)
    }
    entries += resources.length
    return { id: policy.id, name: policy.name, resources }
  })
  const baseline = join(dir, 'baseline.json')
  writeFileSync(
    baseline,
    JSON.stringify({
      baseline: {
        format: 'cloudquery-platform-baseline',
        version: 1,
        createdAt: new Date().toISOString(),
        policies
      }
    })
  )
  const gated = violating.filter((p) => p.severity === 'critical' || p.severity === 'high')
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const lines = ['exceptions:']
  for (let k = 0; k < EXCEPTIONS; k++) {
    const policy: CatalogPolicy = gated[k % gated.length]
    lines.push(
      `  - policy: "${policy.id}"`,
      `    resources: "*-${String(k % 10).padStart(6, '0')}*"`,
      `    reason: Accepted finding ${k}`,
      `    expires: ${until}`
    )
  }
  const exceptions = join(dir, 'exceptions.yml')
  writeFileSync(exceptions, `${lines.join('\n')}\n`)
  return { baseline, exceptions, entries }
}

export async function measurePerResource(
  launch: LaunchSimulators,
  reps = POLICY_REPS
): Promise<PerResourceMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cq-bench-resources-'))
  const files = writeInputs(dir)
  progress(`per-resource inputs: a baseline of ${files.entries} entries, ${EXCEPTIONS} exceptions`)
  const sims = await launch([POLICY_SCENARIO])
  const results: PerResourceMeasurement[] = []
  try {
    let seen = 0
    for (let rep = 0; rep <= reps; rep++) {
      const run = await runMeasured(
        {
          'platform-url': sims.urls[0],
          'api-key': sims.apiKeys[0],
          'gate-on': 'new',
          'baseline-file': files.baseline,
          'exceptions-file': files.exceptions
        },
        120_000
      )
      const report = await sims.report(0, seen)
      seen += report.requests.length
      const summary = run.lines.find(({ line }) => line.startsWith('Policies: '))
      if (!summary || run.peakRssBytes === undefined) {
        throw new Error(
          `per-resource run ${rep} went wrong (exit ${run.exitCode}):\n${run.lines.map((l) => l.line).join('\n')}\n${run.stderr}`
        )
      }
      const measurement: PerResourceMeasurement = {
        processMs: run.exitedAt - run.startedAt,
        requests: report.requests.length,
        resourcePages: report.requests.filter((r) => r.pathTemplate === SAMPLES_TEMPLATE).length,
        peakRssBytes: run.peakRssBytes,
        baselineEntries: files.entries,
        exitCode: run.exitCode
      }
      progress(
        `per-resource ${rep === 0 ? 'warm-up (discarded)' : `run ${rep}`}: process ${measurement.processMs} ms, ${measurement.requests} requests (${measurement.resourcePages} to /violations), peak RSS ${megabytes(measurement.peakRssBytes)}, exit ${run.exitCode}`
      )
      if (rep > 0) results.push(measurement)
    }
  } finally {
    await sims.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}
