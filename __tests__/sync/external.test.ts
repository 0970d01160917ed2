import { describe, expect, it } from '@jest/globals'
import type { ExternalSyncConfig } from '../../src/inputs/config.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import { PlatformError } from '../../src/platform/client.js'
import { followExternalSync } from '../../src/sync/external.js'
import { FIND_TIMEOUT_MS } from '../../src/sync/external-find.js'
import type { ExternalOutcome } from '../../src/sync/outcome.js'
import type { ExternalSyncSpec } from '../../simulator/external-syncs.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { Simulator } from '../../simulator/server.js'
import { externalObserver } from '../helpers/observers.js'
import { withSimulator, redactKey } from '../helpers/platform.js'

const INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
const ID = '0d4b3c1e-2f6a-4b7c-8d9e-0f1a2b3c4d5e'
const GET_ONE = '/external-sync-runs/{external_sync_id}'
/** As long as a real CLI run: the simulator and the stage share a virtual clock, so it is free. */
const CLI_RUN: ExternalSyncSpec = {
  invocationId: INVOCATION,
  id: ID,
  startedMs: 45_000,
  finalizingMs: 4_000,
  tables: { aws_ec2_instances: 7_488, aws_s3_buckets: 3_744, aws_iam_roles: 1_248 }
}

interface Result {
  outcome: ExternalOutcome
  sim: Simulator
  log: string[]
}

async function follow(
  externalSync: Partial<ExternalSyncSpec> | null,
  config: Partial<ExternalSyncConfig> = {},
  scenario: Scenario = {},
  others: ExternalSyncSpec[] = []
): Promise<Result> {
  const externalSyncs = [
    ...(externalSync === null ? [] : [{ ...CLI_RUN, ...externalSync }]),
    ...others
  ]
  return withSimulator({ externalSyncs, ...scenario }, async (sim, client, clock) => {
    const log = createMemoryLogger()
    const outcome = await followExternalSync(
      { id: INVOCATION, timeoutMs: 600_000, pollIntervalMs: 15_000, ...config },
      { client, clock, log, redact: redactKey },
      externalObserver()
    )
    return { outcome, sim, log: log.lines }
  })
}

/** Only reads: the CLI owns an external sync, nothing may cancel or change it. */
function expectOnlyReads(sim: Simulator): void {
  expect(sim.requests.filter((r) => r.method !== 'GET')).toEqual([])
  expect(sim.requests.every((r) => r.pathTemplate?.startsWith('/external-sync-runs'))).toBe(true)
}

