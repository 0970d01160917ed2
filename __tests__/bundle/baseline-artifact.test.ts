// `baseline-artifact` through the built bundle, against the Platform simulator and a local fake of
// the GitHub REST API (the repository, workflow runs, the artifacts listing, the zip redirect to a
// second local server standing for the blob storage). Everything stays on 127.0.0.1.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec } from '../../simulator/scenario.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAgainst,
  workflowCommands,
  type BundleRun
} from '../helpers/bundle.js'
import {
  FORK,
  startActionsFake,
  zipOf,
  type ActionsFake,
  type FakeArtifact
} from '../helpers/github-actions-fake.js'

const TOKEN = 'ghs_bundleArtifactToken_0123456789'
const NAME = 'cloudquery-baseline'
/** Violations that were there all along, of every severity; nothing changes between the runs. */
const POLICIES: PolicySpec[] = [
  { name: 'S3 buckets without default encryption', severity: 'critical', violationCount: 3 },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 2 },
  { name: 'Security groups open to the world', severity: 'medium', violationCount: 5 },
  { name: 'EC2 instances without owner tag', severity: 'low', violationCount: 4 }
]
const START_RUN = '/syncs/{sync_name}/runs'
/** Each case spawns the action up to three times, on a machine that may be busy. */
const TIMEOUT = 60_000
const HOUR = 3_600_000
/** This workflow run: created five minutes ago, the same for every attempt of a re-run. */
const THIS_RUN = 9000
const now = Date.now()
const at = (offsetMs: number): string => new Date(now + offsetMs).toISOString()

const dir = mkdtempSync(join(tmpdir(), 'cq-baseline-artifact-'))
let sim: Simulator
let github: ActionsFake
/** A baseline of every policy, written by the default branch's job with the default thresholds. */
let everything: Uint8Array
/** A baseline written with `severities: critical, high`. */
let narrow: Uint8Array

