// `POST /queries/columns`: what a SELECT would produce and which tables its top-level `FROM` reads,
// without running it, as the Platform answers it. A small reader of SQL, enough for the policies'
// queries: comments and string literals are skipped, parentheses nest (a subquery's tables are not
// top-level), and the tables are the names after `FROM`, a comma or `JOIN` at the outermost level.

import { VIOLATION_COLUMNS } from './catalog.js'
import { ApiError, type ApiRequest, type Reply } from './operations.js'

const CLAUSE_ENDS = new Set(['where', 'group', 'order', 'limit', 'having', 'union', 'window'])
const AGGREGATES = /^(count|sum|avg|min|max|array_agg|string_agg|bool_and|bool_or)\s*\(/i

interface Token {
  text: string
  depth: number
}

export function queryColumns({ body, bodyError }: ApiRequest): Reply {
  if (bodyError) throw new ApiError(400, bodyError)
  const query = (body as { query?: unknown } | undefined)?.query
  if (typeof query !== 'string') {
    throw new ApiError(400, 'invalid request body', { query: 'is required' })
  }
  const tokens = tokenize(query)
  if (tokens[0]?.text.toLowerCase() !== 'select') {
    throw new ApiError(400, 'the query is not a SELECT', { query: 'must be a SELECT statement' })
  }
  const from = tokens.findIndex((t) => t.depth === 0 && t.text.toLowerCase() === 'from')
  const items = selectItems(tokens.slice(1, from < 0 ? undefined : from))
  const grouped = tokens.some(
    (t, i) => t.depth === 0 && t.text.toLowerCase() === 'group' && /^by$/i.test(tokens[i + 1]?.text)
  )
  return {
    status: 200,
    json: {
      columns: items.flatMap(columnsOf),
      top_level_tables: from < 0 ? [] : topLevelTables(tokens.slice(from)),
      is_aggregate: grouped || (items.length > 0 && items.every((item) => AGGREGATES.test(item)))
    }
  }
}

/** Words, quoted names, punctuation; comments and string literals dropped. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let depth = 0
  const pattern = /\/\*[\s\S]*?\*\/|--[^\n]*|'(?:[^']|'')*'|"(?:[^"]|"")*"|[\w.$]+|[(),]|\S/g
  for (const [text] of sql.matchAll(pattern)) {
    if (text.startsWith('/*') || text.startsWith('--') || text.startsWith("'")) continue
    if (text === '(') depth++
    tokens.push({ text, depth: text === ')' ? --depth : depth })
  }
  return tokens
}

/** The select list, split at its outermost commas. */
function selectItems(tokens: Token[]): string[] {
  const items: string[][] = [[]]
  for (const token of tokens) {
    if (token.depth === 0 && token.text === ',') items.push([])
    else items[items.length - 1].push(token.text)
  }
  return items.filter((item) => item.length > 0).map((item) => item.join(' '))
}

/** An item's output name: its alias, or the column it names; `*` the violation columns. */
function columnsOf(item: string): string[] {
  if (item === '*' || item.endsWith('.*')) return VIOLATION_COLUMNS.map((column) => column.name)
  const words = item.split(' ')
  return [unqualified(words[words.length - 1])]
}

/** The names after FROM, a comma or JOIN at depth 0, until the clause ends; not a subquery. */
function topLevelTables(tokens: Token[]): string[] {
  const tables: string[] = []
  let expectTable = false
  for (const { text, depth } of tokens) {
    if (depth !== 0) continue
    const word = text.toLowerCase()
    if (CLAUSE_ENDS.has(word)) break
    if (word === 'from' || word === 'join' || text === ',') {
      expectTable = true
      continue
    }
    if (expectTable && /^[\w."$]+$/.test(text)) tables.push(unqualified(text))
    expectTable = false
  }
  return [...new Set(tables)]
}

/** `db.schema.table` → `table`, quotes removed. */
function unqualified(name: string): string {
  return (name.split('.').pop() ?? name).replace(/^"|"$/g, '').replace(/""/g, '"')
}
