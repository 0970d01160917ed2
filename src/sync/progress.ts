// The progress lines of a wait, shared by managed runs and external syncs: each change of status,
// a line now and then while none comes, and a warning (once) for a status the action does not know.

import { formatDuration } from '../lib/duration.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import type { Logger } from '../lib/logger.js'
import type { Clock } from '../lib/poll.js'

const PROGRESS_EVERY_MS = 30_000

/** What one look at a run or an external sync showed, in the words of the log. */
export interface ProgressSnapshot {
  /** `Run <id>`, `External sync <id>`: how lines name it. */
  subject: string
  /** The status as raw text, for the unknown-status warning. */
  status: string
  /** The status as shown, e.g. `completed, ingesting data`. */
  label: string
  /** The action knows this status (active or terminal). */
  known: boolean
  /** Counters so far, e.g. `12480 rows, 0 errors, 3 warnings`. */
  progress: string
}

export function progressReporter(
  log: Logger,
  clock: Clock,
  redact: Redactor
): (snapshot: ProgressSnapshot, elapsedMs: number) => void {
  let lastStatus = ''
  let lastProgressAt = clock.now()
  const unknownStatuses = new Set<string>()
  return ({ subject, status, label, known, progress }, elapsedMs) => {
    if (label !== lastStatus) {
      log.info(`${subject}: ${label} (${formatDuration(elapsedMs)} elapsed).`)
      lastStatus = label
      lastProgressAt = clock.now()
    } else if (clock.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
      log.info(`${subject}: still ${label}; ${progress}; ${formatDuration(elapsedMs)} elapsed.`)
      lastProgressAt = clock.now()
    }
    if (!known && !unknownStatuses.has(status)) {
      unknownStatuses.add(status)
      log.warning(
        `${subject} reports status "${oneLine(redact(status), 60)}", which this action does not know; waiting until it ends or the timeout.`
      )
    }
  }
}
