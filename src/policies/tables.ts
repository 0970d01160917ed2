// The tables each counted policy reads, so the verdict can cross-check them against the tables the
// run wrote: `POST /queries/columns` once per distinct query of the policies a threshold counts
// (never of all 10,000), a few in flight, within a request budget. A query the Platform cannot read
// (a 400), or one whose top level reads only subqueries (an empty list), leaves the policy's tables
// untold: its coverage is unknown, never complete.

import type { Thresholds } from '../inputs/config.js'
import { mapWithConcurrency } from '../lib/concurrency.js'
import { oneLine } from '../lib/log-safety.js'
import { plural } from '../lib/text.js'
import { PlatformError } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import { countedByThresholds } from './counting.js'
import { failureWarning } from './per-policy.js'
import type { Tracked } from './tracked.js'

/** Queries looked up at once. */
const LOOKUP_CONCURRENCY = 8
/**
 * Most distinct queries looked up in one run: one request each. Counted policies beyond it keep
 * their coverage unknown (shown, not failed) rather than the gate sending thousands of requests.
 */
const MAX_TABLE_LOOKUPS = 2_000

/** What was learned of one query: its tables, or why they are unknown. */
export type QueryTables = { tables: string[] } | { unknown: string }

/** What the lookups learned, by tracked policy; the stage puts it on the results at the end. */
export interface LearnedTables {
  of: Map<Tracked, QueryTables>
  /** Requests sent (one per distinct query looked up). */
  lookups: number
  warnings: string[]
}

export async function learnTables(
  tracked: readonly Tracked[],
  thresholds: Thresholds,
  { client, signal }: Pick<StageDeps, 'client' | 'signal'>,
  budget = MAX_TABLE_LOOKUPS
): Promise<LearnedTables> {
  const byQuery = new Map<string, Tracked[]>()
  const of = new Map<Tracked, QueryTables>()
  for (const t of tracked) {
    if (!countedByThresholds(t.result.severity, thresholds)) continue
    if (!t.query?.trim()) of.set(t, { unknown: 'the Platform gave no query for it' })
    else byQuery.set(t.query, [...(byQuery.get(t.query) ?? []), t])
  }
  const queries = [...byQuery.keys()]
  const looked = queries.slice(0, budget)
  const failures: string[] = []
  const answers = await mapWithConcurrency(looked, LOOKUP_CONCURRENCY, async (query) => {
    // A cancelled workflow sends no more requests.
    if (signal?.aborted) return { unknown: 'the workflow was cancelled before it was looked up' }
    return lookUp(query, client, (failure) => {
      for (const t of byQuery.get(query)!)
        failures.push(`"${oneLine(t.result.name, 80)}": ${failure}`)
    })
  })
  looked.forEach((query, index) => byQuery.get(query)!.forEach((t) => of.set(t, answers[index])))
  const overBudget: QueryTables = {
    unknown: `not looked up: this action learns the tables of at most ${budget} distinct queries in one run`
  }
  for (const query of queries.slice(looked.length))
    byQuery.get(query)!.forEach((t) => of.set(t, overBudget))
  const warnings = failureWarning('Could not learn the tables', failures)
  if (queries.length > looked.length) {
    warnings.push(
      `The counted policies have ${plural(queries.length, 'distinct query', 'distinct queries')}: the tables of ${budget} were learned, the others' coverage is unknown.`
    )
  }
  return { of, lookups: looked.length, warnings }
}

/**
 * One query's tables. A 400 is the Platform saying it cannot read the query, an answer in its own
 * right; any other failure is also reported through `failed`, for the stage's one warning.
 */
async function lookUp(
  query: string,
  client: StageDeps['client'],
  failed: (message: string) => void
): Promise<QueryTables> {
  try {
    const answer = await client.queryColumns(query)
    const tables: unknown = answer.top_level_tables
    if (!Array.isArray(tables) || !tables.every((table) => typeof table === 'string')) {
      return { unknown: 'the Platform answered no list of tables for its query' }
    }
    return { tables: [...new Set(tables)] }
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error
    if (error.status === 400) {
      return {
        unknown: 'the Platform could not read its query (400), so its tables cannot be told'
      }
    }
    failed(error.message)
    return { unknown: `its tables could not be learned: ${error.message}` }
  }
}

/** Puts what was learned on each counted policy's result. */
export function applyTables(learned: LearnedTables): void {
  for (const [t, answer] of learned.of) {
    if ('tables' in answer) t.result.tables = answer.tables
    else t.result.tablesUnknown = answer.unknown
  }
}
