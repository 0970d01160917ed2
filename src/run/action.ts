// One run of the action, from the parsed inputs to the published report: the preflight, the sync
// stage, the policy stage, and on a signal the cancel of what this action started. Everything that
// touches the world is passed in (the Platform client, the clock, the log, the signals, the
// publisher, the saver of the post step's state), so tests drive it on a virtual clock and fire a
// signal when they like. Whatever happens, the report says what was known, from one snapshot.

import { InputError, type ActionConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { oneLine, stripControls, type Redactor } from '../lib/log-safety.js'
import { messageOf } from '../lib/text.js'
import type { StageDeps } from '../platform/deps.js'
import { resolveSelection, type ResolvedSelection } from '../policies/select.js'
import { runPolicyStage } from '../policies/stage.js'
import {
  followAllExternal,
  latestCompletion,
  runAllSyncs,
  type SyncResult
} from '../sync/all-syncs.js'
import { whyPolicyDataIsIncomplete } from '../sync/completeness.js'
import type { SyncOutcome } from '../sync/outcome.js'
import type { StageName } from '../verdict/decide.js'
import { buildReport, effectivePolicies, stepResult, syncNames, type StepResult } from './report.js'
import type { ActionDeps, Publisher } from './deps.js'
import { cancelOnSignal } from './signal.js'
import { RunState, type RunSnapshot } from './state.js'

/** The state every run of the action starts from: one slot per sync named. */
export function initialState(
  config: ActionConfig,
  deps: Pick<ActionDeps, 'clock' | 'saveRuns'>
): RunState {
  const startedAt = new Date(deps.clock.now()).toISOString()
  return new RunState(config, startedAt, (runs) => deps.saveRuns(runs, false))
}

export async function runAction(
  config: ActionConfig,
  deps: ActionDeps,
  state = initialState(config, deps)
): Promise<StepResult> {
  const abort = new AbortController()
  const { client, clock, log, redact } = deps
  // What comes before the runs' waits is bounded by `timeout` too, counted from now.
  const startBy = {
    at: clock.now() + config.timeoutMs,
    what: `the ${formatDuration(config.timeoutMs)} of "timeout"`
  }
  const stageDeps: StageDeps = { client, clock, log, redact, signal: abort.signal, startBy }
  let published: ReturnType<Publisher> | undefined
  const publish: Publisher = (snapshot) => (published ??= publishOnce(snapshot, config, deps))
  let signalled: Promise<void> | undefined
  const uninstall = deps.onTermination((signal) => {
    signalled ??= cancelOnSignal(signal, { state, abort, deps, publish })
    return signalled
  })
  await runStages(config, state, stageDeps, deps.findBaselineArtifact)
  if (signalled) {
    await signalled
    return { failures: [], warnings: [], cancelled: true }
  }
  uninstall()
  deps.saveRuns(state.savedRuns(), true)
  const { report, problems } = await publish(state.snapshot(clock.now()))
  const clean = (message: string): string => stripControls(redact(message))
  return stepResult(report, problems, clean)
}

async function publishOnce(
  snapshot: RunSnapshot,
  config: ActionConfig,
  deps: ActionDeps
): ReturnType<Publisher> {
  const report = buildReport(snapshot, config)
  return { report, problems: await deps.publish(report) }
}

async function runStages(
  config: ActionConfig,
  state: RunState,
  deps: StageDeps,
  findBaseline: ActionDeps['findBaselineArtifact']
): Promise<void> {
  const resolved = await prepare(config, state, deps, findBaseline)
  if (!resolved) return
  await syncStage(config, state, deps)
  if (config.policies && !deps.signal?.aborted) await policyStage(config, state, deps, resolved)
}

/**
 * Before anything costly: the preflight (is this the Platform, is the key accepted), then the
 * baseline artifact and the policy selection's names, so that a mistake fails in seconds, not
 * after the sync.
 */
async function prepare(
  config: ActionConfig,
  state: RunState,
  deps: StageDeps,
  findBaseline: ActionDeps['findBaselineArtifact']
): Promise<ResolvedSelection | undefined> {
  const client = deps.startBy ? deps.client.within(deps.startBy) : deps.client
  const info = await attempt(state, 'platform', deps.redact, () => client.platformInfo())
  if (!info) return undefined
  const version = oneLine(deps.redact(info.version), 60)
  state.preflightPassed(version)
  deps.log.info(`CloudQuery Platform ${version} at ${config.apiBaseUrl}.`)
  if (!config.policies) return { groups: [] }
  const artifact = config.policies.baselineArtifact
  if (artifact && findBaseline) {
    const found = await findBaseline(artifact, config.policies)
    // The gate cannot judge without its baseline: an input error, which soft-fail never softens.
    if ('problem' in found) return void state.stageFailed('inputs', found.problem.message)
    state.baselineFound(found.baseline)
  }
  try {
    return await resolveSelection(client, config.policies, deps.redact)
  } catch (error) {
    const stage = error instanceof InputError ? 'inputs' : 'policies'
    state.stageFailed(stage, deps.redact(messageOf(error)))
    return undefined
  }
}

async function syncStage(config: ActionConfig, state: RunState, deps: StageDeps): Promise<void> {
  const names = syncNames(config)
  const onResult = (index: number, result: SyncResult): void => {
    if ('outcome' in result) return state.syncEnded(index, result.outcome)
    const message = deps.redact(messageOf(result.error))
    state.syncThrew(index, names.length > 1 ? `Sync "${names[index]}": ${message}` : message)
  }
  if (config.externalSyncs.length > 0) {
    await followAllExternal(config.externalSyncs, deps, (i) => state.externalObserver(i), onResult)
  } else {
    await runAllSyncs(config.syncs, deps, (i) => state.managedObserver(i), onResult)
  }
}

async function policyStage(
  config: ActionConfig,
  state: RunState,
  deps: StageDeps,
  resolved: ResolvedSelection
): Promise<void> {
  const { syncs, errors } = state.snapshot(deps.clock.now())
  const reason = whyPolicyDataIsIncomplete({
    names: syncNames(config),
    ifRunning: config.syncs[0]?.ifRunning,
    outcomes: syncs,
    otherStageFailed: errors.some((error) => error.stage !== 'sync'),
    syncStageThrew: errors.some((error) => error.stage === 'sync')
  })
  if (reason) {
    deps.log.info(`Policy stage skipped: ${reason}.`)
    return state.policiesNotRun(reason)
  }
  const followed = syncs.filter((sync): sync is SyncOutcome => sync !== undefined)
  const runCompletedAt = latestCompletion(followed)
  const policies = effectivePolicies(config.policies!, state.snapshot(deps.clock.now()))
  const outcome = await attempt(state, 'policies', deps.redact, () =>
    runPolicyStage(policies, deps, { runCompletedAt, resolved })
  )
  if (outcome) state.policiesDone(outcome)
}

/** The stage's result; undefined, its error noted, when it throws. */
async function attempt<T>(
  state: RunState,
  stage: StageName,
  redact: Redactor,
  body: () => Promise<T>
): Promise<T | undefined> {
  try {
    return await body()
  } catch (error) {
    state.stageFailed(stage, redact(messageOf(error)))
    return undefined
  }
}

/** The inputs could not be read: the report says which were wrong, one error each. */
export async function reportInputErrors(
  error: unknown,
  deps: Pick<ActionDeps, 'clock' | 'publish' | 'redact'>
): Promise<StepResult> {
  const state = new RunState(
    { syncs: [], externalSyncs: [] },
    new Date(deps.clock.now()).toISOString()
  )
  const messages = error instanceof InputError ? error.problems : [messageOf(error)]
  for (const message of messages) state.stageFailed('inputs', deps.redact(message))
  const problems = await deps.publish(buildReport(state.snapshot(deps.clock.now())))
  const clean = (message: string): string => stripControls(deps.redact(message))
  return {
    failures: [clean(messageOf(error))],
    warnings: problems.map((problem) => problem.message),
    // A problem on a line of a file in the repository is shown there too, in the PR's diff.
    onLines: (error instanceof InputError ? error.at : []).map((at) => ({
      ...at,
      message: clean(at.message)
    })),
    cancelled: false
  }
}
