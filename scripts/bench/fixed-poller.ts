// The baseline: a fixed-interval poller like peer actions', to show what the adaptive poll saves.

import { BASELINE_AGENT } from './config.js'
import { progress, sleep } from './measure.js'

interface RunState {
  status?: string
  status_reason?: string | null
  ingested?: boolean | null
}

/** As the action decides it: terminal and, for a completed run, ingested (or failed to be). */
function isFinished(run: RunState): boolean {
  if (run.status === 'failed' || run.status === 'cancelled') return true
  return (
    run.status === 'completed' &&
    (run.ingested === true || run.status_reason === 'ingestion_failed')
  )
}

export const baselineAgent = (intervalMs: number): string =>
  `${BASELINE_AGENT}/${intervalMs / 1000}s`

/**
 * Checks, sleeps the interval, checks again; resolves to when it saw the run finished (and
 * ingested), or undefined if it never did.
 */
export async function fixedPoller(
  url: string,
  apiKey: string,
  syncName: string,
  runId: string,
  intervalMs: number
): Promise<number | undefined> {
  const deadline = Date.now() + 10 * 60_000
  const agent = baselineAgent(intervalMs)
  for (let i = 0; i < 100 && Date.now() < deadline; i++) {
    try {
      const response = await fetch(`${url}/api/syncs/${syncName}/runs/${runId}`, {
        headers: { authorization: `Bearer ${apiKey}`, 'user-agent': agent },
        signal: AbortSignal.timeout(10_000)
      })
      const at = Date.now()
      if (!response.ok) await response.body?.cancel()
      else if (isFinished((await response.json()) as RunState)) return at
    } catch (error) {
      progress(`poller ${agent} for ${syncName}: ${String(error)}`)
    }
    await sleep(intervalMs)
  }
  return undefined
}
