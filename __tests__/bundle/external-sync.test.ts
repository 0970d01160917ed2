// Gating a sync the CloudQuery CLI ran (`external-sync`), through the built action: found by its
// invocation id, followed through `finalizing` and gated only once `completed`; a failed one fails
// the step; one that never appears times out clearly; and no request ever tries to cancel one.

import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ExternalSyncSpec } from '../../simulator/external-syncs.js'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import type { RecordedRequest } from '../../simulator/server.js'
import {
  assertBundleExists,
  errorLines,
  reportOf,
  requestLog,
  runAll,
  runBundle,
  Signaller,
  type BundleRun
} from '../helpers/bundle.js'

const INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
const EXTERNAL_RUNS = '/external-sync-runs'
const EXTERNAL_RUN = '/external-sync-runs/{external_sync_id}'
const POLICIES: PolicySpec[] = [
  { name: 'Public S3 buckets', severity: 'critical', violationCount: 0, countAfterSync: 0 },
  { name: 'Unattached EBS volumes', severity: 'medium', violationCount: 2, countAfterSync: 3 }
]

function scenario(external: Partial<ExternalSyncSpec>): Scenario {
  return {
    policies: POLICIES,
    evaluation: { delayAfterIngestMs: 50 },
    // Finalizing outlasts the longest gap between looks (poll-interval: 2s), so it is seen
    // whenever the action starts looking before it ends (spawning it can take a few seconds).
    externalSyncs: [
      { invocationId: INVOCATION, startedMs: 3_000, finalizingMs: 3_000, ...external }
    ]
  }
}

/** The action's inputs for an external sync: no managed sync. */
const inputs = (more: Record<string, string> = {}) => ({
  'sync-name': '',
  'external-sync': INVOCATION,
  'poll-interval': '2s',
  ...more
})

const SHARD = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9'

/** An invocation id the spec allows (1 to 200 characters of any text), not a UUID. */
const FREE_TEXT_INVOCATION = 'nightly build 7, shard 1/3'
const OTHER_SYNC = '99999999-8888-4777-8666-555555555555'

let runs: Record<
  | 'completes'
  | 'failed'
  | 'neverAppears'
  | 'shards'
  | 'shardNotFound'
  | 'signalled'
  | 'listingSaysDone'
  | 'anotherSyncsAnswer'
  | 'freeTextInvocation',
  BundleRun
>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    completes: () => runBundle(scenario({}), inputs()),
    failed: () => runBundle(scenario({ finalStatus: 'failed' }), inputs()),
    neverAppears: () => runBundle(scenario({ appearAfterMs: null }), inputs({ timeout: '3s' })),
    // Two shards of one sharded sync, each with its own invocation id; the second fails.
    shards: () => {
      const shards = scenario({})
      shards.externalSyncs!.push({ invocationId: SHARD, startedMs: 2_000, finalStatus: 'failed' })
      return runBundle(shards, inputs({ 'external-sync': `${INVOCATION}\n${SHARD}` }))
    },
    // One shard completes, the other never appears (its job may still be queued).
    shardNotFound: () =>
      runBundle(scenario({ startedMs: 500, finalizingMs: 500 }), {
        ...inputs({ 'external-sync': `${INVOCATION}\n${SHARD}`, timeout: '4s' })
      }),
    // The listing says completed; the sync's own answer says it is still uploading.
    listingSaysDone: () =>
      runBundle(
        scenario({ startedMs: 0, finalizingMs: 0, ownAnswerFields: { status: 'started' } }),
        inputs({ timeout: '4s' })
      ),
    // Its own answer carries another sync's id.
    anotherSyncsAnswer: () =>
      runBundle(scenario({ ownAnswerFields: { id: OTHER_SYNC } }), inputs()),
    freeTextInvocation: () =>
      runBundle(
        scenario({ invocationId: FREE_TEXT_INVOCATION }),
        inputs({ 'external-sync': FREE_TEXT_INVOCATION })
      ),
    // SIGTERM while two shards upload: both reported as last seen, neither touched.
    signalled: () => {
      const shards = scenario({ startedMs: 60_000 })
      shards.externalSyncs!.push({ invocationId: SHARD, startedMs: 60_000 })
      const signaller = new Signaller(`[${SHARD}] Found external sync`, 'SIGTERM', 1_000)
      return runBundle(
        shards,
        inputs({ 'external-sync': `${INVOCATION}\n${SHARD}` }),
        signaller.options
      )
    }
  })
}, 60_000)

interface ExternalSyncBody {
  invocation_id: string
  status: string
}

/** The statuses the action was told of the external sync, in order (listings and reads). */
const statusesSeen = (requests: RecordedRequest[]): string[] =>
  requests
    .filter((r) => r.status === 200)
    .flatMap((r) => {
      if (r.pathTemplate === EXTERNAL_RUN) return [r.responseBody as ExternalSyncBody]
      if (r.pathTemplate !== EXTERNAL_RUNS) return []
      return (r.responseBody as { items: ExternalSyncBody[] }).items.filter(
        (item) => item.invocation_id === INVOCATION
      )
    })
    .map((sync) => sync.status)

