// An external sync's `table_progress` has a size limit (src/platform/table-progress.ts): 800,000
// tables are cut, in the answer's text before it is parsed, to the tables with the most rows, and
// the step's memory stays bounded. In a file of its own: the simulator builds answers of some
// 11 MB each, and that work would hold up the answers of any case sharing its process.

import { beforeAll, expect, it } from '@jest/globals'
import type { Scenario } from '../../simulator/scenario.js'
import { startSimulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  PEAK_RSS,
  peakRssMb,
  reportOf,
  runAgainst,
  type BundleOptions
} from '../helpers/bundle.js'

const PROCESS_LIMIT_MS = 50_000
const LIMITED: BundleOptions = { timeoutMs: PROCESS_LIMIT_MS, env: { NODE_OPTIONS: PEAK_RSS } }
/** The bound on the step's memory, whatever the server does. */
const MAX_PEAK_RSS_MB = 200
const CLEAN_POLICIES = [{ name: 'Public S3 buckets', severity: 'critical', violationCount: 0 }]

beforeAll(() => assertBundleExists())

it(
  '800,000 tables: the tables with the most rows are kept, the memory stays bounded',
  async () => {
    const tables: Record<string, number> = {}
    for (let i = 0; i < 800_000; i++) tables[`t${i.toString(36)}`] = 1 + (i % 100_000)
    const invocationId = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
    const scenario: Scenario = {
      policies: CLEAN_POLICIES,
      evaluation: { delayAfterIngestMs: 50 },
      externalSyncs: [{ invocationId, startedMs: 200, finalizingMs: 1_000, tables }]
    }
    // Each answer of the simulator is some 11 MB: not kept in this process.
    const sim = await startSimulator(scenario, { recordResponseBodies: false })
    try {
      const run = await runAgainst(
        sim,
        { 'sync-name': '', 'external-sync': invocationId, 'poll-interval': '1s', timeout: '60s' },
        LIMITED
      )
      expect(run.exitCode).toBe(0)
      expect(peakRssMb(run, '800,000 tables')).toBeLessThanOrEqual(MAX_PEAK_RSS_MB)
      expect(run.summary).toContain('_…and 799990 more tables._')
      const progress = (reportOf(run)?.syncs as { external: { tableProgress: object } }[])[0]
        .external.tableProgress
      expect(Object.keys(progress)).toHaveLength(1_000)
    } finally {
      await sim.close()
    }
  },
  PROCESS_LIMIT_MS + 10_000
)
