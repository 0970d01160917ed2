import { describe, expect, it } from '@jest/globals'
import type { SyncConfig } from '../../src/inputs/config.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import { PlatformError, type PlatformClientOptions } from '../../src/platform/client.js'
import type { ManagedOutcome } from '../../src/sync/outcome.js'
import { judgeRun } from '../../src/sync/run-status.js'
import { runSyncStage } from '../../src/sync/stage.js'
import type { Scenario } from '../../simulator/scenario.js'
import type { RecordedRequest, Simulator } from '../../simulator/server.js'
import { managedObserver, type RecordingObserver } from '../helpers/observers.js'
import { clientFor, withSimulator, redactKey, TEST_KEY } from '../helpers/platform.js'

const SYNC: SyncConfig = {
  name: 'aws-prod',
  ifRunning: 'attach',
  wait: true,
  timeoutMs: 600_000,
  pollIntervalMs: 15_000,
  cancelOnTimeout: true,
  logs: 'on-failure'
}

/** A run as long as real ones: the stage and the simulator share a virtual clock, so it is free. */
const RUN = { pendingMs: 2_000, startDelayMs: 3_000, durationMs: 45_000, ingestionDelayMs: 4_000 }
const RUN_STATUS = '/syncs/{sync_name}/runs/{sync_run_id}'

interface Result {
  outcome: ManagedOutcome
  observer: RecordingObserver
  sim: Simulator
  log: string[]
}

async function sync(
  scenario: Scenario,
  config: Partial<SyncConfig> = {},
  clientOptions: Partial<PlatformClientOptions> = {}
): Promise<Result> {
  return withSimulator(
    { ...scenario, run: { ...RUN, ...scenario.run } },
    async (sim, client, clock) => {
      const log = createMemoryLogger()
      const observer = managedObserver()
      const outcome = await runSyncStage(
        { ...SYNC, ...config },
        { client, clock, log, redact: redactKey },
        observer
      )
      return { outcome, observer, sim, log: log.lines }
    },
    clientOptions
  )
}

