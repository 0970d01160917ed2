// The action's main step. It only wires the steps together — inputs → platform client → sync →
// policies → verdict → report — and makes sure that whatever happens (a failed stage, a cancelled
// workflow) the outputs, job summary and JSON report say everything known at that moment.

import * as core from '@actions/core'
import {
  InputError,
  type ActionConfig,
  type ExternalSyncConfig,
  type PolicyConfig
} from './inputs/config.js'
import { defaultReportFile, envInputReader, parseInputs, writePlaces } from './inputs/parse.js'
import { isCleartextRemote } from './inputs/platform-url.js'
import { createCoreLogger, type Logger } from './lib/logger.js'
import { createRedactor, oneLine, stripControls, type Redactor } from './lib/log-safety.js'
import { systemClock } from './lib/poll.js'
import { onTermination, withTimeout } from './lib/termination.js'
import { formatDuration } from './lib/duration.js'
import { messageOf } from './lib/text.js'
import { PlatformClient, type Deadline } from './platform/client.js'
import type { StageDeps } from './platform/deps.js'
import type { ExternalSync } from './platform/types.js'
import { resolveSelection, type ResolvedSelection } from './policies/select.js'
import { runPolicyStage } from './policies/stage.js'
import { saveRunState } from './post.js'
import { publishReport } from './report/publish.js'
import { stageLabel, type ReportContext, type ReportError, type RunReport } from './report/model.js'
import {
  cancelStartedRuns,
  followAllExternal,
  latestCompletion,
  runAllSyncs,
  type SyncResult
} from './sync/all-syncs.js'
import type { SyncOutcome } from './sync/outcome.js'
import { whyPolicyDataIsIncomplete } from './sync/completeness.js'
import { interruptedExternal } from './sync/external-status.js'
import { interruptedOutcome, RunTracker } from './sync/tracker.js'
import { failureMessage } from './verdict/reasons.js'
import {
  decide,
  type GateSettings,
  type StageError,
  type StageName,
  type Verdict
} from './verdict/decide.js'
import { ACTION_VERSION } from './lib/version.js'

/** How long a cancelled workflow gives us: the runner sends SIGTERM 7.5 s after SIGINT. */
const CANCEL_DEADLINE_MS = 2_000
/**
 * How long a signal waits for the answer to a start request under way, so that the run it
 * created is known, saved for the post step and cancelled: most of the runner's grace, leaving
 * CANCEL_DEADLINE_MS for the cancel itself.
 */
const START_GRACE_MS = 5_000

/** What the stages found so far; the verdict and the report are made from it at any moment. */
interface Findings {
  startedAt: string
  errors: StageError[]
  cancelled: boolean
  /** By the order the workflow named the syncs; a gap for a sync whose stage has not ended. */
  syncs: (SyncOutcome | undefined)[]
  /** The last state seen of each CLI run being followed, for a report made on a signal. */
  externalSeen: (ExternalSync | undefined)[]
  policies?: RunReport['policies']
  policiesSkipped?: string
  platformVersion?: string
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Masked before anything else can print it, even a parse error.
  const rawKey = envInputReader(env)('api-key') ?? ''
  if (rawKey !== '') core.setSecret(rawKey)
  const redact = createRedactor([rawKey, rawKey.trim()])
  const log = createCoreLogger(redact)
  const findings: Findings = {
    startedAt: new Date().toISOString(),
    errors: [],
    cancelled: false,
    syncs: [],
    externalSeen: []
  }
  const context = reportContext(env)

