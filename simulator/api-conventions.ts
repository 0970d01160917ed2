// The Platform API's parameter and value conventions, kept in one place so all operations agree.

import { ApiError, type Query } from './operations.js'

export const SORT_DIRS = ['asc', 'desc']
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const DAY = 86_400_000

export function oneOf(query: Query, name: string, allowed: string[], fallback: string): string {
  const value = query.one(name) ?? fallback
  if (!allowed.includes(value)) {
    throw new ApiError(400, `invalid ${name}`, { [name]: `must be one of ${allowed.join(', ')}` })
  }
  return value
}

/** A list parameter of the allowed values or, without `allowed`, of UUIDs. */
export function listOf(query: Query, name: string, allowed?: string[]): string[] {
  const values = query.list(name)
  const bad = values.find((v) => (allowed ? !allowed.includes(v) : !UUID_PATTERN.test(v)))
  if (bad !== undefined) {
    throw new ApiError(400, `invalid ${name}`, { [name]: `unexpected value "${bad}"` })
  }
  return values
}

export interface Paging {
  page: number
  perPage: number
}

export function paging(query: Query): Paging {
  const int = (name: string, fallback: number, max: number): number => {
    const raw = query.one(name)
    const value = raw === undefined ? fallback : Number(raw)
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new ApiError(400, `invalid ${name}`, { [name]: `must be an integer from 1 to ${max}` })
    }
    return value
  }
  return { page: int('page', 1, Number.MAX_SAFE_INTEGER), perPage: int('per_page', 100, 1000) }
}

export function pageMetadata(total: number, p: Paging): Record<string, number> {
  return {
    page_size: p.perPage,
    total_count: total,
    last_page: Math.max(1, Math.ceil(total / p.perPage))
  }
}

export function pageOf<T>(items: T[], p: Paging): { items: T[]; metadata: Record<string, number> } {
  const start = (p.page - 1) * p.perPage
  return { items: items.slice(start, start + p.perPage), metadata: pageMetadata(items.length, p) }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

export function dateOnly(ms: number): string {
  return iso(ms).slice(0, 10)
}

export function compareBy<T>(
  key: (item: T) => string | number | null,
  dir: string
): (a: T, b: T) => number {
  const sign = dir === 'desc' ? -1 : 1
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    // Nulls sort last in both directions, as in Postgres' `NULLS LAST`.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    return (x < y ? -1 : x > y ? 1 : 0) * sign
  }
}