/** The action as a pull request's gate on `gate-on: new`, against `baseline-artifact`. */
async function gate(
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<BundleRun & { startsBefore: number }> {
  const startsBefore = sim.requestsTo('POST', START_RUN).length
  const run = await runAgainst(
    sim,
    {
      'sync-name': '',
      'gate-on': 'new',
      'baseline-artifact': NAME,
      'github-token': TOKEN,
      'max-medium-violations': '0',
      ...inputs
    },
    { env: { ...github.env(THIS_RUN), ...env } }
  )
  return { ...run, startsBefore }
}

async function writeBaseline(inputs: Record<string, string>): Promise<Uint8Array> {
  const path = join(dir, `baseline-${Object.keys(inputs).length}.json`)
  await runAgainst(sim, { 'sync-name': '', 'baseline-write': path, ...inputs })
  return zipOf({ 'baseline.json': readFileSync(path) })
}

/** Runs of the default branch's baseline workflow, and the artifacts they uploaded. */
function seed(
  artifacts: Omit<FakeArtifact, 'zip' | 'runId'>[],
  runs: Record<number, object> = {}
): void {
  github.runs.splice(0, Infinity, {
    id: THIS_RUN,
    createdAt: at(-5 * 60_000),
    event: 'pull_request',
    headBranch: 'feature-x'
  })
  github.artifacts.splice(0, Infinity)
  for (const artifact of artifacts) {
    const runId = artifact.id * 10
    github.runs.push({
      id: runId,
      createdAt: at(Date.parse(artifact.createdAt) - now - 60_000),
      ...runs[artifact.id]
    })
    github.artifacts.push({ zip: everything, runId, ...artifact })
  }
}

const errors = (run: BundleRun): string =>
  workflowCommands(run.stdout)
    .filter((c) => c.name === 'error')
    .map((c) => c.data)
    .join('\n')
/** Sync runs started by this run of the action (the simulator is shared by the cases). */
const startedRuns = (run: BundleRun & { startsBefore?: number }): number =>
  run.sim.requestsTo('POST', START_RUN).length - (run.startsBefore ?? 0)
const chosen = (run: BundleRun): unknown =>
  (reportOf(run)?.baselineSource as { artifact?: { id?: number } } | null)?.artifact?.id

beforeAll(async () => {
  assertBundleExists()
  sim = await startSimulator({ ...FAST, policies: POLICIES })
  github = await startActionsFake()
  everything = await writeBaseline({})
  narrow = await writeBaseline({ severities: 'critical, high' })
}, 60_000)

afterAll(async () => {
  await sim?.close()
  await github?.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  github.careless = false
  github.github.reset()
  github.storageRequests.length = 0
})

describe('baseline-artifact finds the default branch baseline', () => {
  it(
    'chooses the newest fitting artifact, passing over a fork, a branch, an expired and a newer one',
    async () => {
      seed(
        [
          { id: 101, createdAt: at(-10 * HOUR) },
          { id: 201, createdAt: at(-2 * HOUR) },
          { id: 301, createdAt: at(-1 * HOUR) },
          { id: 401, createdAt: at(-40 * 60_000) },
          { id: 501, createdAt: at(-30 * 60_000), expired: true },
          { id: 601, createdAt: at(-20 * 60_000) },
          // Made after this workflow run was created.
          { id: 701, createdAt: at(-1 * 60_000) },
          { id: 801, createdAt: at(-90 * 60_000), name: 'another-artifact' }
        ],
        {
          // A fork's run on the fork's own main branch (GitHub lists it beside this repository's).
          301: { event: 'push', ...FORK },
          401: { event: 'push', headBranch: 'feature-x' },
          // Same repository and branch, but a run a pull request set off.
          601: { event: 'pull_request' }
        }
      )
      // Neither GitHub's name filter nor its order is relied upon.
      github.careless = true
      const run = await gate()
      expect(run.exitCode).toBe(0)
      expect(run.outputs).toMatchObject({ result: 'pass' })
      // Nothing new where the thresholds count (the others' resources are not read: unknown).
      expect(reportOf(run)).toMatchObject({
        policies: { newViolations: { critical: 0, high: 0 } }
      })
      expect(chosen(run)).toBe(201)
      expect(run.stdout).toContain(
        'Baseline: artifact "cloudquery-baseline" (id 201), uploaded by run 2010'
      )
      expect(run.stdout).toContain(
        'Baseline: passed over artifact "cloudquery-baseline" (id 601): run 6010 was triggered by "pull_request"'
      )
      expect(run.summary).toMatch(
        /Baseline artifact <code>cloudquery-baseline<\/code> \(id 201\), uploaded by \[run 2010\]\(https:\/\/github\.example\.com\/octo-org\/infra\/actions\/runs\/2010\) \(schedule\) on <code>main<\/code>, 2 hours old\./
      )
      // Only the chosen archive was downloaded, and the token never went to the storage.
      expect(github.storageRequests.map((r) => r.path)).toEqual(['/blobs/201?sig=signed-201'])
      expect(
        github.github.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)
      ).toBe(true)
      for (const request of github.storageRequests) {
        expect(request.headers.authorization).toBeUndefined()
        expect(JSON.stringify(request.headers)).not.toContain(TOKEN)
      }
    },
    TIMEOUT
  )

  it(
    'a baseline written with the default thresholds holds every severity a later gate counts, and a re-run attempt judges against the same artifact after a newer one appeared',
    async () => {
      seed([{ id: 201, createdAt: at(-2 * HOUR) }])
      // This gate counts medium and low too, which the baseline's job (default thresholds) did not.
      const inputs = { 'max-medium-violations': '0', 'max-low-violations': '0' }
      const first = await gate(inputs)
      expect(first.exitCode).toBe(0)
      expect(first.outputs).toMatchObject({
        result: 'pass',
        'new-violations': '0',
        violations: '14'
      })
      expect(first.stdout).not.toContain('not in the baseline')
      // The nightly job ran again meanwhile: its artifact is newer than this workflow run.
      github.runs.push({ id: 9010, createdAt: at(-60_000) })
      github.artifacts.push({ id: 901, createdAt: at(-30_000), runId: 9010, zip: everything })
      const again = await gate(inputs, { GITHUB_RUN_ATTEMPT: '2' })
      expect([chosen(first), chosen(again)]).toEqual([201, 201])
      expect(again.exitCode).toBe(first.exitCode)
      // It was only too new for this workflow run: a later one takes it.
      github.runs.push({ id: 9100, createdAt: at(0) })
      const later = await gate({}, github.env(9100))
      expect(chosen(later)).toBe(901)
    },
    TIMEOUT
  )

  it(
    'no artifact: an input error that says how to bootstrap, before any sync run starts',
    async () => {
      seed([])
      const run = await gate({ 'sync-name': 'aws-prod', 'soft-fail': 'true' })
      expect(run.exitCode).toBe(1)
      expect(errors(run)).toContain(
        'Input "baseline-artifact": no baseline artifact named "cloudquery-baseline" fits'
      )
      expect(errors(run)).toContain('To bootstrap: run the baseline workflow once on "main"')
      expect(startedRuns(run)).toBe(0)
    },
    TIMEOUT
  )

  it(
    '403 on the listing names the actions: read permission',
    async () => {
      seed([{ id: 201, createdAt: at(-2 * HOUR) }])
      github.github.failure = { status: 403, path: /\/actions\/artifacts$/ }
      const run = await gate({ 'sync-name': 'aws-prod' })
      expect(run.exitCode).toBe(1)
      expect(errors(run)).toContain('add "actions: read" to the job\'s permissions')
      expect(startedRuns(run)).toBe(0)
    },
    TIMEOUT
  )

  it(
    'an archive over the size bound is a clear error, whatever the listing said',
    async () => {
      const huge = zipOf({ 'baseline.json': randomBytes(17 * 1024 * 1024) })
      seed([{ id: 201, createdAt: at(-2 * HOUR), sizeInBytes: 1000 }])
      github.artifacts[0].zip = huge
      const run = await gate({ 'sync-name': 'aws-prod' })
      expect(run.exitCode).toBe(1)
      expect(errors(run)).toContain('is larger than 16 MB zipped, the most this action downloads')
      expect(startedRuns(run)).toBe(0)
    },
    TIMEOUT
  )
})

describe('a baseline made for other policies', () => {
  it.each([['false'], ['true']])(
    'one made for other policies fails before the sync run starts (soft-fail: %s)',
    async (softFail) => {
      seed([{ id: 201, createdAt: at(-2 * HOUR) }])
      github.artifacts[0].zip = narrow
      const run = await gate({ 'sync-name': 'aws-prod', 'soft-fail': softFail })
      expect(run.exitCode).toBe(1)
      expect(errors(run)).toContain('was made for another policy selection')
      expect(errors(run)).toContain(
        '"severities": the baseline was made for severities "critical", "high" only, this workflow selects every one'
      )
      expect(startedRuns(run)).toBe(0)
    },
    TIMEOUT
  )

  it(
    'baseline-file made for other policies fails before any request',
    async () => {
      const before = sim.requests.length
      const path = join(dir, 'baseline-1.json')
      const run = await runAgainst(sim, {
        'gate-on': 'new',
        'baseline-file': path,
        'soft-fail': 'true'
      })
      expect(run.exitCode).toBe(1)
      expect(errors(run)).toContain(
        `Input "baseline-file": "${path}" was made for another policy selection`
      )
      expect(sim.requests.length).toBe(before)
    },
    TIMEOUT
  )
})
