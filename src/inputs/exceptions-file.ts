// `exceptions-file`: accepted findings as code (YAML). The structure is checked here, before any
// request: a file that is not YAML, an unknown key or a value of the wrong type fails the step,
// naming every such line at once. Entries that are well formed but unusable (no policy, reason or
// expiry date) are kept with their problems: the verdict reports them and lets them suppress nothing.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
  type YAMLMap
} from 'yaml'
import { readRegularFile, utf8Text } from '../lib/regular-file.js'
import { messageOf } from '../lib/text.js'
import { InputError, type ExceptionEntry, type ExceptionsFile } from './config.js'
import { yamlBeyondBounds } from './yaml-bounds.js'

const LIST_KEYS = ['resources', 'accounts', 'regions', 'tags'] as const
const TEXT_KEYS = ['policy', 'reason', 'expires', 'owner', 'link'] as const
const ENTRY_KEYS: readonly string[] = [...TEXT_KEYS, ...LIST_KEYS]
const DATE = /^\d{4}-\d{2}-\d{2}$/
/**
 * The largest exceptions file read. One is written by hand, an entry a few lines: a megabyte holds
 * thousands of them. Parsed YAML takes tens of times its size in memory.
 */
export const MAX_EXCEPTIONS_BYTES = 1_000_000
/** Most entries: each is matched against every violating resource of its policy. */
export const MAX_EXCEPTION_ENTRIES = 2_000
/** Most matcher values (resources, accounts, regions, tags) over all entries, aliases counted each time. */
export const MAX_EXCEPTION_VALUES = 20_000
/**
 * Most aliases (`*name`) read. The YAML library finds each one's anchor by walking the whole
 * document, and an alias can stand for a long list again and again.
 */
export const MAX_EXCEPTION_ALIASES = 100

type TextKey = (typeof TEXT_KEYS)[number]
type ListKey = (typeof LIST_KEYS)[number]

export function readExceptionsFile(path: string): ExceptionsFile {
  let text: string
  try {
    text = utf8Text(readRegularFile(path, MAX_EXCEPTIONS_BYTES))
  } catch (error) {
    throw new InputError(
      `Input "exceptions-file": "${path}" ${messageOf(error)}. Expected a YAML file in the repository (see docs/exceptions-schema.json).`
    )
  }
  const beyond = yamlBeyondBounds(text)
  if (beyond) throw fatal(path, [tooLarge(beyond.line, beyond.what)])
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lines.linePos(node.range[0]).line : 1
  if (doc.errors.length > 0) {
    throw fatal(
      path,
      doc.errors.map((e) => ({
        line: lines.linePos(e.pos[0]).line,
        text: `not valid YAML (${e.message})`
      }))
    )
  }
  const errors: LineError[] = []
  let aliases = 0
  // An alias stands for the node its anchor names: read through it, wherever it is.
  const resolve = (node: unknown): unknown => {
    if (!isAlias(node)) return node
    if (++aliases > MAX_EXCEPTION_ALIASES)
      throw new TooLarge(lineOf(node), `more than ${MAX_EXCEPTION_ALIASES} aliases (*name)`)
    return node.resolve(doc)
  }
  try {
    const entries = entriesOf(doc.contents, { lineOf, resolve, values: 0 }, errors)
    if (errors.length > 0) throw fatal(path, errors)
    return { path, entries }
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error
    throw fatal(path, [tooLarge(error.line, error.what)])
  }
}

function tooLarge(line: number, what: string): LineError {
  return {
    line,
    text: `${what}, the most this action reads: an exceptions file lists what it accepts one by one (a baseline, "baseline-file", holds whole lists of resources)`
  }
}

/** The file asks for more work than any exceptions file needs; where, and what. */
class TooLarge extends Error {
  constructor(
    readonly line: number,
    readonly what: string
  ) {
    super(what)
  }
}

/** What is wrong on a line of the file. */
interface LineError {
  line: number
  text: string
}

/**
 * How the walk reads the document: the line of a node, the node an alias stands for, and the
 * matcher values read so far.
 */
interface Reading {
  lineOf: (node: Node | null | undefined) => number
  resolve: (node: unknown) => unknown
  values: number
}

function entriesOf(root: unknown, reading: Reading, errors: LineError[]): ExceptionEntry[] {
  const { lineOf, resolve } = reading
  if (root === null) return []
  if (!isMap(root)) {
    errors.push({
      line: lineOf(root as Node),
      text: 'expected a mapping with the key "exceptions"'
    })
    return []
  }
  let list: unknown = undefined
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if (key === 'exceptions') list = resolve(pair.value)
    else
      errors.push({
        line: lineOf(pair.key as Node),
        text: `unknown key ${keyName(key)} (accepted: exceptions)`
      })
  }
  if (list === undefined || (isScalar(list) && list.value === null)) return []
  if (!isSeq(list)) {
    errors.push({ line: lineOf(list as Node), text: '"exceptions" must be a list of entries' })
    return []
  }
  if (list.items.length > MAX_EXCEPTION_ENTRIES) {
    throw new TooLarge(
      lineOf(list),
      `more than ${MAX_EXCEPTION_ENTRIES.toLocaleString('en-US')} entries`
    )
  }
  return list.items.flatMap((listed) => {
    const item = resolve(listed)
    if (!isMap(item)) {
      errors.push({
        line: lineOf(item as Node),
        text: 'an entry must be a mapping (policy, reason, expires, …)'
      })
      return []
    }
    return [entryOf(item, reading, errors)]
  })
}