  let config: ActionConfig
  try {
    config = parseInputs(envInputReader(env), env)
  } catch (error) {
    // One error per bad input, so the summary and the JSON report list them one by one.
    const messages = error instanceof InputError ? error.problems : [messageOf(error)]
    for (const message of messages) findings.errors.push(stageError('inputs', message, redact))
    // A problem on a line of a file in the repository is shown there too, in the PR's diff.
    for (const at of error instanceof InputError ? error.at : []) {
      core.error(stripControls(redact(at.message)), {
        title: 'Exceptions file error',
        file: at.file,
        startLine: at.line
      })
    }
    const reportFile = envInputReader(env)('report-file')?.trim() || defaultReportFile(env)
    const settings = {
      reportFile,
      jobSummary: true,
      annotations: false,
      writePlaces: writePlaces(env)
    }
    const problems = await publishReport(buildReport(findings), context, settings, { redact, log })
    for (const problem of problems) log.warning(problem.message)
    core.setFailed(stripControls(redact(messageOf(error))))
    return
  }
  if (isCleartextRemote(config.apiBaseUrl)) {
    log.warning(
      `"platform-url" uses plain http:// to a remote host: the API key travels in clear text. Use https://.`
    )
  }
  let published: Promise<Published> | undefined
  // Once: by the end of the run, or by the signal handler before it.
  const publish = (): Promise<Published> =>
    (published ??= publishFindings(findings, config, context, { redact, log }))
  await runStages(config, findings, { env, redact, log, publish })
}

interface Wiring {
  env: NodeJS.ProcessEnv
  redact: Redactor
  log: Logger
  /** Decides the verdict on the findings so far and publishes the report (once). */
  publish: () => Promise<Published>
}

/** The verdict, and the parts of the report that could not be written. */
interface Published {
  verdict: Verdict
  problems: ReportError[]
}

async function runStages(config: ActionConfig, findings: Findings, wiring: Wiring): Promise<void> {
  const { redact, log } = wiring
  const client = new PlatformClient({
    apiBaseUrl: config.apiBaseUrl,
    apiKey: config.apiKey,
    requestTimeoutMs: requestTimeoutOverride(wiring.env),
    debug: (message) => core.debug(redact(message))
  })
  const abort = new AbortController()
  // What comes before the runs' waits is bounded by `timeout` too, counted from the action's start.
  const beforeWaits: Deadline = {
    at: Date.parse(findings.startedAt) + config.timeoutMs,
    what: `the ${formatDuration(config.timeoutMs)} of "timeout"`
  }
  const deps: StageDeps = {
    client,
    clock: systemClock,
    log,
    signal: abort.signal,
    startBy: beforeWaits
  }
  // Each run's identity is saved as soon as it is known, so a killed process leaves it to the post step.
  const trackers: RunTracker[] = config.syncs.map(
    (sync) => new RunTracker(sync.name, () => saveRunState(trackers))
  )
  const removeSignalHandlers = onTermination(async (signal) => {
    log.warning(`Received ${signal}: the workflow was cancelled or timed out.`)
    abort.abort()
    await cancelOnSignal(findings, deps, { trackers, externalSyncs: config.externalSyncs }, wiring)
  })
  try {
    const resolved = await prepare(config, findings, deps, wiring)
    if (resolved) await syncStage(config, findings, deps, trackers, redact)
    if (resolved && config.policies && !abort.signal.aborted)
      await policyStage(config, findings, deps, redact, resolved)
  } finally {
    // After a signal the handler is still using the client to cancel the run, and exits itself.
    if (!abort.signal.aborted) client.dispose()
  }
  if (abort.signal.aborted) return
  removeSignalHandlers()
  saveRunState(trackers, true)
  const { verdict, problems } = await wiring.publish()
  if (verdict.result === 'fail') {
    const message = stripControls(redact(failureMessage(verdict.reasons)))
    // soft-fail softens breached thresholds only, never a failed sync, stale data or a mistake.
    if (verdict.softened) {
      log.warning(`The gate failed, but "soft-fail" is true, so the step passes: ${message}`)
    } else {
      core.setFailed(message)
    }
  }
  // A report file that later steps cannot read fails the step whatever the verdict (and soft-fail,
  // which is about the gate) says: the `result` output still tells the gate's verdict.
  for (const problem of problems) {
    core.setFailed(
      stripControls(
        redact(
          `${stageLabel(problem.stage)}: ${problem.message} (the gate's result: ${verdict.result}).`
        )
      )
    )
  }
}

/**
 * Before anything costly: the preflight (is this the Platform, is the key accepted), then the
 * policy selection's names and the baseline artifact, so that a mistake fails in seconds, not
 * after the sync.
 */
