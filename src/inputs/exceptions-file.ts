// `exceptions-file`: accepted findings as code (YAML). The structure is checked here, before any
// request: a file that is not YAML, an unknown key or a value of the wrong type fails the step,
// naming every such line at once. Entries that are well formed but unusable (no policy, reason or
// expiry date) are kept with their problems: the verdict reports them and lets them suppress nothing.

import { readFileSync } from 'node:fs'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml'
import { messageOf } from '../lib/text.js'
import { InputError, type ExceptionEntry, type ExceptionsFile } from './config.js'

const LIST_KEYS = ['resources', 'accounts', 'regions', 'tags'] as const
const TEXT_KEYS = ['policy', 'reason', 'expires', 'owner', 'link'] as const
const ENTRY_KEYS: readonly string[] = [...TEXT_KEYS, ...LIST_KEYS]
const DATE = /^\d{4}-\d{2}-\d{2}$/

type TextKey = (typeof TEXT_KEYS)[number]
type ListKey = (typeof LIST_KEYS)[number]

export function readExceptionsFile(path: string): ExceptionsFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new InputError(
      `Input "exceptions-file": "${path}" cannot be read (${messageOf(error)}). Expected a YAML file in the repository (see docs/exceptions-schema.json).`
    )
  }
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
  const entries = entriesOf(doc.contents, lineOf, errors)
  if (errors.length > 0) throw fatal(path, errors)
  return { path, entries }
}

/** What is wrong on a line of the file. */
interface LineError {
  line: number
  text: string
}

function entriesOf(
  root: unknown,
  lineOf: (node: Node | null | undefined) => number,
  errors: LineError[]
): ExceptionEntry[] {
  if (root === null) return []
  if (!isMap(root)) {
    errors.push({ line: lineOf(root as Node), text: 'expected a mapping with the key "exceptions"' })
    return []
  }
  let list: unknown = undefined
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if (key === 'exceptions') list = pair.value
    else
      errors.push({
        line: lineOf(pair.key as Node),
        text: `unknown key "${key}" (accepted: exceptions)`
      })
  }
  if (list === undefined || (isScalar(list) && list.value === null)) return []
  if (!isSeq(list)) {
    errors.push({ line: lineOf(list as Node), text: '"exceptions" must be a list of entries' })
    return []
  }
  return list.items.flatMap((item) => {
    if (!isMap(item)) {
      errors.push({
        line: lineOf(item as Node),
        text: 'an entry must be a mapping (policy, reason, expires, …)'
      })
      return []
    }
    return [entryOf(item, lineOf, errors)]
  })
}

function entryOf(
  node: YAMLMap,
  lineOf: (node: Node | null | undefined) => number,
  errors: LineError[]
): ExceptionEntry {
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
    if (!ENTRY_KEYS.includes(key)) {
      errors.push({ line, text: `unknown key "${key}" (accepted: ${ENTRY_KEYS.join(', ')})` })
    } else if ((TEXT_KEYS as readonly string[]).includes(key)) {
      const value = textOf(pair.value)
      if (value === undefined)
        errors.push({ line, text: `"${key}" must be text, not ${describe(pair.value)}` })
      else entry[key as TextKey] = value
    } else {
      const values = listOf(pair.value)
      if (values === undefined)
        errors.push({
          line,
          text: `"${key}" must be text or a list of text, not ${describe(pair.value)}`
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

function textOf(value: unknown): string | undefined {
  if (!isScalar(value)) return undefined
  const v = value.value
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : undefined
}

function listOf(value: unknown): string[] | undefined {
  const one = textOf(value)
  if (one !== undefined) return [one]
  if (!isSeq(value)) return undefined
  const items = value.items.map(textOf)
  return items.every((item) => item !== undefined) ? items : undefined
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
