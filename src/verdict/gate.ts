// The gate: the policies' figures against the workflow's thresholds, as a pure function, so every
// rule is tested without HTTP. It fails on a breached threshold, on a stale result, and on a
// figure a threshold needs but the action could not know: what it could not see never passes.

import type { GateOn, Thresholds } from '../inputs/config.js'
import { oneLine } from '../lib/log-safety.js'
import { plural } from '../lib/text.js'
import type { PolicyResult } from '../policies/outcome.js'
import type { GateCoverage } from './coverage.js'
import { gateRows, type GateRow, type PolicyFigures } from './figures.js'
import { reason, type Reason } from './reasons.js'

/** Policies named in a reason; the summary lists them all. */
const NAMES_LISTED = 5

export interface GateInput {
  /** Every selected policy, most severe first. */
  policies: readonly PolicyResult[]
  figures: Readonly<Record<string, PolicyFigures>>
  thresholds: Thresholds
  gateOn: GateOn
}

export interface Gate {
  verdict: 'pass' | 'fail'
  gateOn: GateOn
  /** Most severe first, then the severities this action does not know (if any), then the total. */
  rows: GateRow[]
  /** Policy id → its figures; every selected policy. */
  policies: Record<string, PolicyFigures>
  /** What each counted policy's result covers of the run's data (see `crossCheck`). */
  coverage?: GateCoverage
}

export function evaluateGate(input: GateInput): { gate: Gate; reasons: Reason[] } {
  const rows = gateRows(input.policies, input.figures, input.thresholds)
  const countNew = input.gateOn === 'new'
  const reasons = rows
    .filter((row) => row.status === 'breached')
    .map((row) => reason('threshold', breachReason(row, countNew)))
  reasons.push(...unseenReasons(input))
  const gate: Gate = {
    verdict: reasons.length > 0 ? 'fail' : 'pass',
    gateOn: input.gateOn,
    rows,
    policies: { ...input.figures }
  }
  return { gate, reasons }
}

/**
 * Stale results fail the gate whatever the counts (the gate cannot vouch for them); so does a
 * policy a threshold counts whose counted figure is unknown for another reason.
 */
function unseenReasons({ policies, figures }: GateInput): Reason[] {
  const reasons: Reason[] = []
  const stale = policies.filter((policy) => policy.stale)
  if (stale.length > 0) {
    reasons.push(
      reason(
        'stale',
        `${plural(stale.length, 'policy', 'policies')} with no fresh result (neither re-evaluated after the sync run nor executed): stale results, so the gate cannot vouch for them`
      )
    )
  }
  const unknown = policies.filter(
    (policy) => !policy.stale && figures[policy.id].judged && figures[policy.id].counted === null
  )
  if (unknown.length > 0) {
    const named = unknown
      .slice(0, NAMES_LISTED)
      .map((policy) => `"${oneLine(policy.name, 80)}" (${figures[policy.id].unknownBecause})`)
    const more = unknown.length > NAMES_LISTED ? ` and ${unknown.length - NAMES_LISTED} more` : ''
    reasons.push(
      reason(
        'stale',
        `${plural(unknown.length, 'policy', 'policies')} counted by the thresholds with an unknown figure, so the gate cannot vouch for them: ${named.join('; ')}${more}`
      )
    )
  }
  return reasons
}

function breachReason(row: GateRow, countNew: boolean): string {
  const word = countNew ? 'new ' : ''
  const counted = row.counted ?? 0
  return row.key === 'total'
    ? `${plural(counted, `${word}violation`)} in all; at most ${row.allowed} allowed (max-violations)`
    : `${plural(counted, `${word}${row.key} violation`)}; at most ${row.allowed} allowed (max-${row.key}-violations)`
}
