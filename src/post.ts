// The post step (`post-if: cancelled()`): a second line of defence when the main step was killed
// before it could cancel the run it started. It reads the runs the main step's state saved (as
// each became known) and cancels those it started that are still active. A run the action merely
// attached to is never touched.

import * as core from '@actions/core'
import { parsePlatformUrl } from './inputs/platform-url.js'
import { createCoreLogger, type Logger } from './lib/logger.js'
import { createRedactor } from './lib/log-safety.js'
import { messageOf } from './lib/text.js'
import { PlatformClient } from './platform/client.js'
import { isTerminal } from './platform/types.js'
import type { SavedRun } from './run/state.js'

const STATE = {
  runs: 'sync-runs',
  finished: 'finished',
  isPost: 'is-post'
} as const

/** Records the runs for the post step; `finished` once the main step has dealt with them. */
export function saveRunState(runs: readonly SavedRun[], finished: boolean): void {
  if (runs.length === 0) return
  try {
    core.saveState(STATE.runs, JSON.stringify(runs))
    if (finished) core.saveState(STATE.finished, 'true')
  } catch (error) {
    // Like a summary that cannot be written: the rest of the step goes on.
    const ids = runs.map((run) => run.runId).join(', ')
    core.warning(
      `Could not save the runs for the post step (GITHUB_STATE): ${messageOf(error)}. If this job is cancelled, run ${ids} may have to be cancelled by hand.`
    )
  }
}

/** State saved by the main step is visible only to the post step, which tells the two apart. */
export function isPostStep(): boolean {
  return core.getState(STATE.isPost) === 'true'
}

export function markMainStep(): void {
  try {
    core.saveState(STATE.isPost, 'true')
  } catch (error) {
    core.warning(`Could not save state for the post step (GITHUB_STATE): ${messageOf(error)}.`)
  }
}

export async function runPost(): Promise<void> {
  const runs = savedRuns().filter((run) => run.startedByAction)
  if (runs.length === 0 || core.getState(STATE.finished) === 'true') {
    core.info('Post step: no run started by this action is left to clean up.')
    return
  }
  const apiKey = core.getInput('api-key')
  if (apiKey !== '') core.setSecret(apiKey)
  const log = createCoreLogger(createRedactor([apiKey]))
  const client = new PlatformClient({
    apiBaseUrl: parsePlatformUrl(core.getInput('platform-url').trim()),
    apiKey: apiKey.trim(),
    requestTimeoutMs: 10_000,
    maxAttempts: 3
  })
  try {
    await Promise.all(runs.map((run) => cancelIfActive(client, run, log)))
  } finally {
    client.dispose()
  }
}

/** What the main step saved; nothing when it saved nothing or something unreadable. */
function savedRuns(): SavedRun[] {
  try {
    const saved: unknown = JSON.parse(core.getState(STATE.runs) || '[]')
    return Array.isArray(saved) ? saved.filter(isSavedRun) : []
  } catch {
    return []
  }
}

function isSavedRun(value: unknown): value is SavedRun {
  const run = value as Partial<SavedRun> | null
  return (
    typeof run?.syncName === 'string' &&
    typeof run.runId === 'string' &&
    typeof run.startedByAction === 'boolean'
  )
}

async function cancelIfActive(
  client: PlatformClient,
  { syncName, runId }: SavedRun,
  log: Logger
): Promise<void> {
  try {
    const run = await client.getRun(syncName, runId)
    if (isTerminal(run.status)) {
      log.info(`Post step: run ${runId} of sync "${syncName}" already ended (${run.status}).`)
      return
    }
    await client.cancelRun(syncName, runId)
    log.info(`Post step: cancelled run ${runId} of sync "${syncName}", which this action started.`)
  } catch (error) {
    log.warning(`Post step: could not cancel run ${runId}: ${messageOf(error)}`)
  }
}
