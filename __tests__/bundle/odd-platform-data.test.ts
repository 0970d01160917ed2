// Odd but harmless data from the Platform, through the real bundle: missing optional fields, null
// counts, extra fields, run statuses and severities the action does not know, a severity in
// another case. None may crash the action, and none may count what it does not know as zero.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  FAST_RUN,
  reportOf,
  runAll,
  runBundle,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'

const dir = mkdtempSync(join(tmpdir(), 'odd-platform-data-'))
/** The upper-case run's report-file: a symlink to `target`, which must stay one. */
const target = join(dir, 'target.json')
const link = join(dir, 'report.json')

const cleanPolicies: PolicySpec[] = [
  { name: 'Public S3 buckets', severity: 'critical', violationCount: 0 },
  { name: 'Unattached EBS volumes', severity: 'medium', violationCount: 2 }
]

// Null counts, missing and extra fields, an unknown run status and an unknown severity in one
// run: each shows on surfaces of its own (the run's fields, its status, the policies), and with all
// of them the action still passes. A null violation count and upper-case severities fail the gate,
// so they have runs of their own.
const ODD_CASES: Record<string, () => Promise<BundleRun>> = {
  'null and unknown values': () =>
    runBundle(
      {
        ...FAST,
        policies: [
          ...cleanPolicies,
          { name: 'Shadow admins', severity: 'catastrophic', violationCount: 0, countAfterSync: 4 }
        ],
        // History with a status nobody knows either.
        previousRuns: [{ status: 'archived', durationMs: 800, ageMs: 3_600_000 }],
        run: {
          ...FAST_RUN,
          nullFields: ['total_rows', 'errors', 'warnings', 'cpu_seconds'],
          omitFields: ['memory_byte_seconds', 'network_egress_bytes', 'migration'],
          extraFields: { shard: 7, workers: [{ id: 'w-1', state: 'gone' }], labels: null },
          statusSequence: [
            { status: 'created', ms: 50 },
            { status: 'queued_for_retry', ms: 3_000 },
            { status: 'started', ms: 300 }
          ]
        }
      },
      { 'max-violations': '10' }
    ),
  // `latest` takes the results as they are: waiting would wait for a count that never comes.
  'a policy with a null violation count': () =>
    runBundle(
      {
        ...FAST,
        policies: [
          ...cleanPolicies,
          { name: 'Brand new policy', severity: 'high', violationCount: null, countAfterSync: null }
        ]
      },
      { 'policy-evaluation': 'latest' }
    ),
  // Written through a symlink, in the workspace: it must stay one (a symlink out of the workspace
  // is refused: hostile-files.test.ts).
  'severities in upper case': () =>
    runBundle(
      {
        ...FAST,
        policies: [
          { name: 'A', severity: 'critical', violationCount: 5 },
          { name: 'B', severity: 'high', violationCount: 2 }
        ],
        policyExtraFields: { A: { severity: 'CRITICAL' }, B: { severity: 'High' } }
      },
      {
        'sync-name': '',
        'policy-evaluation': 'latest',
        'max-critical-violations': '0',
        'report-file': link
      },
      { env: { GITHUB_WORKSPACE: dir } }
    )
}

let odd: Record<string, BundleRun>

beforeAll(async () => {
  assertBundleExists()
  writeFileSync(target, 'old')
  symlinkSync(target, link)
  odd = await runAll(ODD_CASES)
}, 90_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('odd data from the Platform', () => {
  it('takes null counts, missing optional fields and extra fields in its stride', () => {
    const run = odd['null and unknown values']
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(run.outputs).toMatchObject({
      result: 'pass',
      'sync-run-status': 'completed',
      'sync-total-rows': '',
      'sync-errors': '',
      'sync-warnings': ''
    })
    expect(reportOf(run)).toMatchObject({
      sync: {
        run: { status: 'completed', totalRows: null, errors: null, cpuSeconds: null }
      }
    })
    expect(run.summary).toContain('CloudQuery Platform: passed')
  })

  it('keeps waiting through a run status it does not know, and names it', () => {
    const run = odd['null and unknown values']
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ result: 'pass', 'sync-run-status': 'completed' })
    expect(run.stdout).toMatch(/: queued_for_retry \(/)
    const warnings = workflowCommands(run.stdout).filter((c) => c.name === 'warning')
    expect(warnings.map((c) => c.data)).toEqual(
      expect.arrayContaining([expect.stringMatching(/reports status "queued_for_retry"/)])
    )
    const polls = run.sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}')
    const statuses = polls.map((r) => (r.responseBody as { status: string }).status)
    expect(statuses).toContain('queued_for_retry')
    expect(statuses.at(-1)).toBe('completed')
  })

  it('reports a severity it does not know instead of dropping it', () => {
    const run = odd['null and unknown values']
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      result: 'pass',
      violations: '6',
      'violating-policies': '2'
    })
    expect(run.summary).toContain('Shadow admins')
    expect(run.summary).toContain('catastrophic')
    const warnings = workflowCommands(run.stdout).filter((c) => c.name === 'warning')
    expect(warnings.some((c) => /"catastrophic": 1 policy, 4 violations/.test(c.data))).toBe(true)
    const report = reportOf(run) as { policies: { policies: { name: string; severity: string }[] } }
    expect(report.policies.policies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Shadow admins', severity: 'catastrophic' })
      ])
    )
  })

  it('never counts a missing violation count as zero', () => {
    const run = odd['a policy with a null violation count']
    expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 1, stderr: '' })
    // Evaluated after the run, without a count: unknown at once, and counted by a threshold.
    expect(run.outputs).toMatchObject({ result: 'fail', 'high-violations': '' })
    expect(run.summary).toContain('Brand new policy')
    const report = reportOf(run) as {
      policies: { policies: { name: string; unknownBecause: string }[] }
    }
    expect(report.policies.policies).toContainEqual(
      expect.objectContaining({
        name: 'Brand new policy',
        unknownBecause: 'the Platform gave no count'
      })
    )
  })

  it('counts a severity in upper case as that severity, not only toward the total', () => {
    const run = odd['severities in upper case']
    expect(run.outputs).toMatchObject({
      result: 'fail',
      'critical-violations': '5',
      'high-violations': '2'
    })
    expect(run.exitCode).toBe(1)
  })

  it('writes a report-file that is a symlink through it, leaving the symlink in place', () => {
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ schemaVersion: 1 })
  })
})
