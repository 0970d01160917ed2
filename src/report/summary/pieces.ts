// Pieces the job summary's sections share: the caps that keep it under GitHub's limit, failure
// and warning lists, and severity labels.

import { isKnownSeverity } from '../../lib/severity.js'
import { bulletList, escapeText, markup, type Markdown } from '../render/markdown.js'

export const NAME_LENGTH = 120
export const MESSAGE_LENGTH = 1000
export const MESSAGE_LIMIT = 20

/** Failure reasons and warnings, one per line. */
export function renderMessages(
  reasons: readonly string[],
  warnings: readonly string[]
): Markdown | undefined {
  const items = [
    ...reasons.map((reason) => markup`❌ ${escapeText(reason, MESSAGE_LENGTH)}`),
    ...warnings.map((warning) => markup`⚠️ ${escapeText(warning, MESSAGE_LENGTH)}`)
  ]
  return items.length > 0 ? bulletList(items.slice(0, MESSAGE_LIMIT)) : undefined
}

export function severityLabel(severity: string): Markdown {
  // A no-break space: in a narrow column the icon never ends a line of its own.
  if (!isKnownSeverity(severity)) return markup`❔\u00a0${escapeText(severity, 40)}`
  const icon = { critical: markup`🔴`, high: markup`🟠`, medium: markup`🟡`, low: markup`🔵` }[
    severity
  ]
  return markup`${icon}\u00a0${escapeText(severity.charAt(0).toUpperCase() + severity.slice(1))}`
}

export function byteLength(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8')
}
