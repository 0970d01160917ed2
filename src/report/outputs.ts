// The step's outputs: every name from action.yml, always set, empty where the value is unknown, so
// a later step can test `steps.<id>.outputs.<name> != ''` instead of guessing.

import { SEVERITY_ORDER } from '../lib/severity.js'
import { isCount } from '../lib/text.js'
import type { Redactor } from '../lib/log-safety.js'
import {
  gateRow,
  reportedStatus,
  stalePolicies,
  totalRow,
  syncTotals,
  violatingPolicies,
  worstRun,
  type RunReport
} from './model.js'
import { redacted } from './render/redact.js'

export const OUTPUT_NAMES = [
  'sync-run-id',
  'sync-run-status',
  'sync-run-status-reason',
  'sync-total-rows',
  'sync-errors',
  'sync-warnings',
  'sync-duration-seconds',
  'sync-runs',
  'result',
  'report-file',
  'violations',
  'critical-violations',
  'high-violations',
  'medium-violations',
  'low-violations',
  'new-violations',
  'suppressed-violations',
  'counted-violations',
  'out-of-scope-violations',
  'violating-policies',
  'stale-policies'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

type Outputs = Partial<Record<OutputName, string>>

/** `reportFile`: the path the JSON report was written to; empty when it was not written. */
export function outputsOf(
  report: RunReport,
  redact: Redactor,
  reportFile = ''
): Record<OutputName, string> {
  return redacted(report, redact, (safe) => {
    const known: Outputs = {
      ...syncOutputs(safe),
      ...policyOutputs(safe),
      result: safe.verdict.result,
      'report-file': reportFile
    }
    return Object.fromEntries(OUTPUT_NAMES.map((name) => [name, known[name] ?? ''])) as Record<
      OutputName,
      string
    >
  })
}

/**
 * For one sync, its run. For several: the run with the worst status, the totals (each empty when
 * any run's figure is unknown) and the longest duration; `sync-runs` has every run.
 */
function syncOutputs(report: RunReport): Outputs {
  const view = worstRun(report.syncs)?.view
  const totals = syncTotals(report.syncs)
  return {
    'sync-run-id': token(view?.id),
    'sync-run-status': token(view && reportedStatus(view)),
    'sync-run-status-reason': token(view?.statusReason),
    'sync-total-rows': numberOutput(totals.rows),
    'sync-errors': numberOutput(totals.errors),
    'sync-warnings': numberOutput(totals.warnings),
    'sync-duration-seconds': numberOutput(totals.longestSeconds),
    'sync-runs': JSON.stringify(syncRuns(report))
  }
}

interface SyncRunOutput {
  id: string | null
  status: string | null
  rows: number | null
  errors: number | null
  warnings: number | null
  durationSeconds: number | null
  kind: string
}

/**
 * Sync name → its run, for `fromJSON(steps.x.outputs.sync-runs)['aws-prod'].status`; only syncs
 * with a run (`{}` without one). The name is the workflow's own; the rest is the Platform's, so
 * cleaned as the single-value outputs are.
 */
function syncRuns(report: RunReport): Record<string, SyncRunOutput> {
  const count = (value: unknown): number | null => (isCount(value) ? value : null)
  const word = (value: string | null | undefined): string | null => token(value) || null
  return Object.fromEntries(
    report.syncs.flatMap(({ syncName, view, durationSeconds, kind }) => {
      if (!view) return []
      const run: SyncRunOutput = {
        id: word(view.id),
        status: word(reportedStatus(view)),
        rows: count(view.rows),
        errors: count(view.errors),
        warnings: count(view.warnings),
        durationSeconds: count(durationSeconds),
        kind: token(kind)
      }
      return [[syncName, run]]
    })
  )
}

/** The gate's figures, exactly as its table shows them; empty where a figure is unknown. */
function policyOutputs(report: RunReport): Outputs {
  const outcome = report.policies
  const gate = report.verdict.gate
  if (!outcome || !gate) return {}
  const total = totalRow(gate)
  const outputs: Outputs = {
    violations: numberOutput(total.violations),
    'new-violations': numberOutput(total.new),
    'suppressed-violations': numberOutput(total.suppressed),
    'counted-violations': numberOutput(total.counted),
    'out-of-scope-violations': numberOutput(total.outOfScope),
    'violating-policies': numberOutput(violatingPolicies(outcome).length),
    'stale-policies': numberOutput(stalePolicies(outcome).length)
  }
  for (const severity of SEVERITY_ORDER) {
    outputs[`${severity}-violations`] = numberOutput(gateRow(gate, severity)?.violations)
  }
  return outputs
}

function numberOutput(value: number | null | undefined): string {
  return isCount(value) ? String(value) : ''
}

/**
 * Ids and statuses are words; anything else the Platform sends is replaced, because workflows
 * interpolate outputs into shell scripts (`run: echo ${{ steps.x.outputs.sync-run-status }}`),
 * where a quote or `$(` from the server would be code.
 */
function token(value: string | null | undefined): string {
  return value == null
    ? ''
    : String(value)
        .slice(0, 100)
        .replace(/[^A-Za-z0-9_.-]/g, '_')
}
