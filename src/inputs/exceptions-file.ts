// `exceptions-file`: accepted findings as code (YAML). The structure is checked here, before any
// request: a file that is not YAML, an unknown key or a value of the wrong type fails the step,
// naming every such line at once. Entries that are well formed but unusable (no policy, reason or
// expiry date) are kept with their problems: the verdict reports them and lets them suppress nothing.

import { isMap, isSeq, type Node, type YAMLMap } from 'yaml'
import { groupDigits } from '../lib/locale-free.js'
import { readRegularFile, utf8Text } from '../lib/regular-file.js'
import { messageOf } from '../lib/text.js'
import { InputError, type ExceptionEntry, type ExceptionsFile } from './config.js'
import {
  byLine,
  describe,
  keyName,
  keyOf,
  MATCHER_KEYS,
  matcherValues,
  parseYaml,
  textOf,
  type LineError,
  type MatcherKey,
  type Reading
} from './yaml-reading.js'

const TEXT_KEYS = ['policy', 'reason', 'expires', 'owner', 'link'] as const
const ENTRY_KEYS: readonly string[] = [...TEXT_KEYS, ...MATCHER_KEYS]
const DATE = /^\d{4}-\d{2}-\d{2}$/
/**
 * The largest exceptions file read. One is written by hand, an entry a few lines: a megabyte holds
 * thousands of them, and parsed YAML takes tens of times its size in memory.
 */
export const MAX_EXCEPTIONS_BYTES = 1_000_000
/** Most entries: each is matched against every violating resource of its policy. */
const MAX_EXCEPTION_ENTRIES = 2_000

type TextKey = (typeof TEXT_KEYS)[number]

export function readExceptionsFile(path: string): ExceptionsFile {
  let text: string
  try {
    text = utf8Text(readRegularFile(path, MAX_EXCEPTIONS_BYTES))
  } catch (error) {
    throw new InputError(
      `Input "exceptions-file": "${path}" ${messageOf(error)}. Expected a YAML file in the repository (see docs/exceptions-schema.json).`
    )
  }
  const parsed = parseYaml(text)
  if ('errors' in parsed) throw fatal(path, parsed.errors)
  const errors: LineError[] = []
  const entries = entriesOf(parsed.root, parsed.reading, errors)
  errors.push(...parsed.reading.problems)
  if (errors.length > 0) throw fatal(path, errors)
  return { path, entries }
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
    const key = keyOf(pair.key)
    if (key === 'exceptions') list = resolve(pair.value)
    else
      errors.push({
        line: lineOf(pair.key as Node),
        text: `unknown key ${keyName(key)} (accepted: exceptions)`
      })
  }
  if (list === undefined || textOf(list) === '') return []
  if (!isSeq(list)) {
    errors.push({ line: lineOf(list as Node), text: '"exceptions" must be a list of entries' })
    return []
  }
  if (list.items.length > MAX_EXCEPTION_ENTRIES) {
    const most = groupDigits(MAX_EXCEPTION_ENTRIES)
    errors.push({
      line: lineOf(list),
      text: `more than ${most} entries, the most this action reads`
    })
    return []
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
    const key = keyOf(pair.key)
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
      const values = matcherValues(key as MatcherKey, value, line, reading, errors)
      if (values) entry[key as MatcherKey] = values
    }
  }
  if (!entry.policy) entry.problems.push('no "policy" (a policy name or id is required)')
  if (!entry.reason) entry.problems.push('no "reason" (say why the finding is accepted)')
  if (!entry.expires) entry.problems.push('no "expires" (a date, YYYY-MM-DD)')
  else if (!isDate(entry.expires))
    entry.problems.push(`"expires" is "${entry.expires}", not a date (YYYY-MM-DD)`)
  return entry
}

function isDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`)
  return DATE.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value)
}

function fatal(path: string, found: LineError[]): InputError {
  const problems = byLine(found)
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