describe('sync stage against the simulator', () => {
  it('starts a run and follows it to completion and ingestion', async () => {
    const { outcome, sim, log } = await sync({})
    expect(outcome.verdict).toBe('pass')
    expect(outcome.startedByAction).toBe(true)
    expect(outcome.run).toMatchObject({ status: 'completed', ingested: true, total_rows: 12_480 })
    // The run's own length (created to completed), not the time spent waiting for its data.
    expect(outcome.durationSeconds).toBe((RUN.pendingMs + RUN.startDelayMs + RUN.durationMs) / 1000)
    expect(sim.runsStarted()).toBe(1)
    expect(log.some((line) => line.startsWith('Started run'))).toBe(true)
    expect(log.some((line) => line.includes('completed, ingesting data'))).toBe(true)
  })

  it('attaches to an active run instead of starting another', async () => {
    const { outcome, sim, observer } = await sync({ activeRun: { ageMs: 100, durationMs: 800 } })
    expect(sim.runsStarted()).toBe(0)
    expect(outcome.startedByAction).toBe(false)
    expect(observer.known?.startedByAction).toBe(false)
    expect(outcome.run?.status).toBe('completed')
  })

  it('refuses with if-running: fail, starting nothing', async () => {
    const { outcome, sim } = await sync(
      { activeRun: { ageMs: 100, durationMs: 5000 } },
      { ifRunning: 'fail' }
    )
    expect(outcome.verdict).toBe('fail')
    expect(outcome.reasons[0]).toMatch(/already has an active run .* "if-running" is "fail"/)
    expect(sim.runsStarted()).toBe(0)
  })

  it('starts another with if-running: start', async () => {
    const { sim } = await sync(
      { activeRun: { ageMs: 100, durationMs: 5000 } },
      { ifRunning: 'start' }
    )
    expect(sim.runsStarted()).toBe(1)
  })

  it('follows the active run when the Platform refuses a second one (422)', async () => {
    const { outcome, sim, log } = await sync(
      { activeRun: { ageMs: 100, durationMs: 800 }, whileActive: 'reject' },
      { ifRunning: 'start' }
    )
    expect(sim.runsStarted()).toBe(0)
    expect(outcome.startedByAction).toBe(false)
    expect(outcome.verdict).toBe('pass')
    expect(log.some((line) => line.includes('refused to start another run'))).toBe(true)
  })

  it('follows the run named by sync-run-id', async () => {
    await withSimulator({ run: RUN }, async (sim, client, clock) => {
      const started = await client.createRun('aws-prod')
      const observer = managedObserver()
      const outcome = await runSyncStage(
        { ...SYNC, runId: started.id },
        { client, clock, log: createMemoryLogger(), redact: redactKey },
        observer
      )
      expect(outcome.run?.id).toBe(started.id)
      expect(outcome.startedByAction).toBe(false)
      expect(sim.runsStarted()).toBe(1)
    })
  })

  it('starts and returns at once with wait: false', async () => {
    const { outcome, sim } = await sync({}, { wait: false })
    expect(outcome.waited).toBe(false)
    expect(outcome.verdict).toBe('pass')
    expect(outcome.run?.status).toBe('created')
    expect(sim.requestsTo('GET', '/syncs/{sync_name}/runs/{sync_run_id}')).toHaveLength(0)
  })

  it('fails a run killed for memory, in plain words, and prints its logs', async () => {
    const { outcome, log } = await sync({
      run: { finalStatus: 'failed', statusReason: 'oom_killed', logLines: ['fetching', 'killed'] }
    })
    expect(outcome.verdict).toBe('fail')
    expect(outcome.reasons[0]).toMatch(/ran out of memory and was killed \(oom_killed\)/)
    expect(outcome.logLines.join('\n')).toContain('killed')
    expect(log.some((line) => line.startsWith('group: Logs of run'))).toBe(true)
  })

  it('passes partial success with a warning, unless max-sync-errors is exceeded', async () => {
    const partial = { run: { statusReason: 'partial_success' as const, errors: 42 } }
    const passed = await sync(partial)
    expect(passed.outcome.verdict).toBe('pass')
    expect(passed.outcome.warnings[0]).toMatch(/partial success: 42 error/)
    const failed = await sync(partial, { maxErrors: 10 })
    expect(failed.outcome.verdict).toBe('fail')
    expect(failed.outcome.reasons[0]).toMatch(
      /had 42 errors; at most 10 allowed \(max-sync-errors\)/
    )
  })

  it('fails when ingestion fails', async () => {
    const { outcome } = await sync({ run: { statusReason: 'ingestion_failed' } })
    expect(outcome.verdict).toBe('fail')
    expect(outcome.reasons[0]).toMatch(/could not be ingested/)
  })

  it('cancels a run it started when the wait times out', async () => {
    const { outcome, sim } = await sync({ run: { durationMs: 60_000 } }, { timeoutMs: 10_000 })
    expect(outcome.timedOut).toBe(true)
    expect(outcome.cancelledByAction).toBe(true)
    expect(outcome.reasons[0]).toMatch(/Timed out after .* waiting for run/)
    expect(sim.requestsTo('PATCH', '/syncs/{sync_name}/runs/{sync_run_id}')).toHaveLength(1)
    expect(sim.runs[sim.runs.length - 1].status).toBe('cancelled')
  })

  it('leaves a run it started going when the wait times out with cancel-on-timeout: false', async () => {
    const { outcome, sim } = await sync(
      { run: { durationMs: 60_000 } },
      { timeoutMs: 10_000, cancelOnTimeout: false }
    )
    expect(outcome.timedOut).toBe(true)
    expect(outcome.startedByAction).toBe(true)
    // No cancel request reached the Platform, and the run is still going there.
    expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(0)
    expect(sim.runs[sim.runs.length - 1].status).toBe('started')
    expect(outcome.cancelledByAction).toBe(false)
  })

  it('never cancels a run it only attached to', async () => {
    const { outcome, sim } = await sync(
      { activeRun: { ageMs: 100, durationMs: 60_000 } },
      { timeoutMs: 10_000 }
    )
    expect(outcome.timedOut).toBe(true)
    expect(outcome.cancelledByAction).toBe(false)
    expect(sim.requestsTo('PATCH', '/syncs/{sync_name}/runs/{sync_run_id}')).toHaveLength(0)
  })

  it('keeps waiting through a status it does not know, and names it', async () => {
    const { outcome, log } = await sync({
      run: {
        statusSequence: [
          { status: 'created', ms: 2_000 },
          { status: 'queued_for_retry', ms: 5_000 },
          { status: 'started', ms: 20_000 }
        ]
      }
    })
    expect(outcome.verdict).toBe('pass')
    expect(log.filter((line) => line.includes('"queued_for_retry"'))).toHaveLength(1)
  })

  it('lists the tables with errors, most first', async () => {
    const { outcome } = await sync({
      run: {
        tables: [
          { name: 'aws_s3_buckets', resources: 10, errors: 2 },
          { name: 'aws_ec2_instances', resources: 10, errors: 0 },
          { name: 'aws_iam_users', resources: 10, errors: 9 }
        ]
      }
    })
    expect(outcome.tablesWithErrors.map((table) => table.name)).toEqual([
      'aws_iam_users',
      'aws_s3_buckets'
    ])
  })

  it('records every table the run wrote, over every page, with its rows, errors and panics', async () => {
    const tables = Array.from({ length: 1_500 }, (_, i) => ({
      name: `aws_table_${String(i).padStart(4, '0')}`,
      resources: i,
      errors: i === 1_499 ? 3 : 0,
      panics: i === 7 ? 1 : 0
    }))
    const { outcome, sim } = await sync({ run: { tables, logLines: ['Syncing'] } })
    expect(outcome.tables).toHaveLength(1_500)
    expect(outcome.tables).toContainEqual({
      name: 'aws_table_1499',
      rows: 1_499,
      errors: 3,
      panics: 0
    })
    expect(outcome.tables).toContainEqual({ name: 'aws_table_0007', rows: 7, errors: 0, panics: 1 })
    expect(outcome.tablesWithErrors.map((table) => table.name)).toEqual(['aws_table_1499'])
    expect(sim.requestsTo('GET', `${RUN_STATUS}/tables`).map((r) => r.query.page)).toEqual([
      ['1'],
      ['2']
    ])
  })

  it('says why the tables are unknown when their listing fails, and still passes the run', async () => {
    const { outcome, log } = await sync({
      faults: [
        { match: { path: `${RUN_STATUS}/tables` }, kind: '503', count: 'always', retryAfter: 0 }
      ]
    })
    expect(outcome.verdict).toBe('pass')
    expect(outcome.tables).toBeUndefined()
    expect(outcome.tablesUnknown).toMatch(/503/)
    expect(log.some((line) => line.includes("Could not read the run's table statistics"))).toBe(
      true
    )
  })

  it('notices the end through the live stream at once, not at the next status check', async () => {
    // No history (so no expected duration) and a ten-minute poll interval: while the stream is
    // open the status is checked only that often, so only the stream's end can make the check
    // that sees the run finished come at the very instant it finished. (Without the stream the
    // start-up ramp would notice it at 255 s; without the wake, at the next check 600 s on.)
    const { outcome, sim } = await sync(
      { previousRuns: 0, run: { durationMs: 180_123 } },
      { pollIntervalMs: 600_000 }
    )
    expect(outcome.verdict).toBe('pass')
    const run = sim.runs.find((r) => r.origin === 'created')!
    const checks = sim.requestsTo('GET', RUN_STATUS)
    const streams = sim.requestsTo('GET', `${RUN_STATUS}/logs/live`)
    expect(streams.map((s) => [s.status, s.finishedAt])).toEqual([[200, run.terminalAt]])
    // Not one status check while the stream was open: the wait was on the stream alone...
    expect(
      checks.filter((c) => c.startedAt > streams[0].startedAt && c.startedAt < run.terminalAt)
    ).toEqual([])
    // ...and its end woke the wait: the status was read at the instant the run ended.
    const sawEnd = checks.find((c) => (c.responseBody as { status: string }).status === 'completed')
    expect(sawEnd?.startedAt).toBe(run.terminalAt)
  })
})

