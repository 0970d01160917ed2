// The action's log. Every line goes through the same guard: the key is redacted and no line can
// act as a workflow command, whichever stage wrote it and whatever Platform text it quotes.

import * as core from '@actions/core'
import { oneLine, safeLogText, stripControls, type Redactor } from './log-safety.js'

export interface Logger {
  info: (message: string) => void
  warning: (message: string) => void
  debug: (message: string) => void
  /** A collapsed block of lines in the log. */
  group: (title: string, lines: readonly string[]) => void
}

export function createCoreLogger(redact: Redactor): Logger {
  const clean = (text: string): string => safeLogText(redact(text))
  return {
    info: (message) => core.info(clean(message)),
    // The runner escapes line breaks in a command's text, but shows terminal escapes and bidi
    // controls as they are.
    warning: (message) => core.warning(stripControls(redact(message))),
    debug: (message) => core.debug(stripControls(redact(message))),
    group: (title, lines) => {
      core.startGroup(oneLine(redact(title), 500))
      for (const line of lines) core.info(clean(line))
      core.endGroup()
    }
  }
}

/** A logger that keeps what it is told, for tests and for quiet runs. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
    group: (title, body) => lines.push(`group: ${title}`, ...body)
  }
}

/** Every line (and group title) prefixed, so the lines of syncs followed at once stay told apart. */
export function withPrefix(log: Logger, prefix: string): Logger {
  return {
    info: (message) => log.info(`${prefix} ${message}`),
    warning: (message) => log.warning(`${prefix} ${message}`),
    debug: (message) => log.debug(`${prefix} ${message}`),
    group: (title, lines) => log.group(`${prefix} ${title}`, lines)
  }
}
