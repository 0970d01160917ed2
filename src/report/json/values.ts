// Values of the JSON report, kept to its schema whatever the Platform sent.

/**
 * Odd data from the Platform (a number or an object where text was expected, `null`) keeps the
 * schema; an object is written as JSON, not as "[object Object]".
 */
export function text(value: unknown): string | null {
  if (value == null || value === '') return null
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