describe('a short run whose stream is not there before it starts', () => {
  it('looks again when logs/live answers 204 before the start, and notices the end within a second', async () => {
    // The spec answers 204 from logs/live until a run has started. Taken for an open stream, it
    // left the loop asleep for the whole poll interval, past the end of this 9 s run.
    const { outcome, sim } = await sync(
      {
        previousRuns: 0,
        liveLogsBeforeStart: 'no-content',
        run: { pendingMs: 1_000, startDelayMs: 2_000, durationMs: 5_000, ingestionDelayMs: 1_000 }
      },
      { pollIntervalMs: 15_000 }
    )
    expect(outcome.verdict).toBe('pass')
    const run = sim.runs.find((r) => r.origin === 'created')!
    const sawEnd = sim
      .requestsTo('GET', RUN_STATUS)
      .find((c) => (c.responseBody as { ingested?: boolean }).ingested === true)
    expect(sawEnd!.startedAt - run.ingestedAt!).toBeLessThanOrEqual(1_000)
    expect(sim.requestsTo('GET', RUN_STATUS).length).toBeLessThanOrEqual(8)
  })
})

describe('sync stage errors', () => {
  it('names the closest syncs when the sync does not exist', async () => {
    const error = await sync(
      { syncs: ['aws-prod', 'aws-dev', 'gcp-prod'] },
      { name: 'aws-prd' }
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PlatformError)
    expect((error as Error).message).toMatch(
      /Sync "aws-prd" was not found .*Did you mean "aws-prod"/
    )
  })

  it('explains a rejected key', async () => {
    const error = await withSimulator({ apiKey: 'another-key' }, (_sim, client, clock) =>
      runSyncStage(
        SYNC,
        { client, clock, log: createMemoryLogger(), redact: redactKey },
        managedObserver()
      ).catch((e: unknown) => e)
    )
    expect((error as PlatformError).status).toBe(401)
    expect((error as Error).message).toMatch(
      /API key was rejected: it is wrong, expired or revoked/
    )
  })

  it('explains a key whose role cannot start runs', async () => {
    const error = await sync({ forbidden: ['POST /syncs/{sync_name}/runs'] }).catch(
      (e: unknown) => e
    )
    expect((error as PlatformError).status).toBe(403)
    expect((error as Error).message).toMatch(/role lacks permission.*"ci" role/)
  })
})

