// A sync the Platform does not know (404), explained with the closest names it does know.

import { compareNames } from '../lib/locale-free.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import { PlatformError, type PlatformClient } from '../platform/client.js'

/** A 404 for a sync, with the closest names the Platform has. */
export async function syncNotFound(
  client: PlatformClient,
  syncName: string,
  error: PlatformError,
  redact: Redactor
): Promise<PlatformError> {
  const suggestions = await closestSyncNames(client, syncName).catch(() => [])
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((name) => `"${oneLine(redact(name), 100)}"`).join(', ')}?`
      : ' Check "sync-name": it is the sync\'s name (letters, digits, "-", "_"), not its display name.'
  return new PlatformError(
    `Sync "${syncName}" was not found on the Platform (404).${hint}`,
    'http',
    error.endpoint,
    404,
    error.serverMessage
  )
}

async function closestSyncNames(client: PlatformClient, syncName: string): Promise<string[]> {
  // The filter matches parts of names, so ask with pieces of the name as well as the whole.
  const pieces = [
    ...new Set([syncName, ...syncName.split(/[-_]/).filter((piece) => piece.length >= 3)])
  ].slice(0, 4)
  const pages = await Promise.all(
    pieces.map((piece) => client.listSyncs(piece).catch(() => ({ items: [] })))
  )
  const names = [...new Set(pages.flatMap((page) => page.items.map((sync) => sync.name)))]
  return names
    .map((name) => ({ name, distance: editDistance(name.toLowerCase(), syncName.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || compareNames(a.name, b.name))
    .slice(0, 3)
    .map((entry) => entry.name)
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

/** Polls the run (woken early by the end of its live log stream) until it is finished or time runs out. */
