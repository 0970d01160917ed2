// `npm run bench`: runs the bundled action (dist/index.js, or $ACTION_BUNDLE) against the Platform
// simulator and prints one markdown table for docs/performance.md:
//
//   1. Completion latency and status requests per minute of waiting, for simulated runs of 30 s
//      and 3 min: the action with its default configuration, the action with the live log stream
//      unavailable (the adaptive poll alone), and fixed-interval pollers at 15 s and 30 s that
//      follow the same runs (in this process, with fetch), all in the same run of the benchmark.
//   2. The policy stage at scale (policies-only mode): 10,000 active policies, 1,000 violating,
//      200,000 violations, 5 samples: wall time, requests, peak RSS; then the same with the
//      per-resource gate (a 200,000-entry baseline, 500 exceptions), end to end.
//   3. Start-up (process start to the first request) and the size of the bundle.
//      Then writing a baseline (`baseline-write`) at the same scale: every violating policy read.
//   4. Ten syncs of 3 minutes followed in one step: per sync, latency and status requests per
//      minute as in 1; the step's peak RSS against the same action following one of them.
//   5. The coverage cross-check after a sync, at 10,000 policies with about 1,000 counted: the
//      lookups of the counted policies' tables (requests and time), the policy stage with them,
//      and the verdict's pure cross-check.
//
// The simulator runs in a child process (this file with `--simulator`), so serving 10,000 policies
// does not share an event loop, or its timers, with the measuring. Progress and every single
// measurement go to stderr; the table goes to stdout.
//
//   npx tsx scripts/bench.ts > bench.md          # the committed bundle
//   npx tsx scripts/bench.ts --per-resource      # only the per-resource case (its rows)
//   npx tsx scripts/bench.ts --several-syncs     # only section 4 (its rows)
//   npx tsx scripts/bench.ts --baseline-write    # only the baseline-write case (its rows)
//   npx tsx scripts/bench.ts --coverage          # only the coverage cross-check (its rows)
//   ACTION_BUNDLE=/tmp/b/index.js npx tsx scripts/bench.ts

import { statSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scenario } from '../simulator/scenario.js'
import { BUNDLE, ROOT } from './action-runner.js'
import { progress } from './bench/measure.js'
import { measureBaselineWrite } from './bench/baseline-write.js'
import { measureCoverage } from './bench/coverage.js'
import { measurePerResource } from './bench/per-resource.js'
import { measurePolicies } from './bench/policy-stage.js'
import { measureSeveralSyncs } from './bench/several-syncs.js'
import { SimulatorProcess, simulatorChild } from './bench/simulator-process.js'
import { measureStartup } from './bench/startup.js'
import { measureSyncs } from './bench/sync-latency.js'
import {
  baselineWriteRows,
  coverageRows,
  notes,
  perResourceRows,
  severalSyncsRows,
  shortRow,
  table
} from './bench/table.js'

/** The simulator child is this file again, with `--simulator`: it loads as the parent did. */
const SELF = fileURLToPath(import.meta.url)
const launch = (scenarios: Scenario[]): Promise<SimulatorProcess> =>
  SimulatorProcess.start(SELF, scenarios)

const load = (): string =>
  `load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`

function machine(): string {
  const cpu = cpus()
  return `Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores`
}

async function main(): Promise<void> {
  const bundleBytes = statSync(BUNDLE).size
  const bundle = BUNDLE.startsWith(`${ROOT}/`) ? relative(ROOT, BUNDLE) : BUNDLE
  progress(`bundle ${bundle} (${bundleBytes} bytes); ${machine()}; ${load()}`)
  const startup = await measureStartup(launch)
  const policies = await measurePolicies(launch)
  const perResource = await measurePerResource(launch)
  const baselineWrite = await measureBaselineWrite(launch)
  const coverage = await measureCoverage(launch)
  const syncs = await measureSyncs(launch)
  const severalSyncs = await measureSeveralSyncs(launch)
  progress(load())
  const date = new Date().toISOString().slice(0, 10)
  console.log(`Measured ${date} by \`npm run bench\` (bundle \`${bundle}\`) on ${machine()}.\n`)
  console.log(
    table({
      syncs,
      severalSyncs,
      policies,
      perResource,
      baselineWrite,
      coverage,
      startup,
      bundleBytes
    })
  )
  console.log(notes())
}

/**
 * `--per-resource`, `--baseline-write`, `--coverage`, `--several-syncs`: that case alone, its rows
 * of the table.
 */
async function only(rows: () => Promise<string[][]>): Promise<void> {
  progress(`bundle ${BUNDLE}; ${machine()}; ${load()}`)
  const measured = await rows()
  progress(load())
  console.log(measured.map((row) => `| ${row.join(' | ')} |`).join('\n'))
}

if (process.argv.includes('--simulator')) await simulatorChild()
else if (process.argv.includes('--per-resource'))
  await only(async () => perResourceRows(await measurePerResource(launch), shortRow))
else if (process.argv.includes('--baseline-write'))
  await only(async () => baselineWriteRows(await measureBaselineWrite(launch), shortRow))
else if (process.argv.includes('--coverage'))
  await only(async () => coverageRows(await measureCoverage(launch), shortRow))
else if (process.argv.includes('--several-syncs'))
  await only(async () => severalSyncsRows(await measureSeveralSyncs(launch), shortRow))
else await main()
