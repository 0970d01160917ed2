// Section 4 (issue 13): ten syncs of 3 minutes followed in one step. Per sync, how soon the step
// notices its run's end and what waiting for it costs in status requests; per step, the peak RSS
// against the same action following one sync of the same scenario.

import type { Scenario } from '../../simulator/scenario.js'
import {
  REPETITIONS,
  SEVERAL_SYNCS,
  SEVERAL_SYNCS_END_STEP_MS,
  SEVERAL_SYNCS_RUN,
  severalSyncsIngestionMs,
  SPAWN_STAGGER_MS,
  SYNC_REPS
} from './config.js'
import {
  endLine,
  followedScenario,
  followFigures,
  type FollowedSync,
  type SimulatedSync
} from './followed-run.js'
import { megabytes, progress, sleep } from './measure.js'
import { runMeasured, type TimedRun } from './measured-run.js'
import type { LaunchSimulators, SimReport } from './simulator-process.js'

const SYNC_NAMES = Array.from({ length: SEVERAL_SYNCS }, (_, k) => `aws-bench-${k + 1}`)

/** One action process: every sync of the scenario, or only the first, to compare with. */
interface Step {
  rep: number
  syncs: string[]
}

export interface SyncFigures extends FollowedSync {
  syncName: string
}

export interface StepMeasurement {
  rep: number
  /** How many syncs the step was given to follow. */
  syncCount: number
  peakRssBytes?: number
  exitCode: number | null
  /** One per sync whose end the step logged; fewer than `syncCount` when one never was. */
  syncs: SyncFigures[]
}

/** Sync k of a repetition: its own end, ingestion and earlier runs (the repetitions' in turn). */
function simulatedSync(k: number, rep: number): SimulatedSync {
  const offset = (k - (SEVERAL_SYNCS - 1) / 2) * SEVERAL_SYNCS_END_STEP_MS
  return {
    name: SYNC_NAMES[k],
    totalMs: Math.round(SEVERAL_SYNCS_RUN.totalMs + offset),
    ingestionMs: severalSyncsIngestionMs(k, rep),
    history: REPETITIONS[(rep + k) % REPETITIONS.length].history
  }
}

/**
 * The same scenario for both steps of a repetition, with nothing violating, so that the gate
 * passes and exit 0 says that every sync completed and passed.
 */
function stepScenario(rep: number): Scenario {
  return {
    ...followedScenario(
      SYNC_NAMES.map((_, k) => simulatedSync(k, rep)),
      'close-at-end'
    ),
    policyGen: { violating: 0, totalViolations: 0 }
  }
}

/** Per repetition, the step following every sync, then the one following the first alone. */
function steps(): Step[] {
  return Array.from({ length: SYNC_REPS }, (_, rep) => [
    { rep, syncs: SYNC_NAMES },
    { rep, syncs: SYNC_NAMES.slice(0, 1) }
  ]).flat()
}

const stepLabel = (step: Step): string =>
  `${step.syncs.length} sync${step.syncs.length === 1 ? '' : 's'}, repetition ${step.rep + 1}`

/** One sync's figures: its run from the simulator's record, its end from the step's stdout. */
function syncFigures(
  step: Step,
  syncName: string,
  action: TimedRun,
  report: SimReport
): SyncFigures | undefined {
  const created = report.runs.filter((r) => r.origin === 'created')
  const run = created.find((r) => r.syncName === syncName)
  if (!run) return undefined
  const pattern = endLine(run.id, step.syncs.length > 1 ? syncName : undefined)
  const seen = action.lines.find(({ line }) => pattern.test(line))
  const figures = seen && followFigures(report, run.id, seen.at)
  if (!figures) return undefined
  const { summary, timeline, ...measured } = figures
  // The step's runs side by side: each one's times are from its own creation, which is this late.
  const offset = run.createdAt - Math.min(...created.map((r) => r.createdAt))
  progress(`${stepLabel(step)} ${syncName}: ${summary}`)
  progress(`  created at +${(offset / 1000).toFixed(2)} s; ${timeline}`)
  return { syncName, ...measured }
}

function stepMeasurement(step: Step, action: TimedRun, report: SimReport): StepMeasurement {
  const syncs: SyncFigures[] = []
  for (const syncName of step.syncs) {
    const figures = syncFigures(step, syncName, action, report)
    if (figures) syncs.push(figures)
    else progress(`${stepLabel(step)} ${syncName}: no run, no end logged, or it never settled`)
  }
  const rss = action.peakRssBytes === undefined ? 'unknown' : megabytes(action.peakRssBytes)
  progress(`${stepLabel(step)}: peak RSS ${rss}, exit ${action.exitCode}`)
  // A passing gate is the scenario's: any other exit, or a missing sync, is worth reading.
  if (action.exitCode !== 0 || syncs.length < step.syncs.length) {
    process.stderr.write(`${action.lines.map(({ line }) => line).join('\n')}\n${action.stderr}`)
  }
  return {
    rep: step.rep,
    syncCount: step.syncs.length,
    peakRssBytes: action.peakRssBytes,
    exitCode: action.exitCode,
    syncs
  }
}

/**
 * Every step at once, each against its own simulator (in one child process), spawned
 * SPAWN_STAGGER_MS apart; each process under GNU time for its peak RSS.
 */
export async function measureSeveralSyncs(launch: LaunchSimulators): Promise<StepMeasurement[]> {
  const all = steps()
  const sims = await launch(all.map((step) => stepScenario(step.rep)))
  try {
    progress(
      `section 4: ${all.length} action runs at once (${SYNC_REPS} following ${SEVERAL_SYNCS} syncs, ${SYNC_REPS} following 1), ~${Math.round(SEVERAL_SYNCS_RUN.totalMs / 60_000 + 1)} min`
    )
    const runs = await Promise.all(
      all.map(async (step, i) => {
        await sleep(i * SPAWN_STAGGER_MS)
        const inputs = {
          'platform-url': sims.urls[i],
          'api-key': sims.apiKeys[i],
          'sync-name': step.syncs.join('\n')
        }
        return runMeasured(inputs, SEVERAL_SYNCS_RUN.totalMs + 5 * 60_000)
      })
    )
    const results: StepMeasurement[] = []
    // One question at a time: the child answers in order.
    for (const [i, step] of all.entries()) {
      results.push(stepMeasurement(step, runs[i], await sims.report(i)))
    }
    return results
  } finally {
    await sims.close()
  }
}
