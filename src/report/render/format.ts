// Numbers, sizes and times as a person reads them. Plain text: callers escape it for Markdown.
// Everything is rendered in UTC with fixed separators so reports do not depend on the runner's
// locale or time zone.

import { groupDigits } from '../../lib/locale-free.js'

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/**
 * Between a figure and its unit in a table cell (`41.5 s`, `298 GiB·s`, `23:09:05 UTC`, `2 new`):
 * a no-break space, so that a narrow column never wraps a unit onto a line of its own.
 */
export const NO_BREAK = '\u00a0'

/** `1234567` → `1,234,567`; `undefined`/`null`/not finite → undefined. */
export function formatCount(
  value: number | null | undefined,
  fractionDigits = 0
): string | undefined {
  if (value == null || !Number.isFinite(value)) return undefined
  return groupDigits(value, fractionDigits)
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number | null | undefined): string | undefined {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return undefined
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${formatCount(value, unit === 0 ? 0 : 1)}${NO_BREAK}${BINARY_UNITS[unit]}`
}

/** Memory over time, as the Platform meters it: `memory_byte_seconds` → `1.5 GiB·s`. */
export function formatByteSeconds(byteSeconds: number | null | undefined): string | undefined {
  const size = formatBytes(byteSeconds)
  return size === undefined ? undefined : `${size}·s`
}

/** An ISO timestamp as `2024-05-01 12:00:05 UTC`; text that is not a time is returned as it is. */
export function formatTimestamp(value: string | null | undefined): string | undefined {
  if (value == null || value === '') return undefined
  const time = Date.parse(value)
  if (!Number.isFinite(time)) return value
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** As formatTimestamp, for a table cell: a narrow column breaks between the date and the time. */
export function formatTimestampCell(value: string | null | undefined): string | undefined {
  return formatTimestamp(value)?.replace(/ UTC$/, `${NO_BREAK}UTC`)
}

/** A signed difference: `+3`, `−2` (a real minus sign), `±0`. */
export function formatChange(current: number | undefined, previous: number | undefined): string {
  if (current === undefined || previous === undefined) return '—'
  const change = current - previous
  if (change === 0) return '±0'
  return `${change > 0 ? '+' : '−'}${formatCount(Math.abs(change))}`
}
