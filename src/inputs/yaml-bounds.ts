// What a YAML text would cost to parse, found before it is parsed. The YAML library builds a tree of
// several hundred bytes a token and descends recursively into nested collections, so that a
// megabyte of `[a,a,a,…]` or of `[[[[…` takes gigabytes or the whole stack. Its lexer streams and
// keeps nothing: it counts the tokens and measures the nesting first.

import { CST, Lexer } from 'yaml'
import { groupDigits } from '../lib/locale-free.js'

/** Most tokens (scalars, indicators, spaces, line breaks): about 800 KB of hand-written entries. */
export const MAX_YAML_TOKENS = 200_000
/**
 * Deepest nesting of flow collections (`[`, `{`), and most block indicators (`- `, `? `) on one
 * line: an exceptions entry needs 3 at most.
 */
export const MAX_YAML_NESTING = 8

/** Where a YAML text goes beyond the bounds, and how; undefined when it stays within them. */
export function yamlBeyondBounds(text: string): { line: number; what: string } | undefined {
  let tokens = 0
  let line = 1
  let depth = 0
  let onLine = 0
  for (const token of new Lexer().lex(text)) {
    if (++tokens > MAX_YAML_TOKENS) {
      return { line, what: `more than ${groupDigits(MAX_YAML_TOKENS)} YAML tokens` }
    }
    switch (CST.tokenType(token)) {
      case 'newline':
        line++
        onLine = 0
        break
      case 'flow-map-start':
      case 'flow-seq-start':
        if (++depth > MAX_YAML_NESTING) return { line, what: nestedTooDeeply() }
        break
      case 'flow-map-end':
      case 'flow-seq-end':
        depth = Math.max(0, depth - 1)
        break
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (++onLine > MAX_YAML_NESTING) return { line, what: nestedTooDeeply() }
        break
    }
  }
  return undefined
}

function nestedTooDeeply(): string {
  return `collections nested more than ${MAX_YAML_NESTING} deep`
}