function entryOf(node: YAMLMap, reading: Reading, errors: LineError[]): ExceptionEntry {
  const { lineOf, resolve } = reading
  const entry: ExceptionEntry = {
    line: lineOf(node),
    resources: [],
    accounts: [],
    regions: [],
    tags: [],
    problems: []
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    const line = lineOf(pair.key as Node)
    const value = resolve(pair.value)
    if (key === '<<') {
      errors.push({ line, text: 'YAML merge keys (<<) are not supported: write the keys out' })
    } else if (!ENTRY_KEYS.includes(key)) {
      errors.push({
        line,
        text: `unknown key ${keyName(key)} (accepted: ${ENTRY_KEYS.join(', ')})`
      })
    } else if ((TEXT_KEYS as readonly string[]).includes(key)) {
      const text = textOf(value)
      if (text === undefined)
        errors.push({ line, text: `"${key}" must be text, not ${describe(value)}` })
      else entry[key as TextKey] = text
    } else {
      const values = listOf(value, resolve)
      reading.values += values?.length ?? 0
      if (reading.values > MAX_EXCEPTION_VALUES) {
        const most = MAX_EXCEPTION_VALUES.toLocaleString('en-US')
        throw new TooLarge(
          line,
          `more than ${most} values of resources, accounts, regions and tags`
        )
      }
      if (values === undefined)
        errors.push({
          line,
          text: `"${key}" must be text or a list of text, not ${describe(value)}`
        })
      else if (values.length === 0)
        errors.push({
          line,
          text: `"${key}" is an empty list, which would match every resource: list what it matches, or leave "${key}" out`
        })
      else entry[key as ListKey] = values
    }
  }
  if (!entry.policy) entry.problems.push('no "policy" (a policy name or id is required)')
  if (!entry.reason) entry.problems.push('no "reason" (say why the finding is accepted)')
  if (!entry.expires) entry.problems.push('no "expires" (a date, YYYY-MM-DD)')
  else if (!isDate(entry.expires))
    entry.problems.push(`"expires" is "${entry.expires}", not a date (YYYY-MM-DD)`)
  return entry
}

/**
 * A scalar as written: a policy named `1.10`, `yes` or `2026-01-01` is that text, not the number,
 * boolean or date YAML would make of it (`1.1`, `true`). An empty value (or `~`, `null`) is ''.
 */
function textOf(value: unknown): string | undefined {
  if (!isScalar(value)) return undefined
  const v = value.value
  if (v === null) return ''
  if (typeof v === 'string') return v.trim()
  const written = (value as { source?: unknown }).source
  if (typeof written === 'string') return written.trim()
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined
}

function listOf(value: unknown, resolve: (node: unknown) => unknown): string[] | undefined {
  if (isScalar(value) && value.value === null) return undefined
  const one = textOf(value)
  if (one !== undefined) return [one]
  if (!isSeq(value)) return undefined
  const items = value.items.map((item) => textOf(resolve(item)))
  return items.every((item) => item !== undefined) ? items : undefined
}

/**
 * A key as the message names it: quoted when it looks like a key, so that a typo is found, but never
 * other text: the path may name a file that is not an exceptions file at all.
 */
function keyName(key: string): string {
  return /^[\w-]{1,40}$/.test(key) ? `"${key}"` : '(not shown)'
}

function describe(value: unknown): string {
  if (isSeq(value)) return 'a list'
  if (isMap(value)) return 'a mapping'
  if (isScalar(value)) return value.value === null ? 'empty' : typeof value.value
  return 'empty'
}

function isDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`)
  return DATE.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value)
}

function fatal(path: string, found: LineError[]): InputError {
  // In the order of the file, however the checks found them.
  const problems = [...found].sort((a, b) => a.line - b.line)
  const lines = problems.map(({ line, text }) => `line ${line}: ${text}`)
  return new InputError(
    `Input "exceptions-file": "${path}" is not a valid exceptions file: ${lines.join('; ')}. Expected YAML with a list "exceptions:" of entries with the keys ${ENTRY_KEYS.join(', ')} (see docs/exceptions-schema.json).`,
    problems.map(({ line, text }) => ({
      file: path,
      line,
      message: `Not a valid exceptions file: ${text}.`
    }))
  )
}
