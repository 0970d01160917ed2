// A sync run's log lines: the stored ones (logs/query) for a failed run, and the live stream
// (logs/live) while waiting. The stream is best-effort: the run's status stays the source of truth,
// and a stalled or dropped stream ends quietly.

import type { IncomingMessage } from 'node:http'
import type { PlatformClient } from '../platform/client.js'
import type { TableData } from '../platform/types.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import { MAX_LIVE_LOG_BUFFER_CHARS, MAX_LOG_LINE_CHARS } from '../platform/limits.js'

const MAX_LOG_LINES = 500
const LOG_PAGE_SIZE = 500
/** A live stream silent this long is taken as stalled; status polling carries on regardless. */
const LIVE_LOG_IDLE_MS = 120_000

/**
 * The last `MAX_LOG_LINES` stored log lines of a run, oldest first, formatted for the log (each
 * redacted before it is cut to a line).
 */
export async function fetchRunLogs(
  client: PlatformClient,
  run: { syncName: string; runId: string },
  redact: Redactor,
  maxLines = MAX_LOG_LINES
): Promise<string[]> {
  const { syncName, runId } = run
  const first = await client.queryLogs(syncName, runId, 1, LOG_PAGE_SIZE)
  if (!first) return []
  const lastPage = first.metadata?.last_page ?? 1
  if (lastPage <= 1) return tail(formatLogRows(first.data, redact), maxLines)
  // Only the pages that hold the last lines are needed: the final page may be short.
  const pages = await Promise.all(
    [lastPage - 1, lastPage].map((page) => client.queryLogs(syncName, runId, page, LOG_PAGE_SIZE))
  )
  const lines = pages.flatMap((page) => (page ? formatLogRows(page.data, redact) : []))
  return tail(lines, maxLines)
}

/** Renders log rows as `time level message`, whatever order the columns come in. */
function formatLogRows(data: TableData, redact: Redactor): string[] {
  const names = data.columns.map((column) => column.name.toLowerCase())
  const find = (...candidates: string[]): number =>
    names.findIndex((name) => candidates.includes(name))
  const time = find('timestamp', 'time', 'ts', 'created_at')
  const level = find('level', 'severity')
  const message = find('message', 'msg', 'text', 'line')
  return data.rows.map((row) => {
    if (message < 0) return oneLine(redact(row.map(cellText).join(' ')), MAX_LOG_LINE_CHARS)
    const parts = [
      time >= 0 ? cellText(row[time]) : '',
      level >= 0 ? cellText(row[level]).toUpperCase().padEnd(5) : '',
      cellText(row[message])
    ]
    return oneLine(redact(parts.filter((part) => part !== '').join(' ')), MAX_LOG_LINE_CHARS)
  })
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function tail<T>(items: T[], count: number): T[] {
  return items.length > count ? items.slice(items.length - count) : items
}

export type StreamEnd = 'ended' | 'stalled' | 'dropped' | 'unavailable'

export interface LiveLogOptions {
  /** Each complete line, as it arrives (already a single line, redacted; not yet safe for the log). */
  onLine: (line: string) => void
  /** Applied to each line before it is cut. */
  redact: Redactor
  /** The stream ended, for whatever reason: the run may have ended, so look now. */
  onEnd: (reason: StreamEnd) => void
  /** A stream silent this long is taken as stalled and closed. */
  idleTimeoutMs: number
}

/**
 * Follows one logs/live response. It never throws: every way the stream can end (including a
 * 204 or an error before it opened) is reported through onEnd, once.
 */
export class LiveLogFollower {
  endReason?: StreamEnd
  private stream?: IncomingMessage
  private stopped = false
  private ended = false

  constructor(private readonly options: LiveLogOptions) {}

  async start(client: PlatformClient, syncName: string, runId: string): Promise<void> {
    let stream: IncomingMessage | undefined
    try {
      stream = await client.openLiveLogs(syncName, runId)
    } catch {
      this.finish('unavailable')
      return
    }
    if (!stream) return this.finish('unavailable')
    if (this.stopped) {
      stream.destroy()
      return
    }
    this.stream = stream
    this.read(stream)
  }

  /** Closes the stream (the run ended, or the action is leaving). */
  stop(): void {
    this.stopped = true
    this.ended = true
    this.stream?.destroy()
  }

  private read(stream: IncomingMessage): void {
    let partial = ''
    /** The rest of a line already shown cut is dropped up to its newline. */
    let skipping = false
    let idle: NodeJS.Timeout | undefined
    const armIdleTimer = (): void => {
      clearTimeout(idle)
      idle = setTimeout(() => {
        stream.destroy()
        this.finish('stalled')
      }, this.options.idleTimeoutMs)
    }
    armIdleTimer()
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      armIdleTimer()
      const lines = (partial + chunk).split(/\r?\n/)
      partial = lines.pop() ?? ''
      for (const line of lines) {
        if (!skipping) this.line(line)
        skipping = false
      }
      // A line without end is shown cut once and the rest of it dropped: memory stays bounded,
      // and a piece starting mid-line cannot show a part of a key the redactor would not know.
      if (partial.length > MAX_LIVE_LOG_BUFFER_CHARS) {
        if (!skipping) this.line(partial)
        skipping = true
        partial = ''
      }
    })
    stream.on('end', () => {
      clearTimeout(idle)
      if (partial !== '') this.line(partial)
      this.finish(stream.complete ? 'ended' : 'dropped')
    })
    stream.on('error', () => {
      clearTimeout(idle)
      this.finish('dropped')
    })
    stream.on('close', () => {
      clearTimeout(idle)
      this.finish(stream.complete ? 'ended' : 'dropped')
    })
  }

  private line(raw: string): void {
    if (raw.trim() === '' || this.stopped) return
    this.options.onLine(oneLine(this.options.redact(raw), MAX_LOG_LINE_CHARS))
  }

  private finish(reason: StreamEnd): void {
    if (this.ended) return
    this.ended = true
    this.endReason = reason
    this.options.onEnd(reason)
  }
}

