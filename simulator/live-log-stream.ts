// The live log stream (`logs/live`): lines written as their time comes, the response ended when
// the run turns terminal, or, in the `stall` and `drop` modes, misbehaving half-way through.

import type { ServerResponse } from 'node:http'
import type { Clock } from '../src/lib/poll.js'
import { formatLogLine, scheduledLogLines, terminalAt, type SimRun } from './runs.js'
import type { LiveLogsMode } from './scenario.js'
import type { RecordedRequest } from './simulator-types.js'

/** What the stream needs of the server: its clock and timers, and the streams open per run. */
export interface LiveLogContext {
  mode: LiveLogsMode
  clock: Clock
  later: (ms: number, fn: () => void) => AbortController
  cancel: (timer: AbortController) => void
  /** Ends the response by destroying its socket (the `drop` mode). */
  destroy: () => void
  /** Wakers of the open streams per run: a cancel wakes them so that they end at once. */
  streams: Map<SimRun, Set<() => void>>
}

/**
 * Writes the run's log lines as their time comes and ends the response when the run turns
 * terminal (or is cancelled). The `stall` and `drop` modes misbehave half-way through.
 */
export function streamLiveLog(
  res: ServerResponse,
  rec: RecordedRequest,
  run: SimRun,
  ctx: LiveLogContext
): void {
  const mode = ctx.mode
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }
  rec.status = 200
  rec.responseHeaders = headers
  rec.responseText = ''
  res.writeHead(200, headers)
  res.flushHeaders()
  const cutoff = Math.ceil(scheduledLogLines(run).length / 2)
  let sent = 0
  let timer: AbortController | undefined
  const wakers = ctx.streams.get(run) ?? new Set<() => void>()
  ctx.streams.set(run, wakers)
  const cancelTimer = (): void => {
    if (timer) ctx.cancel(timer)
    timer = undefined
  }
  const stop = (): void => {
    cancelTimer()
    wakers.delete(wake)
    if (wakers.size === 0) ctx.streams.delete(run)
  }
  const misbehave = (): void => {
    stop()
    if (mode === 'drop') ctx.destroy()
  }
  const tick = (): void => {
    timer = undefined
    const now = ctx.clock.now()
    const lines = scheduledLogLines(run)
    for (; sent < lines.length && lines[sent].at <= now; sent++) {
      if (mode !== 'close-at-end' && sent >= cutoff) return misbehave()
      const text = formatLogLine(lines[sent])
      rec.responseText += text
      res.write(text)
    }
    const end = terminalAt(run)
    if (now >= end) {
      if (mode !== 'close-at-end') return misbehave()
      stop()
      res.end()
      return
    }
    const next = Math.min(lines[sent]?.at ?? Infinity, end)
    timer = ctx.later(Math.max(1, Math.ceil(next - now)), tick)
  }
  const wake = (): void => {
    cancelTimer()
    tick()
  }
  wakers.add(wake)
  res.on('close', stop)
  tick()
}