describe('gating a sync the CLI ran', () => {
  it('follows it through finalizing and reads the policies only once it completed', () => {
    const run = runs.completes
    expect(run.exitCode).toBe(0)
    const seen = statusesSeen(run.sim.requests)
    expect(seen).toContain('finalizing')
    expect(seen.at(-1)).toBe('completed')
    const completedAt = run.sim.requests.find(
      (r) =>
        r.pathTemplate === EXTERNAL_RUN &&
        (r.responseBody as ExternalSyncBody | undefined)?.status === 'completed'
    )?.finishedAt
    const policyReads = run.sim.requestsTo('GET', '/policies')
    expect(policyReads.length).toBeGreaterThan(0)
    expect(policyReads.every((r) => r.startedAt >= completedAt!)).toBe(true)
    expect(run.stdout).toMatch(/finalizing/)
    expect(run.outputs.result).toBe('pass')
    expect(run.outputs['sync-run-status']).toBe('completed')
  })

  it('shows the CLI run in the summary and the JSON report like a managed one', () => {
    const run = runs.completes
    const report = reportOf(run) as {
      syncs: { kind: string; syncName: string; external: { invocationId: string } }[]
    }
    expect(report.syncs).toHaveLength(1)
    expect(report.syncs[0]).toMatchObject({
      kind: 'external',
      syncName: INVOCATION,
      external: { invocationId: INVOCATION }
    })
    expect(run.summary).toContain('CLI sync run')
    expect(run.summary).toContain(INVOCATION)
  })

  it('fails the step for a CLI run that failed, naming its status', () => {
    const run = runs.failed
    expect(run.exitCode).toBe(1)
    expect(statusesSeen(run.sim.requests).at(-1)).toBe('failed')
    expect(errorLines(run.stdout).join('\n')).toMatch(/External sync [0-9a-f-]{36}.* failed/)
    expect(run.outputs['sync-run-status']).toBe('failed')
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(0)
  })

  it('times out clearly when no external sync has the invocation id', () => {
    const run = runs.neverAppears
    expect(run.exitCode).toBe(1)
    expect(errorLines(run.stdout).join('\n')).toMatch(
      new RegExp(
        `External sync ${INVOCATION} was not found on the Platform after looking for 3(\\.\\d)?s`
      )
    )
    expect(run.stdout).toContain(`--invocation-id ${INVOCATION}`)
  })

  it('follows the shards of a sharded sync at once, and fails the step for the one that failed', () => {
    const run = runs.shards
    expect(run.exitCode).toBe(1)
    const report = reportOf(run) as { syncs: { syncName: string; verdict: string }[] }
    expect(report.syncs.map((sync) => [sync.syncName, sync.verdict])).toEqual([
      [INVOCATION, 'pass'],
      [SHARD, 'fail']
    ])
    expect(run.stdout).toContain(`[${SHARD}] Found external sync`)
    expect(errorLines(run.stdout).join('\n')).toMatch(
      /External sync [0-9a-f-]{36} \(invocation 0b1c2d3e/
    )
    // One shard failed, the other's data is in: the gate still ran over it.
    expect(run.sim.requestsTo('GET', '/policies').length).toBeGreaterThan(0)
  })

  it('reads no policy while a shard was not found: its data may still arrive', () => {
    const run = runs.shardNotFound
    expect(run.exitCode).toBe(1)
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(0)
    expect(reportOf(run)).toMatchObject({
      policiesSkipped: expect.stringContaining('its CLI run was not found') as unknown
    })
  })

  it('reports every shard it was following when the workflow is cancelled, and touches none', () => {
    const run = runs.signalled
    expect(run.exitCode).toBe(1)
    const report = reportOf(run) as {
      cancelled: boolean
      syncs: { syncName: string; external: { status: string } | null }[]
    }
    expect(report.cancelled).toBe(true)
    expect(report.syncs.map((sync) => [sync.syncName, sync.external?.status])).toEqual([
      [INVOCATION, 'started'],
      [SHARD, 'started']
    ])
  })

  it("takes its state from its own answer, never from a listing's row", () => {
    const run = runs.listingSaysDone
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /Timed out after 4(\.\d)?s waiting for external sync .*\(status "started"\)/
    )
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(0)
  })

  it("refuses an answer carrying another sync's id", () => {
    const run = runs.anotherSyncsAnswer
    expect(run.exitCode).toBe(1)
    expect(errorLines(run.stdout).join('\n')).toMatch(
      /for GET \/external-sync-runs\/[0-9a-f-]{36}, with another external sync's id: the answer cannot be used/
    )
    expect(run.stdout).not.toContain(`Found external sync ${OTHER_SYNC}`)
    expect(run.sim.requestsTo('GET', '/policies')).toHaveLength(0)
  })

  it('follows an invocation id of any text the spec allows, commas and spaces included', () => {
    const run = runs.freeTextInvocation
    expect(run.exitCode).toBe(0)
    expect(run.outputs.result).toBe('pass')
    expect(run.stdout).toContain(`(invocation ${FREE_TEXT_INVOCATION})`)
    // Not an id: it is looked for in the listing, never put in a path.
    expect(run.sim.requests.filter((r) => r.path.includes('nightly'))).toEqual([])
  })

  it('never sends anything but a read for an external sync', () => {
    // POST /queries/columns only reads: which tables a counted policy's query reads.
    const isRead = (r: { method: string; pathTemplate?: string }): boolean =>
      r.method === 'GET' || (r.method === 'POST' && r.pathTemplate === '/queries/columns')
    for (const run of Object.values(runs)) {
      const writes = run.sim.requests.filter((r) => !isRead(r))
      expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([])
      expect(requestLog(run.sim)).not.toMatch(/PATCH|POST \/api\/(?!queries\/columns )|DELETE/)
    }
  })
})
