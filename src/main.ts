// The action's main step. It only wires the stages together — inputs → platform client → sync →
// policies → gate → report — and makes sure that whatever happens (a failed stage, a cancelled
// workflow) the outputs, job summary and JSON report say everything known at that moment.

import * as core from '@actions/core'
import {
  defaultReportFile,
  envInputReader,
  isCleartextRemote,
  parseInputs,
  type ActionConfig
} from './inputs/parse.js'
import { createCoreLogger } from './lib/logger.js'
import { createRedactor, type Redactor } from './lib/log-safety.js'
import { PlatformClient } from './platform/client.js'
import {
  cancelStartedRun,
  initialOutcome,
  runSyncStage,
  type RunTracker,
  type SyncOutcome
} from './sync/stage.js'
import { runPolicyStage } from './policies/stage.js'
import { systemClock, type Clock } from './lib/poll.js'
import { publishReport, type ReportContext } from './report/publish.js'
import { failureReasons, type RunReport, type StageError } from './report/model.js'
import { ACTION_VERSION } from './version.js'
import { saveRunState } from './post.js'

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  clock?: Clock
  /** Installs the SIGINT/SIGTERM handlers (off in tests that call run() in-process). */
  handleSignals?: boolean
}

/** How long a cancelled workflow gives us: the runner sends SIGTERM 7.5 s after SIGINT. */
const CANCEL_DEADLINE_MS = 2_000

export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env
  const clock = options.clock ?? systemClock
  // Masked before anything else can print it, even a parse error.
  const rawKey = envInputReader(env)('api-key') ?? ''
  if (rawKey !== '') core.setSecret(rawKey)
  const redact = createRedactor([rawKey, rawKey.trim()])
  const log = createCoreLogger(redact)
  const report: RunReport = {
    schemaVersion: 1,
    actionVersion: ACTION_VERSION,
    result: 'pass',
    softFail: false,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    errors: [],
    cancelled: false
  }
  const context = reportContext(env)

  let config: ActionConfig
  try {
    config = parseInputs(envInputReader(env), env)
  } catch (error) {
    report.errors.push(stageError('inputs', error, redact))
    report.finishedAt = new Date().toISOString()
    const reportFile = envInputReader(env)('report-file')?.trim() || defaultReportFile(env)
    const settings = { reportFile, jobSummary: true, annotations: false }
    await publishReport(report, context, settings, { redact, log })
    core.setFailed(redact(messageOf(error)))
    return
  }
  report.platformUrl = config.apiBaseUrl
  report.softFail = config.report.softFail
  report.syncName = config.sync?.name
  report.thresholds = config.policies?.thresholds
  report.gateOn = config.policies?.gateOn
  report.evaluationMode = config.policies?.evaluation
  if (isCleartextRemote(config.apiBaseUrl)) {
    log.warning(
      `"platform-url" uses plain http:// to a remote host: the API key travels in clear text. Use https://.`
    )
  }

  const client = new PlatformClient({
    apiBaseUrl: config.apiBaseUrl,
    apiKey: config.apiKey,
    requestTimeoutMs: requestTimeoutOverride(env),
    debug: (message) => core.debug(redact(message))
  })
  const abort = new AbortController()
  const tracker: RunTracker = {
    syncName: config.sync?.name ?? '',
    startedByAction: false,
    onRunKnown: (known) => saveRunState(known)
  }
  let published = false
  const publish = async (): Promise<void> => {
    if (published) return
    published = true
    report.finishedAt = new Date().toISOString()
    await publishReport(report, context, config.report, { redact, log })
  }
  const removeSignalHandlers =
    options.handleSignals === false
      ? () => undefined
      : onTermination(async (signal) => {
          log.warning(`Received ${signal}: the workflow was cancelled or timed out.`)
          abort.abort()
          report.cancelled = true
          const cancelled = await withTimeout(
            (async () => {
              if (!tracker.runId) await tracker.pendingStart
              return cancelStartedRun(client, tracker, log)
            })(),
            CANCEL_DEADLINE_MS
          )
          // The report shows the run as the cancel left it, not as the last poll saw it.
          if (cancelled && tracker.run) tracker.run = { ...tracker.run, ...cancelled }
          if (report.sync === undefined && tracker.runId) {
            report.sync = { ...partialSyncOutcome(tracker), cancelledByAction: !!cancelled }
          }
          await withTimeout(publish(), CANCEL_DEADLINE_MS)
        })

  try {
    if (config.sync) {
      const sync = await runStage(report, 'sync', redact, () =>
        runSyncStage(config.sync!, { client, clock, log, signal: abort.signal }, tracker)
      )
      // After a signal the handler owns report.sync and may be publishing it at this moment: an
      // outcome assigned now would make the JSON report and the summary disagree.
      if (!abort.signal.aborted) {
        report.sync = sync ?? (tracker.runId ? partialSyncOutcome(tracker) : undefined)
      }
    }
    if (config.policies && !abort.signal.aborted) {
      const reason = policySkipReason(config, report.sync, report.errors.length > 0)
      if (reason) {
        log.info(`Policy stage skipped: ${reason}.`)
        report.policiesSkipped = reason
      } else {
        report.policies = await runStage(report, 'policies', redact, () =>
          runPolicyStage(
            config.policies!,
            { client, clock, log, signal: abort.signal },
            {
              runCompletedAt: report.sync?.run?.completed_at ?? undefined
            }
          )
        )
      }
    }
  } finally {
    // After a signal the handler is still using the client to cancel the run, and exits itself.
    if (!abort.signal.aborted) client.dispose()
  }
  if (abort.signal.aborted) return
  removeSignalHandlers()
  saveRunState(tracker, true)
  await publish()
  if (report.result === 'fail' && !config.report.softFail) {
    core.setFailed(redact(failureMessage(report)))
  } else if (report.result === 'fail') {
    log.warning(
      `The gate failed, but "soft-fail" is true, so the step passes: ${redact(failureMessage(report))}`
    )
  }
}