async function prepare(
  config: ActionConfig,
  findings: Findings,
  deps: StageDeps,
  { redact, env }: Wiring
): Promise<ResolvedSelection | undefined> {
  const client = deps.startBy ? deps.client.within(deps.startBy) : deps.client
  const info = await stage(findings, 'platform', redact, () => client.platformInfo())
  if (!info) return undefined
  findings.platformVersion = oneLine(info.version, 60)
  deps.log.info(`CloudQuery Platform ${findings.platformVersion} at ${config.apiBaseUrl}.`)
  if (!config.policies) return { groups: [] }
  const artifact = config.policies.baselineArtifact
  if (artifact) {
    const { githubToken: token } = config.report
    // Evaluated (with the zip reader) only by the runs that use it: the others start as before.
    const { baselineFromArtifact } = await import(/* webpackMode: "eager" */ './baseline/stage.js')
    const found = await baselineFromArtifact(
      artifact,
      { token, selection: config.policies },
      env,
      deps.log
    )
    if ('problem' in found) {
      // The gate cannot judge without its baseline: an input error, which soft-fail never softens.
      findings.errors.push(stageError('inputs', found.problem.message, redact))
      return undefined
    }
    config.policies.baseline = found.baseline
  }
  try {
    return await resolveSelection(client, config.policies)
  } catch (error) {
    findings.errors.push(
      stageError(error instanceof InputError ? 'inputs' : 'policies', error, redact)
    )
    return undefined
  }
}

async function syncStage(
  config: ActionConfig,
  findings: Findings,
  deps: StageDeps,
  trackers: RunTracker[],
  redact: Redactor
): Promise<void> {
  const names = syncNames(config)
  const onResult = (index: number, result: SyncResult): void => {
    // After a signal the handler owns findings.syncs and may be publishing them at this moment: an
    // outcome assigned now would make the JSON report and the summary disagree.
    if (deps.signal?.aborted) return
    if ('outcome' in result) {
      findings.syncs[index] = result.outcome
      return
    }
    const error = stageError('sync', result.error, redact)
    if (names.length > 1) error.message = `Sync "${names[index]}": ${error.message}`
    findings.errors.push(error)
    // A managed run it knew of is reported, as failed; a CLI run has no tracker.
    const tracker = trackers[index]
    findings.syncs[index] = tracker && interruptedOutcome(tracker, config.syncs[index].wait)
  }
  const seen = (index: number, sync: ExternalSync): void => {
    findings.externalSeen[index] = sync
  }
  if (config.externalSyncs.length > 0)
    await followAllExternal(config.externalSyncs, deps, onResult, seen)
  else await runAllSyncs(config.syncs, deps, trackers, onResult)
}

async function policyStage(
  config: ActionConfig,
  findings: Findings,
  deps: StageDeps,
  redact: Redactor,
  resolved: ResolvedSelection
): Promise<void> {
  const reason = whyPolicyDataIsIncomplete({
    names: syncNames(config),
    ifRunning: config.syncs[0]?.ifRunning,
    outcomes: findings.syncs,
    otherStageFailed: findings.errors.some((error) => error.stage !== 'sync'),
    syncStageThrew: findings.errors.some((error) => error.stage === 'sync')
  })
  if (reason) {
    deps.log.info(`Policy stage skipped: ${reason}.`)
    findings.policiesSkipped = reason
    return
  }
  const runCompletedAt = latestCompletion(followedRuns(findings))
  findings.policies = await stage(findings, 'policies', redact, () =>
    runPolicyStage(config.policies!, deps, { runCompletedAt, resolved })
  )
}

/**
 * Cancels the runs this action started and publishes what is known, each within the deadline. A
 * CLI run being followed is reported as last seen, and never cancelled.
 */
