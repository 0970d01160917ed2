// Several syncs in one step: each managed one is started exactly once and followed to its end at
// the same time as the others, with its own poll loop and live log stream; several CLI-run ones
// (the shards of one sync) are followed at once too. One sync failing, or its requests failing,
// never stops the others: every run is followed and reported.

import type { ExternalSyncConfig, SyncConfig } from '../inputs/config.js'
import { createLimiter } from '../lib/concurrency.js'
import { withPrefix } from '../lib/logger.js'
import type { StageDeps } from '../platform/deps.js'
import { followExternalSync } from './external.js'
import type { ExternalRunObserver, ManagedRunObserver } from './observer.js'
import type { SyncOutcome } from './outcome.js'
import { runSyncStage } from './stage.js'

/**
 * Starts in flight at once: each start is a listing and a POST (and, when an answer is lost, a few
 * more listings), so a step naming fifty syncs does not send a hundred requests in one burst.
 */
const CONCURRENT_STARTS = 4

/** What became of one sync: its outcome, or what its stage threw (a Platform it could not talk to). */
export type SyncResult = { outcome: SyncOutcome } | { error: unknown }

/**
 * Runs the stage of every sync at once; `onResult` hears of each as it ends, and `observerOf` of
 * what each learns on the way, so that what is known survives a signal that arrives while others
 * are still being followed.
 */
export async function runAllSyncs(
  configs: readonly SyncConfig[],
  deps: StageDeps,
  observerOf: (index: number) => ManagedRunObserver,
  onResult: (index: number, result: SyncResult) => void
): Promise<void> {
  const limitStarts = createLimiter(CONCURRENT_STARTS)
  const names = configs.map((config) => config.name)
  await eachAtOnce(names, deps, onResult, (index, syncDeps) =>
    runSyncStage(configs[index], syncDeps, observerOf(index), limitStarts)
  )
}

/** Follows every CLI-run sync (the shards of one sharded sync, say) at once, likewise. */
export async function followAllExternal(
  configs: readonly ExternalSyncConfig[],
  deps: StageDeps,
  observerOf: (index: number) => ExternalRunObserver,
  onResult: (index: number, result: SyncResult) => void
): Promise<void> {
  const names = configs.map((config) => config.id)
  await eachAtOnce(names, deps, onResult, (index, syncDeps) =>
    followExternalSync(configs[index], syncDeps, observerOf(index))
  )
}

async function eachAtOnce(
  names: readonly string[],
  deps: StageDeps,
  onResult: (index: number, result: SyncResult) => void,
  follow: (index: number, deps: StageDeps) => Promise<SyncOutcome>
): Promise<void> {
  const several = names.length > 1
  await Promise.all(
    names.map(async (name, index) => {
      // Lines of syncs followed at once are told apart by their name; one sync's read as before.
      const log = several ? withPrefix(deps.log, `[${name}]`) : deps.log
      const result = await follow(index, { ...deps, log }).then(
        (outcome) => ({ outcome }),
        (error: unknown) => ({ error })
      )
      onResult(index, result)
    })
  )
}

/**
 * The moment the policies' data is fresh from: the latest completion among the runs whose data was
 * ingested. A failed run's data never reaches the policies, so no evaluation follows it: its end
 * must not make every result look stale (and `auto` wait, then execute every query, for nothing).
 */
export function latestCompletion(outcomes: readonly SyncOutcome[]): string | undefined {
  let latest: string | undefined
  for (const { completedAt, view } of outcomes) {
    if (view?.ingested !== true || !completedAt) continue
    if (!latest || Date.parse(completedAt) > Date.parse(latest)) latest = completedAt
  }
  return latest
}
