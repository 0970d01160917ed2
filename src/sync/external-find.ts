// Finding the external sync a workflow names by the CLI's invocation id or the Platform's id (both
// UUIDs). The CLI creates it when it starts uploading, which may be after this step starts, so a
// sync not there yet is looked for again, for a bounded time.

import type { ExternalSyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { pollUntil, readBefore } from '../lib/poll.js'
import { nextPollDelay } from '../lib/poll-schedule.js'
import { PlatformError } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import type { ExternalSync } from '../platform/types.js'

/** Longest wait for an external sync to appear (less when `timeout` is shorter). */
export const FIND_TIMEOUT_MS = 5 * 60_000
/** The newest page: a CLI run this workflow just started is on it. */
const NEWEST_PAGE_SIZE = 100

export interface FindResult {
  sync?: ExternalSync
  /** The other external syncs on the newest page: how long this team's CLI runs take. */
  others: ExternalSync[]
  /** Found by `invocation_id` rather than by `id`. */
  byInvocation: boolean
  elapsedMs: number
  checks: number
  /** The workflow was cancelled while looking. */
  aborted: boolean
}

export async function findExternalSync(
  config: ExternalSyncConfig,
  deps: StageDeps
): Promise<FindResult> {
  const { clock, log } = deps
  const timeoutMs = Math.min(FIND_TIMEOUT_MS, config.timeoutMs)
  const deadline = clock.now() + timeoutMs
  let told = false
  let others: ExternalSync[] = []
  const result = await pollUntil<ExternalSync | undefined>({
    clock,
    signal: deps.signal,
    timeoutMs,
    check: () =>
      readBefore(
        () => lookOnce(deps, config.id, (page) => (others = page)),
        undefined,
        deadline,
        clock
      ),
    isDone: (found) => found !== undefined,
    onValue: (found) => {
      if (found || told) return
      told = true
      log.info(
        `External sync ${config.id} is not on the Platform yet; looking for it for up to ${formatDuration(timeoutMs)}.`
      )
    },
    nextDelay: (_, elapsedMs) =>
      nextPollDelay({
        elapsedMs,
        maxIntervalMs: config.pollIntervalMs,
        awaitingIngestion: false,
        streamOpen: false
      })
  })
  const sync = result.kind === 'done' ? result.value : undefined
  const same = (value: string): boolean => value.toLowerCase() === config.id.toLowerCase()
  return {
    sync,
    others: others.filter((other) => other.id !== sync?.id),
    byInvocation: sync !== undefined && !same(sync.id),
    elapsedMs: result.elapsedMs,
    checks: result.checks,
    aborted: result.kind === 'aborted'
  }
}

/**
 * The newest page, by id or invocation id (newest first, so the latest CLI run of an invocation);
 * else by id, for an older one. `onPage` keeps the page, whose other runs predict this one's length. A 404 means it is not there (yet); any other failure is thrown.
 */
async function lookOnce(
  { client }: StageDeps,
  value: string,
  onPage: (items: ExternalSync[]) => void
): Promise<ExternalSync | undefined> {
  const wanted = value.toLowerCase()
  const page = await client.listExternalSyncRuns(NEWEST_PAGE_SIZE, 1)
  onPage(page.items)
  const listed = page.items.find(
    (sync) => sync.id.toLowerCase() === wanted || sync.invocation_id.toLowerCase() === wanted
  )
  if (listed) return listed
  return client.getExternalSyncRun(value).catch((error: unknown) => {
    if (error instanceof PlatformError && error.status === 404) return undefined
    throw error
  })
}

/** Why it was not found, and what to check. */
export function notFoundReason(config: ExternalSyncConfig, elapsedMs: number): string {
  return `External sync ${config.id} was not found on the Platform after looking for ${formatDuration(elapsedMs)}: no external sync has that id or invocation id. Check that the CLI was given \`--invocation-id ${config.id}\` and uses the Platform destination, and that the API key belongs to the team the CLI uploads to.`
}
