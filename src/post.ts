// The post step (`post-if: cancelled()`): a second line of defence when the main step was killed
// before it could cancel the run it started. It reads what the main step saved with saveState and
// cancels that run if it is still active. A run the action merely attached to is never touched.

import * as core from '@actions/core'
import { parsePlatformUrl } from './inputs/platform-url.js'
import { createCoreLogger } from './lib/logger.js'
import { createRedactor } from './lib/log-safety.js'
import { messageOf } from './lib/text.js'
import { PlatformClient } from './platform/client.js'
import { isTerminal } from './platform/types.js'
import type { RunTracker } from './sync/tracker.js'

const STATE = {
  syncName: 'sync-name',
  runId: 'sync-run-id',
  startedByAction: 'started-by-action',
  finished: 'finished',
  isPost: 'is-post'
} as const

/** Records the run for the post step; `finished` once the main step has dealt with it. */
export function saveRunState(tracker: RunTracker, finished = false): void {
  if (!tracker.runId) return
  try {
    core.saveState(STATE.syncName, tracker.syncName)
    core.saveState(STATE.runId, tracker.runId)
    core.saveState(STATE.startedByAction, String(tracker.startedByAction))
    if (finished) core.saveState(STATE.finished, 'true')
  } catch (error) {
    // Like a summary that cannot be written: the rest of the step goes on.
    core.warning(
      `Could not save the run for the post step (GITHUB_STATE): ${messageOf(error)}. If this job is cancelled, run ${tracker.runId} may have to be cancelled by hand.`
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
  const runId = core.getState(STATE.runId)
  const syncName = core.getState(STATE.syncName)
  if (
    runId === '' ||
    core.getState(STATE.startedByAction) !== 'true' ||
    core.getState(STATE.finished) === 'true'
  ) {
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
    const run = await client.getRun(syncName, runId)
    if (isTerminal(run.status)) {
      log.info(`Post step: run ${runId} of sync "${syncName}" already ended (${run.status}).`)
      return
    }
    await client.cancelRun(syncName, runId)
    log.info(`Post step: cancelled run ${runId} of sync "${syncName}", which this action started.`)
  } catch (error) {
    log.warning(`Post step: could not cancel run ${runId}: ${messageOf(error)}`)
  } finally {
    client.dispose()
  }
}