const MAX_STREAM_OPENS = 3

/**
 * The live log stream over a whole wait. The spec answers 204 before a run has started, and a
 * stream can drop, so it is (re)opened when the run's status moves on, a few times at most; a
 * stream that stalled is not reopened. The last lines are kept, so a failed run's logs are at hand
 * even when the stored logs cannot be read.
 */
export class LiveLogs {
  readonly recentLines: string[] = []
  private follower?: LiveLogFollower
  private opens = 0
  private statusAtOpen?: string

  constructor(
    private readonly client: PlatformClient,
    private readonly syncName: string,
    private readonly runId: string,
    private readonly options: {
      print?: (line: string) => void
      onEnd: (reason: StreamEnd) => void
      redact: Redactor
      idleTimeoutMs?: number
    }
  ) {}

  /** Open, or being opened: either way its end will wake the poll loop. */
  get open(): boolean {
    return this.follower !== undefined && this.follower.endReason === undefined
  }

  /** Opens the stream if it is not open and the run's status gives a reason to try again. */
  follow(status: string): void {
    if (this.follower && this.follower.endReason === undefined) return
    if (this.follower?.endReason === 'stalled' || this.opens >= MAX_STREAM_OPENS) return
    // The spec answers 204 until a run has started: asking earlier costs a request and tells
    // nothing, and a stream counted open while it is asked for keeps status checks sparse.
    if (status === 'created' || status === 'pending' || status === this.statusAtOpen) return
    this.opens++
    this.statusAtOpen = status
    this.follower = new LiveLogFollower({
      idleTimeoutMs: this.options.idleTimeoutMs ?? LIVE_LOG_IDLE_MS,
      redact: this.options.redact,
      onLine: (line) => {
        this.recentLines.push(line)
        if (this.recentLines.length > MAX_LOG_LINES) this.recentLines.shift()
        this.options.print?.(line)
      },
      onEnd: this.options.onEnd
    })
    // Not awaited: the stream is read alongside the poll loop, and start() never rejects (every
    // end, an error included, is reported through onEnd).
    void this.follower.start(this.client, this.syncName, this.runId)
  }

  stop(): void {
    this.follower?.stop()
  }
}
