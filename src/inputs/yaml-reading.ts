// Reading the YAML the workflow gives (the exceptions file, the `scope` input): values as written,
// aliases read through, and every problem with its line, so that each can be named at once.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node
} from 'yaml'

/** The kinds of matcher an exception entry or the scope narrows resources by. */
export const MATCHER_KEYS = ['resources', 'accounts', 'regions', 'tags'] as const
export type MatcherKey = (typeof MATCHER_KEYS)[number]

/** What is wrong on a line. */
export interface LineError {
  line: number
  text: string
}

/** How a walk reads the document: the line of a node, and the node an alias stands for. */
export interface Reading {
  lineOf: (node: Node | null | undefined) => number
  resolve: (node: unknown) => unknown
}

/** The document's root and how to read it, or the lines where it is not YAML. */
export function parseYaml(
  text: string
): { root: unknown; reading: Reading } | { errors: LineError[] } {
  const lines = new LineCounter()
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        line: lines.linePos(e.pos[0]).line,
        text: `not valid YAML (${e.message})`
      }))
    }
  }
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lines.linePos(node.range[0]).line : 1
  // An alias stands for the node its anchor names: read through it, wherever it is.
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node)
  return { root: resolve(doc.contents), reading: { lineOf, resolve } }
}

/** A mapping's key as text ('' when it is not a scalar). */
export function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : ''
}

/**
 * A scalar as written: a policy named `1.10`, `yes` or `2026-01-01` is that text, not the number,
 * boolean or date YAML would make of it (`1.1`, `true`). An empty value (or `~`, `null`) is ''.
 */
export function textOf(value: unknown): string | undefined {
  if (!isScalar(value)) return undefined
  const v = value.value
  if (v === null) return ''
  if (typeof v === 'string') return v.trim()
  const written = (value as { source?: unknown }).source
  if (typeof written === 'string') return written.trim()
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined
}

/**
 * A matcher's values: one text or a list of texts. An empty list is refused: it would match every
 * resource, which a matcher left out already says.
 */
export function matcherValues(
  key: MatcherKey,
  value: unknown,
  line: number,
  { resolve }: Reading,
  errors: LineError[]
): string[] | undefined {
  const values = listOf(value, resolve)
  if (values === undefined) {
    errors.push({ line, text: `"${key}" must be text or a list of text, not ${describe(value)}` })
    return undefined
  }
  if (values.length === 0) {
    errors.push({
      line,
      text: `"${key}" is an empty list, which would match every resource: list what it matches, or leave "${key}" out`
    })
    return undefined
  }
  return values
}

function listOf(value: unknown, resolve: (node: unknown) => unknown): string[] | undefined {
  if (isScalar(value) && value.value === null) return undefined
  const one = textOf(value)
  if (one !== undefined) return [one]
  if (!isSeq(value)) return undefined
  const items = value.items.map((item) => textOf(resolve(item)))
  return items.every((item) => item !== undefined) ? items : undefined
}

export function describe(value: unknown): string {
  if (isSeq(value)) return 'a list'
  if (isMap(value)) return 'a mapping'
  if (isScalar(value)) return value.value === null ? 'empty' : typeof value.value
  return 'empty'
}

/** The problems in the order of the text, however the checks found them. */
export function byLine(errors: readonly LineError[]): LineError[] {
  return [...errors].sort((a, b) => a.line - b.line)
}
