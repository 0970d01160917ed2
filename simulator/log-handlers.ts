// A run's logs; the live stream is only granted here, as the server holds the open sockets.

import { iso, pageOf, paging } from './api-conventions.js'
import type { ApiRequest, PlatformState, Reply } from './operations.js'
import { isActiveAt, logLinesAt } from './runs.js'
import { runOf } from './sync-handlers.js'

export class LogHandlers {
  constructor(private readonly platform: PlatformState) {}

  queryLogs({ params, query, now }: ApiRequest): Reply {
    const lines = logLinesAt(runOf(this.platform, params), now)
    const p = paging(query)
    if (lines.length === 0) return { status: 204 }
    const { items, metadata } = pageOf(lines, p)
    return {
      status: 200,
      json: {
        data: {
          columns: [
            { name: 'timestamp', type: 'timestamp' },
            { name: 'level', type: 'string' },
            { name: 'message', type: 'string' }
          ],
          rows: items.map((l) => [iso(l.at), l.level, l.message])
        },
        metadata
      }
    }
  }

  liveLogs({ params, now }: ApiRequest): Reply {
    const run = runOf(this.platform, params)
    const notStarted = now < run.startedAt && isActiveAt(run, now)
    const { liveLogs, liveLogsBeforeStart } = this.platform.scenario
    if (liveLogs === 'unsupported' || (notStarted && liveLogsBeforeStart === 'no-content')) {
      return { status: 204 }
    }
    return { status: 200, liveLog: run }
  }
}
