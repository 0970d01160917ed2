// `scope`: which violating resources the gate judges, in the matcher language of the exceptions
// file (a YAML mapping of `accounts`, `regions`, `tags` and `resources`). Checked here, before any
// request, naming every problem at once.

import { isMap, type Node } from 'yaml'
import { InputError, type ResourceMatchers } from './config.js'
import {
  byLine,
  keyName,
  keyOf,
  MATCHER_KEYS,
  matcherValues,
  parseYaml,
  type LineError,
  type MatcherKey
} from './yaml-reading.js'

const EXPECTED = `a YAML mapping with one or more of ${MATCHER_KEYS.join(', ')}, each a value or a list (as in an exceptions file's entry), e.g. "accounts: [staging]" and "tags: [env=pr-142]"`

/** Undefined when the input is empty: the gate judges every violating resource. */
export function parseScope(text: string): ResourceMatchers | undefined {
  if (text.trim() === '') return undefined
  const parsed = parseYaml(text)
  if ('errors' in parsed) throw problem(parsed.errors)
  const { root, reading } = parsed
  if (!isMap(root)) throw problem([{ line: 1, text: 'not a mapping' }])
  const scope: ResourceMatchers = { resources: [], accounts: [], regions: [], tags: [] }
  const errors: LineError[] = []
  for (const pair of root.items) {
    const key = keyOf(pair.key)
    const line = reading.lineOf(pair.key as Node)
    if (!(MATCHER_KEYS as readonly string[]).includes(key)) {
      errors.push({ line, text: `unknown key ${keyName(key)}` })
      continue
    }
    const values = matcherValues(
      key as MatcherKey,
      reading.resolve(pair.value),
      line,
      reading,
      errors
    )
    if (values) scope[key as MatcherKey] = values
  }
  errors.push(...reading.problems)
  if (errors.length > 0) throw problem(errors)
  if (MATCHER_KEYS.every((key) => scope[key].length === 0)) {
    throw problem([
      { line: 1, text: 'no matcher: it would judge every resource, as no scope does' }
    ])
  }
  return scope
}

function problem(errors: readonly LineError[]): InputError {
  const lines = byLine(errors).map(({ line, text }) => `line ${line}: ${text}`)
  return new InputError(`Input "scope": ${lines.join('; ')}. Expected ${EXPECTED}.`)
}
