// The action's main step. It only parses the inputs, builds what the run needs from the process it
// runs in (the Platform client, the clock, the log, the signals, the publisher, the post step's
// state) and runs it (run/action.ts), then fails the step or not as the run says.

import * as core from '@actions/core'
import type { ActionConfig } from './inputs/config.js'
import { defaultReportFile, envInputReader, parseInputs, writePlaces } from './inputs/parse.js'
import { isCleartextRemote } from './inputs/platform-url.js'
import { createRedactor, type Redactor } from './lib/log-safety.js'
import { createCoreLogger, type Logger } from './lib/logger.js'
import { systemClock } from './lib/poll.js'
import { onTermination } from './lib/termination.js'
import { PlatformClient } from './platform/client.js'
import { saveRunState } from './post.js'
import type { ReportContext } from './report/model.js'
import { publishReport, type PublishSettings } from './report/publish.js'
import { reportInputErrors, runAction } from './run/action.js'
import type { ActionDeps } from './run/deps.js'
import type { StepResult } from './run/report.js'

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Masked before anything else can print it, even a parse error.
  const rawKey = envInputReader(env)('api-key') ?? ''
  if (rawKey !== '') core.setSecret(rawKey)
  const redact = createRedactor([rawKey, rawKey.trim()])
  const log = createCoreLogger(redact)
  const context = reportContext(env)
  let config: ActionConfig
  try {
    config = parseInputs(envInputReader(env), env)
  } catch (error) {
    const reportFile = envInputReader(env)('report-file')?.trim() || defaultReportFile(env)
    const settings = {
      reportFile,
      jobSummary: true,
      annotations: false,
      writePlaces: writePlaces(env)
    }
    const publish = publisher(context, settings, { redact, log })
    return finish(await reportInputErrors(error, { clock: systemClock, publish, redact }), log)
  }
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
  const deps: ActionDeps = {
    client,
    clock: systemClock,
    log,
    redact,
    onTermination,
    publish: publisher(context, config.report, { redact, log }),
    saveRuns: saveRunState,
    findBaselineArtifact: async (name, selection) => {
      // Evaluated (with the zip reader) only by the runs that use it: the others start as before.
      const { baselineFromArtifact } = await import(
        /* webpackMode: "eager" */ './baseline/stage.js'
      )
      return baselineFromArtifact(name, { token: config.report.githubToken, selection }, env, log)
    }
  }
  try {
    finish(await runAction(config, deps), log)
  } finally {
    client.dispose()
  }
}

function publisher(
  context: ReportContext,
  settings: PublishSettings,
  deps: { redact: Redactor; log: Logger }
): ActionDeps['publish'] {
  return (report) => publishReport(report, context, settings, deps)
}

/** After a signal the process exits non-zero by itself (lib/termination.ts). */
function finish(result: StepResult, log: Logger): void {
  for (const warning of result.warnings) log.warning(warning)
  for (const { file, line, message } of result.onLines ?? []) {
    core.error(message, { title: 'Exceptions file error', file, startLine: line })
  }
  for (const failure of result.failures) core.setFailed(failure)
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
