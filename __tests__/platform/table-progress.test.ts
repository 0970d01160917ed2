// An external sync's table_progress is cut in the answer's text, before it is parsed: to the tables
// with the most rows, with how many it had beside it, whatever the text around it looks like.

import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { cutTableProgress } from '../../src/platform/table-progress.js'

interface Sync {
  id: string
  table_progress?: Record<string, unknown>
  tablesReported?: number
}

const sync = (progress: Record<string, unknown>): Sync => ({ id: 's', table_progress: progress })
const cut = (value: unknown, keep: number, space?: number): unknown =>
  JSON.parse(cutTableProgress(JSON.stringify(value, null, space), keep))

describe('cutTableProgress', () => {
  it('leaves a map of no more tables than it keeps as it is, text and all', () => {
    const text = JSON.stringify(sync({ a: 1, b: 2 }))
    expect(cutTableProgress(text, 2)).toBe(text)
  })

  it('keeps the tables with the most rows, in their order, and says how many there were', () => {
    expect(cut(sync({ a: 5, b: 1, c: 9, d: 5, e: 0 }), 3)).toEqual({
      id: 's',
      tablesReported: 5,
      table_progress: { a: 5, c: 9, d: 5 }
    })
  })

  it('breaks ties in the order of the answer, and ranks what is no count last', () => {
    const progress = { a: 'lots', b: 2, c: 2, d: -1, e: 2.5, f: { rows: 9 }, g: 2 }
    expect(cut(sync(progress), 2)).toEqual({
      id: 's',
      tablesReported: 7,
      table_progress: { b: 2, c: 2 }
    })
  })

  it('cuts every sync of a page, pretty-printed or not, and only the table_progress members', () => {
    const page = {
      items: [
        { id: 'x', note: 'a "table_progress": {"q": 1} in text', table_progress: { a: 1, b: 2 } },
        { id: 'y', extra: { table_progress: 'not a map' }, table_progress: { c: 3, d: 4, e: 5 } }
      ],
      metadata: { total_count: 2 }
    }
    for (const space of [undefined, 2]) {
      expect(cut(page, 2, space)).toEqual({
        items: [
          page.items[0],
          { ...page.items[1], tablesReported: 3, table_progress: { d: 4, e: 5 } }
        ],
        metadata: { total_count: 2 }
      })
    }
  })

  it('reads table names with quotes, backslashes and the names of other members', () => {
    const progress = { 'a\\"b': 3, '\\': 2, table_progress: 1, '}': 4, '"': 5 }
    expect(cut(sync(progress), 3)).toEqual({
      id: 's',
      tablesReported: 5,
      table_progress: { 'a\\"b': 3, '}': 4, '"': 5 }
    })
  })

  it('leaves text that does not read as JSON for JSON.parse to judge', () => {
    for (const text of [
      '{"table_progress": {"a": 1, "b": 2, "c"',
      '{"table_progress": {"a": 1 "b": 2}}',
      'not json "table_progress": {'
    ]) {
      expect(cutTableProgress(text, 1)).toBe(text)
    }
  })

  it('keeps exactly the highest ranked tables of any map (property)', () => {
    const rows = fc.oneof(fc.nat(1000), fc.constant(-3), fc.constant('many'), fc.constant(null))
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), rows),
        fc.integer({ min: 1, max: 20 }),
        (map, keep) => {
          const entries = Object.entries(map)
          const result = cut(sync(map), keep) as Sync
          const kept = Object.entries(result.table_progress!)
          expect(kept.length).toBe(Math.min(keep, entries.length))
          expect(result.tablesReported).toBe(entries.length > keep ? entries.length : undefined)
          const rank = (value: unknown): number =>
            Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : -1
          const keptNames = new Set(kept.map(([name]) => name))
          for (const [name, value] of kept) expect(map[name]).toEqual(value)
          const lowestKept = Math.min(...kept.map(([, value]) => rank(value)))
          const dropped = entries.filter(([name]) => !keptNames.has(name))
          expect(dropped.every(([, value]) => rank(value) <= lowestKept)).toBe(true)
        }
      )
    )
  })
})
