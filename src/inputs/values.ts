// Readers of one input value each: a choice, a boolean, a duration, a count, a list. A bad value is
// an InputError that names the input, quotes the value and says what is accepted.

import { parseDuration } from '../lib/duration.js'
import { InputError, type ProblemAt } from './config.js'

export function invalid(name: string, value: string, accepted: string): InputError {
  return new InputError(`Input "${name}" is "${value}", which is not valid: expected ${accepted}.`)
}

export type Read = (name: string) => string

/** Collects every bad input instead of stopping at the first, so one run lists them all. */
export class Problems {
  private readonly found: string[] = []
  private readonly at: ProblemAt[] = []

  /**
   * What `reader` gives; on an InputError, the problem is recorded and the value is a placeholder
   * that nobody sees, since `throwIfAny` throws before a configuration is returned.
   */
  check<T>(reader: () => T): T {
    try {
      return reader()
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      this.found.push(...error.problems)
      this.at.push(...error.at)
      return undefined as T
    }
  }

  add(message: string): void {
    this.found.push(message)
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new InputError(this.found, this.at)
  }
}

function valueOr(read: Read, name: string, fallback: string): string {
  const value = read(name)
  return value === '' ? fallback : value
}

export function choice<T extends string>(
  read: Read,
  name: string,
  allowed: readonly T[],
  fallback: T
): T {
  const value = valueOr(read, name, fallback).toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw invalid(name, read(name), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`)
}

// Same spellings as YAML 1.2's core schema, which is what core.getBooleanInput accepts.
export function boolean(read: Read, name: string, fallback: boolean): boolean {
  const value = read(name)
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(name, value, '"true" or "false"')
}

/**
 * Longest duration input: a week, far beyond any job's limit and well within what Node's timers
 * hold (about 24.8 days; a longer delay fires at once, which would poll in a tight loop).
 */
const MAX_DURATION_MS = 7 * 24 * 3_600_000

export function duration(read: Read, name: string, fallback: string): number {
  const value = valueOr(read, name, fallback)
  const ms = parseDuration(value)
  if (ms === undefined || ms <= 0 || ms > MAX_DURATION_MS) {
    throw invalid(
      name,
      value,
      'a positive duration of at most 7 days such as "90s", "45m", "1h30m", or a number of seconds'
    )
  }
  return ms
}

/** A whole number ≥ 0; empty (after the default) means no limit. */
export function wholeNumber(
  read: Read,
  name: string,
  fallback: string,
  max?: number
): number | undefined {
  const value = read(name) === '' ? fallback : read(name)
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || (max !== undefined && Number(value) > max)) {
    const accepted =
      max === undefined
        ? 'a whole number ≥ 0, or empty for no limit'
        : `a whole number from 0 to ${max}`
    throw invalid(name, value, accepted)
  }
  return Number(value)
}

/** Newline- or comma-separated, blanks dropped, duplicates removed. */
export function list(value: string): string[] {
  const items = value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return [...new Set(items)]
}

export function listOf<T extends string>(read: Read, name: string, allowed: readonly T[]): T[] {
  const items = list(read(name)).map((item) => item.toLowerCase())
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item))
  if (unknown.length > 0) {
    throw invalid(
      name,
      read(name),
      `a list of ${allowed.join(', ')} (unknown: ${unknown.join(', ')})`
    )
  }
  return items as T[]
}