async function runStage<T>(
  report: RunReport,
  stage: StageError['stage'],
  redact: Redactor,
  body: () => Promise<T>
): Promise<T | undefined> {
  try {
    return await body()
  } catch (error) {
    report.errors.push(stageError(stage, error, redact))
    return undefined
  }
}

/** Policy results mean nothing for a run that failed or was not awaited. */
function policySkipReason(
  config: ActionConfig,
  sync: SyncOutcome | undefined,
  earlierError: boolean
): string | undefined {
  if (!config.sync) return undefined
  if (earlierError || !sync) return 'the sync stage did not finish'
  if (!sync.waited)
    return 'the run was not awaited (wait: false), so its data is not in the results yet'
  if (sync.verdict === 'fail')
    return 'the sync run failed, so the policy results would not reflect it'
  return undefined
}

/** A stage that threw, or was interrupted, still reports the run it knew about. */
function partialSyncOutcome(tracker: RunTracker): SyncOutcome {
  return { ...initialOutcome(tracker), verdict: 'fail' }
}

/** One line for the step's failure: the annotations and the summary carry the details. */
function failureMessage(report: RunReport): string {
  const reasons = failureReasons(report)
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more reason(s))` : ''
  return `CloudQuery Platform gate failed: ${reasons[0] ?? 'see the job summary'}${more}. See the job summary for details.`
}

function stageError(stage: StageError['stage'], error: unknown, redact: Redactor): StageError {
  return { stage, message: redact(messageOf(error)) }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function reportContext(env: NodeJS.ProcessEnv): ReportContext {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  return {
    workflowRunUrl:
      server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined
  }
}

/** Runs `handler` once on SIGINT or SIGTERM, then exits; returns a function that uninstalls it. */
function onTermination(handler: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let handling = false
  const listener = (signal: NodeJS.Signals): void => {
    if (handling) return
    handling = true
    // A signal listener cannot be awaited; exiting in finally() also ends a handler that rejects.
    void handler(signal).finally(() => process.exit(1))
  }
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