describe('judgeRun', () => {
  const verdict = (run: Parameters<typeof judgeRun>[0], maxErrors?: number) => {
    return judgeRun(run, { name: 'aws-prod', maxErrors }, redactKey)
  }
  const base = { id: 'r1', sync_name: 'aws-prod', created_at: '2026-11-27T10:00:00Z', errors: 0 }

  it.each([
    [{ status: 'completed' }, 'pass'],
    [{ status: 'completed', status_reason: 'partial_success' }, 'pass'],
    [{ status: 'completed', status_reason: 'ingestion_failed' }, 'fail'],
    [{ status: 'failed', status_reason: 'error' }, 'fail'],
    [{ status: 'failed', status_reason: 'oom_killed' }, 'fail'],
    [{ status: 'cancelled' }, 'fail']
  ])('%j → %s', (fields, expected) => {
    expect(verdict({ ...base, ...fields }).verdict).toBe(expected)
  })

  it('redacts the key in a status reason before cutting it to a line', () => {
    // Cut first, the 60 characters kept would end inside the key, where no redactor finds it.
    const reason = `${'x'.repeat(55)}${TEST_KEY}`
    const [said] = verdict({ ...base, status: 'failed', status_reason: reason }).reasons
    expect(said).toContain(`(${'x'.repeat(55)}***)`)
    expect(said).not.toContain(TEST_KEY.slice(0, 5))
  })

  it('counts null errors as none', () => {
    expect(verdict({ ...base, status: 'completed', errors: null }, 0).verdict).toBe('pass')
  })
})

describe('a timed-out wait', () => {
  it('leaves a run it attached to running, saying so', async () => {
    const { outcome, sim, log } = await sync(
      { activeRun: { ageMs: 100, durationMs: 3_600_000 } },
      { timeoutMs: 10_000 }
    )
    expect(outcome.timedOut).toBe(true)
    expect(outcome.reasons.join(' ')).toMatch(/waited for it to finish/)
    expect(outcome.startedByAction).toBe(false)
    expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(0)
    expect(log.join('\n')).toMatch(/was not started by this action, so it is left running/)
  })

  it('leaves a run that finished but is not yet ingested as it is: there is nothing to cancel', async () => {
    const { outcome, sim } = await sync(
      { run: { durationMs: 5_000, ingestionDelayMs: 3_600_000 } },
      { timeoutMs: 30_000 }
    )
    expect(outcome.timedOut).toBe(true)
    expect(outcome.reasons.join(' ')).toMatch(
      /status "completed"\) — waited for its data to be ingested/
    )
    expect(outcome.cancelledByAction).toBe(false)
    expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(0)
  })
})

