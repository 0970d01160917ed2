// Reading values out of an exchange for the contract check: headers, typed query values, and
// ajv's errors in words that point at the offending value.

import type { ErrorObject } from 'ajv/dist/2020.js'
import type { Exchange } from './contract-types.js'

export type Json = Record<string, unknown>

export function headerValue(headers: Exchange['headers'], name: string): string | undefined {
  if (!headers) return undefined
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1]
  return Array.isArray(entry) ? entry[0] : entry
}

export function mediaTypeOf(headers: Exchange['headers']): string | undefined {
  return headerValue(headers, 'content-type')?.split(';')[0].trim().toLowerCase()
}

/** Query and path values arrive as strings; give them the type the schema expects. */
export function coerce(value: string, type: string | undefined): unknown {
  if (
    (type === 'integer' || type === 'number') &&
    value.trim() !== '' &&
    !Number.isNaN(Number(value))
  ) {
    return Number(value)
  }
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

export function describe(error: ErrorObject, data: unknown): string {
  const at = error.instancePath || '/'
  const params = error.params as Record<string, unknown>
  const detail =
    error.keyword === 'additionalProperties'
      ? ` "${String(params.additionalProperty)}"`
      : error.keyword === 'enum'
        ? ` (${(params.allowedValues as unknown[]).join(', ')})`
        : ''
  // Objects and arrays are too long to quote; the path and the message say enough.
  const value = valueAt(data, error.instancePath)
  const shown =
    value === undefined || (typeof value === 'object' && value !== null)
      ? ''
      : `, got ${JSON.stringify(value).slice(0, 80)}`
  return ` at ${at}: ${error.message ?? error.keyword}${detail}${shown}`
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined),
      data
    )
}
