// Section 1: how soon the action notices a run's end, and what its waiting costs in requests.

import { runAction } from '../action-runner.js'
import {
  BASELINE_AGENT,
  BASELINE_INTERVALS_MS,
  REPETITIONS,
  RUN_LENGTHS,
  SPAWN_STAGGER_MS,
  SYNC_REPS
} from './config.js'
import { baselineAgent, fixedPoller } from './fixed-poller.js'
import { endLine, followedScenario, followFigures, type FollowedSync } from './followed-run.js'
import { lineSplitter, progress, sleep } from './measure.js'
import type { LaunchSimulators, SimReport } from './simulator-process.js'

interface Variant {
  key: string
  totalMs: number
  liveLogs: 'close-at-end' | 'unsupported'
  baselines: boolean
}

interface Observer {
  label: string
  /** When it saw the run finished (and ingested). */
  seenAt?: number
  /** Picks this observer's requests out of the simulator's record. */
  userAgent: (agent: string) => boolean
}

interface SyncJob {
  variant: Variant
  rep: number
  simIndex: number
  syncName: string
  runId?: string
  action: Observer
  baselines: Observer[]
  exitCode?: number | null
}

export interface SyncMeasurement extends FollowedSync {
  variant: string
  observer: string
  syncName: string
}

async function runSyncJob(job: SyncJob, url: string, apiKey: string): Promise<void> {
  const pollers: Promise<void>[] = []
  let finishedLine: RegExp | undefined
  const onLine = (line: string, at: number): void => {
    const started = /^Started run ([0-9a-f-]{36}) of sync /.exec(line)
    if (started && job.runId === undefined) {
      const runId = (job.runId = started[1])
      finishedLine = endLine(runId)
      for (const [i, interval] of BASELINE_INTERVALS_MS.entries()) {
        if (!job.variant.baselines) break
        const poller = fixedPoller(url, apiKey, job.syncName, runId, interval)
        pollers.push(poller.then((at) => void (job.baselines[i].seenAt = at)))
      }
    }
    if (finishedLine?.test(line) && job.action.seenAt === undefined) job.action.seenAt = at
  }
  const result = await runAction({
    inputs: { 'platform-url': url, 'api-key': apiKey, 'sync-name': job.syncName },
    onStdout: lineSplitter(onLine),
    timeoutMs: job.variant.totalMs + 5 * 60_000
  })
  job.exitCode = result.exitCode
  await Promise.all(pollers)
  if (job.action.seenAt === undefined) {
    progress(`${job.variant.key}/${job.syncName}: the action never logged the run's end`)
    process.stderr.write(result.stdout.slice(-3000))
  }
}

/** Every run of section 1, repetition by repetition, each with the simulator it will use. */
function syncJobs(): SyncJob[] {
  const variants: Variant[] = RUN_LENGTHS.flatMap(({ label, totalMs }) => [
    { key: `live-${label}`, totalMs, liveLogs: 'close-at-end', baselines: true },
    { key: `no-live-${label}`, totalMs, liveLogs: 'unsupported', baselines: false }
  ])
  // One simulator per run: each repetition has its own history and ingestion time.
  const jobs: SyncJob[] = variants.flatMap((variant) =>
    REPETITIONS.slice(0, SYNC_REPS).map((_, rep) => ({
      variant,
      rep,
      simIndex: 0,
      syncName: `aws-bench-${rep + 1}`,
      action: { label: 'action', userAgent: (agent: string) => !agent.startsWith(BASELINE_AGENT) },
      baselines: BASELINE_INTERVALS_MS.map((interval) => ({
        label: `fixed-${interval / 1000}s`,
        userAgent: (agent: string) => agent === baselineAgent(interval)
      }))
    }))
  )
  // Repetition by repetition, so that runs started next to each other are of different kinds.
  jobs.sort((a, b) => a.rep - b.rep)
  jobs.forEach((job, index) => (job.simIndex = index))
  return jobs
}

/** What each observer of one run saw, from the simulator's record of that run. */
function jobMeasurements(job: SyncJob, report: SimReport): SyncMeasurement[] {
  const measurements: SyncMeasurement[] = []
  for (const observer of [job.action, ...(job.variant.baselines ? job.baselines : [])]) {
    if (observer.seenAt === undefined || job.runId === undefined) continue
    const figures = followFigures(report, job.runId, observer.seenAt, observer.userAgent)
    if (!figures) {
      progress(`${job.variant.key}/${job.syncName}: no run or no run-terminal event`)
      return []
    }
    const { summary, timeline, ...measured } = figures
    const measurement = {
      variant: job.variant.key,
      observer: observer.label,
      syncName: job.syncName,
      ...measured
    }
    measurements.push(measurement)
    progress(
      `${measurement.variant} ${measurement.syncName} ${measurement.observer}: ${summary}, exit ${job.exitCode}`
    )
    if (observer === job.action) progress(`  ${timeline}`)
  }
  return measurements
}

export async function measureSyncs(launch: LaunchSimulators): Promise<SyncMeasurement[]> {
  const jobs = syncJobs()
  const sims = await launch(
    jobs.map((job) =>
      followedScenario(
        [{ name: job.syncName, totalMs: job.variant.totalMs, ...REPETITIONS[job.rep] }],
        job.variant.liveLogs
      )
    )
  )
  try {
    const longest = Math.max(...RUN_LENGTHS.map((length) => length.totalMs))
    progress(
      `section 1: ${jobs.length} action runs at once (${SYNC_REPS} per variant), ~${Math.round((longest + jobs.length * SPAWN_STAGGER_MS) / 60_000 + 0.5)} min`
    )
    await Promise.all(
      jobs.map(async (job, i) => {
        await sleep(i * SPAWN_STAGGER_MS)
        await runSyncJob(job, sims.urls[job.simIndex], sims.apiKeys[job.simIndex])
      })
    )
    // One question at a time: the child answers in order.
    const reports: SimReport[] = []
    for (const index of jobs.keys()) reports.push(await sims.report(index))
    return jobs.flatMap((job) => jobMeasurements(job, reports[job.simIndex]))
  } finally {
    await sims.close()
  }
}