describe('following an external sync against the simulator', () => {
  it('finds it by the CLI invocation id and follows it to completed', async () => {
    const { outcome, sim, log } = await follow({})
    expect(outcome).toMatchObject({
      kind: 'external',
      syncName: INVOCATION,
      verdict: 'pass',
      reasons: [],
      startedByAction: false,
      waited: true,
      timedOut: false,
      cancelledByAction: false,
      durationSeconds: 49
    })
    expect(outcome).not.toHaveProperty('tablesWithErrors')
    // Rows only: the Platform counts no errors for a CLI run's tables.
    expect(outcome.tables).toEqual([
      { name: 'aws_ec2_instances', rows: 7_488 },
      { name: 'aws_s3_buckets', rows: 3_744 },
      { name: 'aws_iam_roles', rows: 1_248 }
    ])
    expect(outcome.external).toMatchObject({ id: ID, status: 'completed', rows: 12_480 })
    expect(outcome.view).toEqual({
      id: ID,
      status: 'completed',
      phase: 'ended',
      ingested: true,
      createdAt: outcome.external?.created_at,
      completedAt: outcome.external?.finished_at,
      rows: 12_480
    })
    expect(outcome.completedAt).toBe(outcome.external?.finished_at)
    // The look that found it read the listing, then the sync's own answer: one status check.
    expect(outcome.statusChecks).toBe(sim.requests.length - 1)
    expect(sim.requests.slice(0, 2).map((r) => r.pathTemplate)).toEqual([
      '/external-sync-runs',
      GET_ONE
    ])
    expect(log).toContain(
      `Found external sync ${ID} (invocation ${INVOCATION}); waiting up to 10m for it to complete.`
    )
    expect(
      log.some((l) => /^External sync .*: still started; [\d,]+ rows in 3 tables;/.test(l))
    ).toBe(true)
    expect(log.at(-1)).toMatch(`External sync ${ID}: completed (`)
    expect(sim.requestsTo('GET', '/external-sync-runs')[0].query).toEqual({
      per_page: ['100'],
      page: ['1']
    })
    expectOnlyReads(sim)
  })

  it('finds it by its id, on the newest page or, when older, by asking for it', async () => {
    const newest = await follow({}, { id: ID })
    expect(newest.outcome.verdict).toBe('pass')
    expect(newest.log).toContain(`Found external sync ${ID}; waiting up to 10m for it to complete.`)
    const old = await follow({ ageMs: 2_000 * 3_600_000 }, { id: ID }, { olderExternalSyncs: 120 })
    expect(old.outcome.external).toMatchObject({ id: ID, status: 'completed' })
    expect(old.sim.requestsTo('GET', GET_ONE)[0]).toMatchObject({
      params: { external_sync_id: ID },
      status: 200
    })
    expect(old.sim.requestsTo('GET', '/external-sync-runs')).toHaveLength(1)
  })

  it('waits for one that appears late', async () => {
    const { outcome, sim, log } = await follow({ appearAfterMs: 40_000 })
    expect(outcome.verdict).toBe('pass')
    expect(log[0]).toBe(
      `External sync ${INVOCATION} is not on the Platform yet; looking for it for up to 5m.`
    )
    // Adaptive: 1 s, 2 s, 4 s, 8 s, 15 s apart, not a look every second.
    const looks = sim.requestsTo('GET', '/external-sync-runs')
    expect(looks.length).toBeGreaterThan(2)
    expect(looks.length).toBeLessThan(10)
    expect(sim.requestsTo('GET', GET_ONE).filter((r) => r.status === 404)).toHaveLength(
      looks.length - 1
    )
  })

  it('fails clearly, without throwing, when it never appears', async () => {
    const { outcome, log } = await follow({ appearAfterMs: null })
    expect(outcome.verdict).toBe('fail')
    expect(outcome.waitedMs).toBe(FIND_TIMEOUT_MS)
    expect(outcome.reasons).toEqual([
      `External sync ${INVOCATION} was not found on the Platform after looking for 5m: no external sync has that id or invocation id. Check that the CLI was given \`--invocation-id ${INVOCATION}\` and uses the Platform destination, and that the API key belongs to the team the CLI uploads to.`
    ])
    expect(outcome.view).toBeUndefined()
    expect(log).toHaveLength(1)
    const shorter = await follow(null, { timeoutMs: 60_000 })
    expect(shorter.outcome.reasons[0]).toMatch('after looking for 1m:')
    expectOnlyReads(shorter.sim)
  })

  it('passes through finalizing, looking each second, and is judged only once completed', async () => {
    const { outcome, sim, log } = await follow({})
    expect(log.some((l) => l.startsWith(`External sync ${ID}: finalizing, ingesting data (`))).toBe(
      true
    )
    const reads = sim.requestsTo('GET', GET_ONE)
    const finalizing = reads.filter(
      (r) => (r.responseBody as { status: string }).status === 'finalizing'
    )
    expect(finalizing.length).toBeGreaterThanOrEqual(3)
    const gaps = reads.slice(1).map((r, i) => r.startedAt - reads[i].startedAt)
    const afterFinalizing = reads.indexOf(finalizing[0])
    expect(gaps.slice(afterFinalizing).every((gap) => gap <= 1000)).toBe(true)
    const finished = Date.parse(outcome.external!.finished_at!)
    expect(reads.at(-1)!.startedAt - finished).toBeLessThanOrEqual(1000)
    expect(outcome.completedAt).toBe(new Date(finished).toISOString())
  })

  it("looks quickly near when the team's earlier CLI runs ended, so a short finalizing is not missed", async () => {
    // Earlier runs of other invocations took about as long: their median predicts this one's end.
    const earlier = [1, 2, 3].map((k) => ({
      invocationId: `00000000-0000-4000-8000-00000000000${k}`,
      ageMs: k * 6 * 3_600_000,
      startedMs: 176_000 + k * 2_000,
      finalizingMs: 1_500
    }))
    const { outcome, sim } = await follow(
      { startedMs: 184_000, finalizingMs: 1_500 },
      {},
      { olderExternalSyncs: 0 },
      earlier
    )
    const completedAt = Date.parse(outcome.external!.finished_at!)
    const seenAt = sim.requests.at(-1)!.startedAt
    // The poll-interval is 15 s: without the prediction this end is seen 9.5 s late.
    expect(seenAt - completedAt).toBeLessThanOrEqual(3_000)
    const looks = sim.requests.filter((r) => r.pathTemplate === GET_ONE).length
    // And still fewer looks than a fixed 5 s poller would make over the run.
    expect(looks).toBeLessThan((184_000 + 1_500) / 5_000)
  })

  it('fails the verdict when the CLI run failed', async () => {
    const { outcome } = await follow({ finalStatus: 'failed', rows: 512, tables: undefined })
    expect(outcome.verdict).toBe('fail')
    expect(outcome.reasons).toEqual([
      `External sync ${ID} (invocation ${INVOCATION}) failed after 512 rows; the CLI's own log says why.`
    ])
    expect(outcome.view).toMatchObject({ status: 'failed', phase: 'ended', rows: 512 })
    expect(outcome.view?.ingested).toBeUndefined()
    expect(outcome.completedAt).toBe(outcome.external?.finished_at)
  })

  it('times out while finalizing, saying what it waited for, and cancels nothing', async () => {
    const { outcome, sim } = await follow({ finalizingMs: null }, { timeoutMs: 120_000 })
    expect(outcome).toMatchObject({ verdict: 'fail', timedOut: true, cancelledByAction: false })
    expect(outcome.waitedMs).toBe(120_000)
    expect(outcome.reasons).toEqual([
      `Timed out after 2m waiting for external sync ${ID} (invocation ${INVOCATION}) (status "finalizing") — waited for its data to be ingested. It is not cancelled: the CLI owns it.`
    ])
    // As the Platform said it: not a completed run, its data not ingested.
    expect(outcome.view).toMatchObject({
      status: 'finalizing',
      phase: 'ingesting',
      ingested: false
    })
    expect(outcome.completedAt).toBeUndefined()
    expectOnlyReads(sim)
  })

  it('times out while started, waiting for it to finish', async () => {
    const { outcome } = await follow({ startedMs: 3_600_000 }, { timeoutMs: 60_000 })
    expect(outcome.reasons[0]).toMatch('(status "started") — waited for it to finish.')
  })

  it('warns once about a status it does not know, and keeps waiting', async () => {
    const { outcome, log } = await follow({
      statusSequence: [
        { status: 'uploading', ms: 20_000 },
        { status: 'started', ms: 10_000 }
      ]
    })
    expect(outcome.verdict).toBe('pass')
    expect(log.filter((l) => l.includes('"uploading", which this action does not know'))).toEqual([
      `warning: External sync ${ID} reports status "uploading", which this action does not know; waiting until it ends or the timeout.`
    ])
  })

  it('stands in the moment it saw it completed for an unbelievable finished_at', async () => {
    const { outcome } = await follow({ extraFields: { finished_at: '2999-01-01T00:00:00Z' } })
    expect(outcome.verdict).toBe('pass')
    expect(outcome.completedAt).not.toBe('2999-01-01T00:00:00.000Z')
    expect(outcome.warnings[0]).toMatch(
      /^External sync [-\w]+ finished without a usable completion time \(finished_at "2999-01-01T00:00:00Z", in the future\): policy results must be newer than /
    )
  })

  it('says a missing finished_at is missing, never "undefined"', async () => {
    // Absent from the answer (the spec makes it optional).
    const { outcome } = await follow({ extraFields: { finished_at: undefined } })
    expect(outcome.verdict).toBe('pass')
    expect(outcome.warnings[0]).toMatch(
      /^External sync [-\w]+ finished without a usable completion time \(no finished_at\)/
    )
    expect(outcome.warnings.join(' ')).not.toContain('undefined')
  })

  it('throws a clear error for a wrong-shaped answer or a Platform that cannot be reached', async () => {
    await expect(follow({ extraFields: { table_progress: [1, 2] } })).rejects.toThrow(
      /GET \/external-sync-runs, with an "items" entry with a "table_progress" that is not an object/
    )
    const down = follow(
      {},
      {},
      {
        faults: [{ match: { path: '/external-sync-runs' }, kind: '503', count: 'always' }]
      }
    )
    await expect(down).rejects.toBeInstanceOf(PlatformError)
  })

  it('reads counts as untrusted: a count that is not one is said so', async () => {
    const { outcome, log } = await follow({ finalStatus: 'failed', extraFields: { rows: 'lots' } })
    expect(outcome.reasons[0]).toMatch('failed after "lots" rows (not a count);')
    expect(
      log.some((l) => l.includes('still started; "lots" rows (not a count) in 3 tables'))
    ).toBe(true)
  })

  it('ends on time with the last status seen when the Platform stops answering', async () => {
    // Its own answer comes once, when it is found; then never again.
    const silent = {
      match: { path: GET_ONE },
      kind: 'silent' as const,
      count: 'always' as const,
      after: 1
    }
    const { outcome } = await follow({}, { timeoutMs: 30_000 }, { faults: [silent] })
    expect(outcome).toMatchObject({ verdict: 'fail', timedOut: true, waitedMs: 30_000 })
    expect(outcome.external?.status).toBe('started')
  })

  it("takes no listing's row for its state: listed, but never answering for itself, it fails on time", async () => {
    const silent = { match: { path: GET_ONE }, kind: 'silent' as const, count: 'always' as const }
    // Listed as completed: were the row believed, the policies would be gated on it.
    const { outcome } = await follow(
      { startedMs: 0, finalizingMs: 0 },
      { timeoutMs: 30_000 },
      { faults: [silent] }
    )
    expect(outcome).toMatchObject({ verdict: 'fail', timedOut: true, waitedMs: 30_000 })
    expect(outcome.external).toBeUndefined()
    expect(outcome.reasons).toEqual([
      `External sync ${ID} (invocation ${INVOCATION}) is listed on the Platform, but its own state (GET /external-sync-runs/${ID}) did not come in 30s of looking, and a listing's row is not taken for it. It is not cancelled: the CLI owns it.`
    ])
  })

  it("refuses an answer for another sync's id, however the listing found it", async () => {
    const other = '99999999-8888-4777-8666-555555555555'
    const follows = follow({ ownAnswerFields: { id: other } }, { timeoutMs: 30_000 })
    await expect(follows).rejects.toThrow(
      `for GET /external-sync-runs/${ID}, with another external sync's id: the answer cannot be used`
    )
  })

  it('stops waiting when the workflow is cancelled, judging nothing', async () => {
    const outcome = await withSimulator(
      { externalSyncs: [CLI_RUN] },
      async (_sim, client, clock) => {
        const controller = new AbortController()
        const log = createMemoryLogger()
        setTimeout(() => controller.abort(), 0)
        return followExternalSync(
          { id: ID, timeoutMs: 600_000, pollIntervalMs: 15_000 },
          { client, clock, log, redact: redactKey, signal: controller.signal },
          externalObserver()
        )
      }
    )
    expect(outcome).toMatchObject({ verdict: 'pass', reasons: [], timedOut: false })
    expect(outcome.completedAt).toBeUndefined()
    expect(outcome.external?.status).not.toBe('completed')
  })
})
