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
import { groupDigits } from '../lib/locale-free.js'
import { yamlBeyondBounds } from './yaml-bounds.js'

/** The kinds of matcher an exception entry or the scope narrows resources by. */
export const MATCHER_KEYS = ['resources', 'accounts', 'regions', 'tags'] as const
export type MatcherKey = (typeof MATCHER_KEYS)[number]

/** What is wrong on a line. */
export interface LineError {
  line: number
  text: string
}

/**
 * Most aliases (`*name`) read. The YAML library finds each one's anchor by walking the whole
 * document, and an alias can stand for a long list again and again.
 */
const MAX_YAML_ALIASES = 100
/** Most matcher values (resources, accounts, regions, tags) read, aliases counted each time. */
const MAX_MATCHER_VALUES = 20_000

/**
 * How a walk reads the document: the line of a node, the node an alias stands for, the matcher
 * values read so far, and what went beyond a bound on the way (for the caller to report).
 */
export interface Reading {
  lineOf: (node: Node | null | undefined) => number
  resolve: (node: unknown) => unknown
  values: number
  problems: LineError[]
}

/** The document's root and how to read it, or the lines where it is not YAML. */
export function parseYaml(
  text: string
): { root: unknown; reading: Reading } | { errors: LineError[] } {
  const beyond = yamlBeyondBounds(text)
  if (beyond) return { errors: [{ line: beyond.line, text: mostRead(beyond.what) }] }
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
  const problems: LineError[] = []
  let aliases = 0
  // An alias stands for the node its anchor names: read through it, wherever it is, up to a bound
  // (beyond it, an alias stands for nothing, and the file is refused).
  const resolve = (node: unknown): unknown => {
    if (!isAlias(node)) return node
    if (++aliases <= MAX_YAML_ALIASES) return node.resolve(doc)
    if (aliases === MAX_YAML_ALIASES + 1) {
      problems.push({
        line: lineOf(node),
        text: mostRead(`more than ${MAX_YAML_ALIASES} aliases (*name)`)
      })
    }
    return null
  }
  return { root: resolve(doc.contents), reading: { lineOf, resolve, values: 0, problems } }
}

/** `what`, said to be beyond what this action reads. */
function mostRead(what: string): string {
  return `${what}, the most this action reads`
}

/**
 * A key as a message names it: quoted when it looks like a key, so that a typo is found, but never
 * other text: the path may name a file that is not what was expected at all.
 */
export function keyName(key: string): string {
  return /^[\w-]{1,40}$/.test(key) ? `"${key}"` : '(not shown)'
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
  reading: Reading,
  errors: LineError[]
): string[] | undefined {
  // Counted before the list is made: an alias can stand for the same long list many times.
  const count = isSeq(value) ? value.items.length : 1
  if (reading.values + count > MAX_MATCHER_VALUES) {
    if (reading.values <= MAX_MATCHER_VALUES) {
      const most = groupDigits(MAX_MATCHER_VALUES)
      errors.push({
        line,
        text: mostRead(`more than ${most} values of ${MATCHER_KEYS.join(', ')}`)
      })
    }
    reading.values = Infinity
    return undefined
  }
  reading.values += count
  const values = listOf(value, reading.resolve)
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
