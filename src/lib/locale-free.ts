// Figures and names that read and sort the same on every runner, without Intl. The first use of
// Intl in a process (a number format, a collator, `toLocaleString`, `localeCompare`) loads ICU's
// data: ~12 ms of CPU in every run of the action (measured on Node 24), for output that should not
// depend on the runner's locale anyway.

/**
 * `1234567.25` → `1,234,567` (or `1,234,567.3` with one fraction digit): what en-US's
 * `Intl.NumberFormat` writes with at most `fractionDigits` digits, trailing zeros dropped.
 */
export function groupDigits(value: number, fractionDigits = 0): string {
  // Most figures are counts, which String() writes exactly as they are.
  const [whole, fraction] = Number.isSafeInteger(value)
    ? [String(Math.abs(value)), '']
    : roundHalfUp(Math.abs(value), fractionDigits)
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',')
  const digits = fraction.replace(/0+$/, '')
  return `${value < 0 ? '-' : ''}${grouped}${digits ? `.${digits}` : ''}`
}

/**
 * `magnitude` rounded half up at `fractionDigits`, as its whole and fraction digits. Like ICU, it
 * rounds the shortest decimal that reads back as the same double (`0.45`), not the `0.4499999…`
 * that the double holds and `toFixed` rounds.
 */
function roundHalfUp(magnitude: number, fractionDigits: number): [string, string] {
  const [mantissa, exponent] = magnitude.toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const kept = Number(exponent) + 1 + fractionDigits
  if (kept < 0) return ['0', '']
  const padded = digits.padEnd(kept + 1, '0')
  // With no digit kept, the slice is '' and BigInt('') is 0n.
  const rounded = BigInt(padded.slice(0, kept)) + (padded[kept] >= '5' ? 1n : 0n)
  const text = rounded.toString().padStart(fractionDigits + 1, '0')
  return [text.slice(0, text.length - fractionDigits), text.slice(text.length - fractionDigits)]
}

/** Names in one order on every runner: ignoring case first, then code unit by code unit. */
export function compareNames(a: string, b: string): number {
  return compareCodeUnits(a.toLowerCase(), b.toLowerCase()) || compareCodeUnits(a, b)
}

/** Texts by code unit, as `sort()` orders them: ISO dates and times in time order. */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}