async function cancelOnSignal(
  findings: Findings,
  deps: StageDeps,
  { trackers, externalSyncs }: { trackers: RunTracker[]; externalSyncs: ExternalSyncConfig[] },
  wiring: Wiring
): Promise<void> {
  findings.cancelled = true
  await withTimeout(Promise.all(trackers.map((tracker) => tracker.startSettled())), START_GRACE_MS)
  const cancelled = await withTimeout(cancelStartedRuns(deps, trackers), CANCEL_DEADLINE_MS)
  trackers.forEach((tracker, index) => {
    if (!tracker.runId) return
    const cancelledByAction = !!cancelled?.[index]
    const known = findings.syncs[index]
    // A run already reported (not awaited, or left running after a timeout) may just have been
    // cancelled too: the report says so, with the state the cancel answered.
    if (known) {
      if (cancelledByAction)
        findings.syncs[index] = { ...known, run: tracker.run, cancelledByAction }
      return
    }
    findings.syncs[index] = { ...interruptedOutcome(tracker, true)!, cancelledByAction }
  })
  externalSyncs.forEach(({ id }, index) => {
    findings.syncs[index] ??= interruptedExternal(id, findings.externalSeen[index])
  })
  await withTimeout(wiring.publish(), CANCEL_DEADLINE_MS)
}

async function stage<T>(
  findings: Findings,
  name: StageName,
  redact: Redactor,
  body: () => Promise<T>
): Promise<T | undefined> {
  try {
    return await body()
  } catch (error) {
    findings.errors.push(stageError(name, error, redact))
    return undefined
  }
}

function syncNames(config: ActionConfig | undefined): string[] {
  if (config?.externalSyncs.length) return config.externalSyncs.map((external) => external.id)
  return config?.syncs.map((sync) => sync.name) ?? []
}

function followedRuns(findings: Findings): SyncOutcome[] {
  return findings.syncs.filter((sync): sync is SyncOutcome => sync !== undefined)
}

async function publishFindings(
  findings: Findings,
  config: ActionConfig,
  context: ReportContext,
  deps: { redact: Redactor; log: Logger }
): Promise<Published> {
  const report = buildReport(findings, config)
  const problems = await publishReport(report, context, config.report, deps)
  return { verdict: report.verdict, problems }
}

function buildReport(findings: Findings, config?: ActionConfig): RunReport {
  const { startedAt, errors, cancelled, policies, policiesSkipped, platformVersion } = findings
  const syncs = followedRuns(findings)
  const now = new Date()
  const gate = config?.policies && gateSettings(config.policies, now)
  return {
    schemaVersion: 1,
    actionVersion: ACTION_VERSION,
    verdict: decide({
      cancelled,
      errors,
      syncs,
      policies,
      gate,
      softFail: config?.report.softFail ?? false
    }),
    softFail: config?.report.softFail ?? false,
    platformUrl: config?.apiBaseUrl,
    platformVersion,
    startedAt,
    finishedAt: now.toISOString(),
    syncs,
    policies,
    policiesSkipped,
    syncNames: syncNames(config),
    externalSync: (config?.externalSyncs.length ?? 0) > 0,
    errors: [...errors],
    cancelled,
    thresholds: config?.policies?.thresholds,
    gateOn: config?.policies?.gateOn,
    evaluationMode: config?.policies?.evaluation,
    baselineSource: config?.policies?.baseline && {
      path: config.policies.baseline.path,
      artifact: config.policies.baseline.artifact
    }
  }
}

/** The gate's settings; "today" for the exceptions comes from the clock, as a value. */
function gateSettings(policies: PolicyConfig, now: Date): GateSettings {
  const { thresholds, gateOn, baseline, exceptions } = policies
  if (!baseline && !exceptions) return { thresholds, gateOn }
  const { maxExceptionDays, baselineMaxAgeDays } = policies
  const today = now.toISOString().slice(0, 10)
  return {
    thresholds,
    gateOn,
    resources: { baseline, exceptions, maxExceptionDays, baselineMaxAgeDays, today }
  }
}

function stageError(stage: StageName, error: unknown, redact: Redactor): StageError {
  return { stage, message: redact(messageOf(error)) }
}

function reportContext(env: NodeJS.ProcessEnv): ReportContext {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  return {
    workflowRunUrl:
      server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
  }
}

/**
 * Test hook, not an input: `CQ_REQUEST_TIMEOUT_MS` shortens the per-request deadline (30 s) so the
 * bundle tests can prove that an answer slower than it is retried (see CONTRIBUTING.md).
 */
function requestTimeoutOverride(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.CQ_REQUEST_TIMEOUT_MS?.trim()
  return value && /^[1-9]\d*$/.test(value) ? Number(value) : undefined
}
