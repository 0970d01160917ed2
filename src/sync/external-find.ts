// Finding the external sync a workflow names by the CLI's invocation id (any text of 1 to 200
// characters, usually a UUID) or the Platform's id (a UUID). The CLI creates it when it starts
// uploading, which may be after this step starts, so a sync not there yet is looked for again, for a
// bounded time. What the action goes on to act on is the sync's own answer, never a listing's row.

import type { ExternalSyncConfig } from '../inputs/config.js'
import { formatDuration } from '../lib/duration.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
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
  /** As its own answer gave it (`GET /external-sync-runs/{id}`). */
  sync?: ExternalSync
  /** Not found by its own answer, but listed: the answer for its id never came (or was a 404). */
  listed?: ExternalSync
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
  let listed: ExternalSync | undefined
  const result = await pollUntil<ExternalSync | undefined>({
    clock,
    signal: deps.signal,
    timeoutMs,
    check: () =>
      readBefore(
        () =>
          lookOnce(deps, config.id, (page, row) => {
            others = page
            listed = row ?? listed
          }),
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
  return {
    sync,
    listed: sync ? undefined : listed,
    others: others.filter((other) => other.id !== (sync ?? listed)?.id),
    byInvocation: sync !== undefined && !sameId(sync.id, config.id),
    elapsedMs: result.elapsedMs,
    checks: result.checks,
    aborted: result.kind === 'aborted'
  }
}

/**
 * The newest page, by id or invocation id (newest first, so the latest CLI run of an invocation),
 * else by id, for an older one; either way the sync is then read from its own answer, which must be
 * for its id (the client refuses another's): a listing's row says what is there, not its state.
 * `onPage` keeps the page, whose other runs predict this one's length. A 404 means it is not there
 * (yet); any other failure is thrown.
 */
async function lookOnce(
  { client }: StageDeps,
  value: string,
  onPage: (items: ExternalSync[], listed: ExternalSync | undefined) => void
): Promise<ExternalSync | undefined> {
  const page = await client.listExternalSyncRuns(NEWEST_PAGE_SIZE, 1)
  const listed = page.items.find(
    (sync) => sameId(sync.id, value) || sameInvocation(sync.invocation_id, value)
  )
  onPage(page.items, listed)
  // Only a UUID can be an external sync's id: other text is an invocation id, found listed or not.
  const id = listed?.id ?? (UUID.test(value) ? value : undefined)
  if (id === undefined) return undefined
  return client.getExternalSyncRun(id).catch((error: unknown) => {
    if (error instanceof PlatformError && error.status === 404) return undefined
    throw error
  })
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An external sync's id is a UUID: the same whatever the case it is written in. */
function sameId(id: string, value: string): boolean {
  return id.toLowerCase() === value.toLowerCase()
}

/** An invocation id is the CLI's text, compared as written; a UUID, whatever its case. */
function sameInvocation(invocation: string, value: string): boolean {
  return invocation === value || (UUID.test(value) && sameId(invocation, value))
}

/** Why it was not found, and what to check. */
export function notFoundReason(
  config: ExternalSyncConfig,
  { elapsedMs, listed }: Pick<FindResult, 'elapsedMs' | 'listed'>,
  redact: Redactor
): string {
  if (listed) {
    const id = oneLine(redact(listed.id), 60)
    return `External sync ${id} (invocation ${config.id}) is listed on the Platform, but its own state (GET /external-sync-runs/${id}) did not come in ${formatDuration(elapsedMs)} of looking, and a listing's row is not taken for it. It is not cancelled: the CLI owns it.`
  }
  return `External sync ${config.id} was not found on the Platform after looking for ${formatDuration(elapsedMs)}: no external sync has that id or invocation id. Check that the CLI was given \`--invocation-id ${config.id}\` and uses the Platform destination, and that the API key belongs to the team the CLI uploads to.`
}
