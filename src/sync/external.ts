// Following a sync the CloudQuery CLI ran (`external-sync`): find it, follow it to `completed`
// (its data ingested) or `failed` with the loop a managed run is followed with (follow.ts),
// without a live log stream, and judge it. The CLI owns an external sync: this action never
// cancels one (the API has no way to), not even on timeout or a cancelled workflow. Expected
// outcomes are results; only a Platform that cannot be talked to throws.

import type { ExternalSyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { oneLine } from '../lib/log-safety.js'
import { expectedDuration } from '../lib/poll-schedule.js'
import type { StageDeps } from '../platform/deps.js'
import type { ExternalSync } from '../platform/types.js'
import { findExternalSync, notFoundReason } from './external-find.js'
import { externalFailure, externalName, externalProgress, freshFrom } from './external-status.js'
import { followRun, type Followed, type RunSource } from './follow.js'
import type { ExternalRunObserver } from './observer.js'
import { externalOutcome, failed, type ExternalOutcome } from './outcome.js'
import { externalRunTables } from './run-tables.js'
import { externalFinished, externalRunView } from './run-view.js'
import { completionTime, runDurationSeconds } from './run-status.js'

export async function followExternalSync(
  config: ExternalSyncConfig,
  deps: StageDeps,
  observer: ExternalRunObserver
): Promise<ExternalOutcome> {
  const { clock, log } = deps
  const startedAt = clock.now()
  const found = await findExternalSync(config, deps)
  if (!found.sync) {
    const looked = { statusChecks: found.checks, waitedMs: found.elapsedMs }
    if (found.aborted) return externalOutcome(config.id, looked)
    return externalOutcome(config.id, {
      ...looked,
      // Listed, but its own answer never came: as a wait that ran out, not as a sync not there.
      ...(found.listed ? { timedOut: true } : {}),
      ...failed(notFoundReason(config, found, deps.redact))
    })
  }
  observer.externalSeen(found.sync)
  const name = externalName(found.sync, found.byInvocation, deps.redact)
  const remainingMs = Math.max(0, config.timeoutMs - (clock.now() - startedAt))
  log.info(`Found ${name}; waiting up to ${formatDuration(remainingMs)} for it to complete.`)
  // With no live log stream, the end of the upload is looked for near when the team's other CLI
  // runs ended.
  const expectedMs = expectedDuration(
    found.others.map((other) => ({
      created_at: other.created_at,
      completed_at: other.finished_at,
      status: other.status ?? ''
    }))
  )
  const followed = await followRun(
    externalSource(found.sync, deps),
    found.sync,
    { timeoutMs: remainingMs, pollIntervalMs: config.pollIntervalMs, expectedMs },
    deps,
    (sync) => observer.externalSeen(sync)
  )
  return judged(config, deps, followed, {
    statusChecks: found.checks + followed.statusChecks,
    waitedMs: clock.now() - startedAt,
    name
  })
}

function externalSource(
  first: ExternalSync,
  { client, redact }: StageDeps
): RunSource<ExternalSync> {
  const subject = `External sync ${oneLine(redact(first.id), 60)}`
  return {
    read: () => client.getExternalSyncRun(first.id),
    isFinished: externalFinished,
    isIngesting: (sync) => sync.status === 'finalizing',
    progress: (sync) => externalProgress(sync, subject, redact),
    createdAt: (sync) => sync.created_at
  }
}

/** A finished CLI run is judged; a timed-out one fails, left as it is: the CLI owns it. */
function judged(
  config: ExternalSyncConfig,
  { clock, redact }: StageDeps,
  followed: Followed<ExternalSync>,
  seen: { statusChecks: number; waitedMs: number; name: string }
): ExternalOutcome {
  const final = followed.last
  const view = externalRunView(final)
  const fields = {
    external: final,
    statusChecks: seen.statusChecks,
    waitedMs: seen.waitedMs,
    durationSeconds: runDurationSeconds(view)
  }
  if (followed.kind === 'timeout') {
    const what = final.status === 'finalizing' ? 'its data to be ingested' : 'it to finish'
    const status = oneLine(redact(final.status ?? '(none)'), 60)
    const reason = `Timed out after ${formatDuration(seen.waitedMs)} waiting for ${seen.name} (status "${status}") — waited for ${what}. It is not cancelled: the CLI owns it.`
    return externalOutcome(config.id, { ...fields, timedOut: true, ...failed(reason) })
  }
  if (followed.kind !== 'done') return externalOutcome(config.id, fields)
  // In the CLI run's own words: an external sync's `finished_at`.
  const named = { what: `External sync ${oneLine(redact(final.id), 60)}`, field: 'finished_at' }
  const completion = completionTime(view, clock.now(), redact, named)
  return externalOutcome(config.id, {
    ...fields,
    completedAt: freshFrom(completion.at, followed.ingestingAt),
    ...externalRunTables(final),
    warnings: completion.warning ? [completion.warning] : [],
    ...(final.status === 'failed' ? failed(externalFailure(final, redact)) : {})
  })
}