describe('sync stage under injected faults', () => {
  const POST_RUNS = { method: 'POST', path: '/syncs/{sync_name}/runs' }
  const GET_RUN = { method: 'GET', path: '/syncs/{sync_name}/runs/{sync_run_id}' }
  const LIST_RUNS = { method: 'GET', path: '/syncs/{sync_name}/runs' }

  it.each([
    ['a 503 on the POST', [{ match: POST_RUNS, kind: '503' as const }]],
    [
      'a reset after the run was created',
      [{ match: POST_RUNS, kind: 'reset-after-create' as const }]
    ],
    ['a reset of the POST before it was handled', [{ match: POST_RUNS, kind: 'reset' as const }]],
    [
      '429s with Retry-After in seconds',
      [{ match: GET_RUN, kind: '429' as const, count: 2, retryAfter: 1 }]
    ],
    [
      '429s with an HTTP-date Retry-After',
      [{ match: GET_RUN, kind: '429' as const, retryAfter: 'http-date' as const }]
    ],
    ["a proxy's 502 HTML page", [{ match: GET_RUN, kind: '502-html' as const, count: 2 }]],
    ['a connection reset while polling', [{ match: GET_RUN, kind: 'reset' as const, count: 2 }]],
    ['malformed JSON', [{ match: GET_RUN, kind: 'malformed-json' as const }]],
    ['a body cut short', [{ match: GET_RUN, kind: 'truncated' as const }]],
    [
      'an answer slower than the request timeout',
      [{ match: GET_RUN, kind: 'slow' as const, delayMs: 3000 }]
    ],
    ['a 503 listing runs', [{ match: LIST_RUNS, kind: '503' as const }]],
    [
      'a dropped live log stream',
      [
        {
          match: { path: '/syncs/{sync_name}/runs/{sync_run_id}/logs/live' },
          kind: 'reset' as const,
          count: 'always' as const
        }
      ]
    ]
  ])('%s still gives the clean result with exactly one run', async (_name, faults) => {
    // The request deadline is real time, and a slow answer only comes once the virtual clock moves
    // on, which it does not while the client waits: a short deadline keeps that wait short.
    const slow = faults.some((fault) => fault.kind === 'slow')
    const { outcome, sim } = await sync({ faults }, {}, slow ? { requestTimeoutMs: 250 } : {})
    expect(outcome.verdict).toBe('pass')
    expect(outcome.run).toMatchObject({ status: 'completed', ingested: true })
    expect(sim.runsStarted()).toBe(1)
    expect(sim.requests.filter((request) => request.fault).length).toBeGreaterThan(0)
  })

  it.each([
    ['attach', true],
    ['fail', true],
    ['start', false],
    ['queue', false]
  ] as const)(
    'with if-running: %s, the one run found after a lost start answer is its own: %s (and so cancelled on timeout, or not)',
    async (ifRunning, own) => {
      const { outcome, sim, log } = await sync(
        {
          run: { durationMs: 60_000 },
          faults: [{ match: POST_RUNS, kind: 'reset-after-create' }]
        },
        { ifRunning, timeoutMs: 10_000 }
      )
      expect(sim.runsStarted()).toBe(1)
      expect(outcome.timedOut).toBe(true)
      expect(outcome.startedByAction).toBe(own)
      expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(own ? 1 : 0)
      expect(log.join('\n')).toMatch(
        own
          ? /was created by the failed request; following it/
          : /another copy of this action may have started it: following it, though it will not be cancelled/
      )
    }
  )

  it('finds the run a lost start answer created past listed runs whose dates cannot be believed', async () => {
    const lost = [{ match: POST_RUNS, kind: 'reset-after-create' as const }]
    // A run the Platform dates a day ahead cannot be what the new run is compared with.
    const future = await sync({
      faults: lost,
      previousRuns: [
        { durationMs: 1000, ageMs: 0, extraFields: { created_at: '2099-01-01T00:00:00Z' } }
      ]
    })
    expect(future.sim.runsStarted()).toBe(1)
    expect(future.outcome.startedByAction).toBe(true)
    // Nor can a run whose date is no date.
    const unparseable = await sync({
      faults: lost,
      previousRuns: [{ durationMs: 1000, ageMs: 0, extraFields: { created_at: 'not a date' } }]
    })
    expect(unparseable.sim.runsStarted()).toBe(1)
  })

  it('never takes one of several runs that appeared after a lost start answer as its own', () =>
    withSimulator(
      {
        run: { ...RUN, durationMs: 60_000 },
        // The other workflow's start request comes first and goes through.
        faults: [{ match: POST_RUNS, kind: 'reset-after-create', after: 1 }]
      },
      async (sim, client, clock) => {
        // Another workflow starts a run of the same sync just as this action's start request is
        // carried out and its answer lost: two runs are new since the action listed the runs.
        const otherWorkflow = clientFor(sim, clock)
        const createRun = client.createRun.bind(client)
        client.createRun = async (syncName) => {
          await otherWorkflow.createRun(syncName)
          return createRun(syncName)
        }
        const log = createMemoryLogger()
        const outcome = await runSyncStage(
          { ...SYNC, timeoutMs: 10_000 },
          { client, clock, log, redact: redactKey },
          managedObserver()
        )
        otherWorkflow.dispose()

        expect(sim.runsStarted()).toBe(2)
        expect(outcome.timedOut).toBe(true)
        // Either run may be another workflow's: neither is cancelled.
        expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(0)
        const started = sim.runs.filter((run) => run.origin === 'created')
        expect(started.map((run) => run.status)).toEqual(['started', 'started'])
        expect(outcome.startedByAction).toBe(false)
        expect(log.lines.join('\n')).toMatch(
          /2 runs appeared since: following it, though it will not be cancelled/
        )
      }
    ))

  it.each([
    ['in seconds', 3, (sent: RecordedRequest) => sent.startedAt + 3000],
    [
      'as an HTTP-date',
      'http-date' as const,
      (sent: RecordedRequest) => Date.parse(sent.responseHeaders['retry-after'])
    ]
  ])('retries a 429 exactly when its Retry-After %s says', async (_form, retryAfter, due) => {
    const { sim } = await sync({ faults: [{ match: GET_RUN, kind: '429', retryAfter }] })
    const checks = sim.requestsTo('GET', RUN_STATUS)
    const limited = checks.findIndex((check) => check.status === 429)
    expect(limited).toBeGreaterThanOrEqual(0)
    expect(checks[limited + 1].startedAt).toBe(due(checks[limited]))
  })

  it('gives up when retries run out, naming the endpoint, status and server message', async () => {
    const error = await sync({
      faults: [{ match: GET_RUN, kind: '503', count: 'always' }]
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PlatformError)
    expect((error as Error).message).toMatch(
      /GET \/syncs\/aws-prod\/runs\/[0-9a-f-]+ failed with HTTP 503.*gave up after 5 attempts/
    )
  })

  it.each([
    [true, 1],
    [false, 0]
  ])(
    'when the run cannot be followed any more, cancels the run it started only as cancel-on-timeout (%s) says',
    (cancelOnTimeout, cancels) =>
      withSimulator(
        { run: RUN, faults: [{ match: GET_RUN, kind: '503', count: 'always' }] },
        async (sim, client, clock) => {
          const observer = managedObserver()
          const error = await runSyncStage(
            { ...SYNC, cancelOnTimeout },
            { client, clock, log: createMemoryLogger(), redact: redactKey },
            observer
          ).catch((e: unknown) => e)
          expect(error).toBeInstanceOf(PlatformError)
          expect(sim.requestsTo('PATCH', RUN_STATUS)).toHaveLength(cancels)
          const [run] = sim.runs.filter((r) => r.origin === 'created')
          expect(run.status === 'cancelled').toBe(cancels === 1)
        }
      )
  )
})
