// The JSON report's coverage: the gate's cross-check of each counted policy's tables against the
// tables the runs wrote, as the verdict made it.

import type { GateCoverage, PolicyCoverage } from '../../verdict/coverage.js'
import { coverageTally } from '../render/wording.js'
import type { JsonCoverage, JsonPolicyCoverage } from './types.js'
import { finiteOrNull, text } from './values.js'

export function jsonCoverage(coverage: GateCoverage | undefined): JsonCoverage | null {
  if (!coverage) return null
  const tally = coverageTally(coverage)
  return {
    checked: coverage.skipped === undefined,
    skipped: text(coverage.skipped),
    tableErrors: coverage.tableErrors,
    complete: tally.complete,
    withTableErrors: tally['table-errors'],
    onEarlierData: tally['earlier-data'],
    unknown: tally.unknown,
    failedSyncs: coverage.failedSyncs.map(({ syncName, policyIds }) => ({
      syncName: String(syncName),
      policies: policyIds.map(String)
    }))
  }
}

export function jsonPolicyCoverage(
  coverage: PolicyCoverage | undefined
): JsonPolicyCoverage | null {
  if (!coverage) return null
  return {
    status: coverage.status,
    failsGate: coverage.fails,
    tables: coverage.tables.map((table) => ({
      table: String(table.table),
      written: table.written,
      rows: finiteOrNull(table.rows),
      errors: finiteOrNull(table.errors),
      panics: finiteOrNull(table.panics),
      failedSyncs: table.failedSyncs.map(String)
    })),
    unknownBecause: text(coverage.unknownBecause)
  }
}
