// The step's outputs: every name from action.yml, always set, empty where the value is unknown, so
// a later step can test `steps.<id>.outputs.<name> != ''` instead of guessing.

import { SEVERITY_ORDER } from '../lib/severity.js'
import { isCount } from '../lib/text.js'
import type { Redactor } from '../lib/log-safety.js'
import { stalePolicies, violatingPolicies, violationTotals, type RunReport } from './model.js'
import { redacted } from './redact.js'

export const OUTPUT_NAMES = [
  'sync-run-id',
  'sync-run-status',
  'sync-run-status-reason',
  'sync-total-rows',
  'sync-errors',
  'sync-warnings',
  'sync-duration-seconds',
  'result',
  'report-file',
  'violations',
  'critical-violations',
  'high-violations',
  'medium-violations',
  'low-violations',
  'new-violations',
  'suppressed-violations',
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

function syncOutputs(report: RunReport): Outputs {
  const [sync] = report.syncs
  const run = sync?.run
  return {
    'sync-run-id': token(run?.id),
    'sync-run-status': token(run?.status),
    'sync-run-status-reason': token(run?.status_reason),
    'sync-total-rows': numberOutput(run?.total_rows),
    'sync-errors': numberOutput(run?.errors),
    'sync-warnings': numberOutput(run?.warnings),
    'sync-duration-seconds': numberOutput(sync?.durationSeconds)
  }
}

function policyOutputs(report: RunReport): Outputs {
  const outcome = report.policies
  if (!outcome) return {}
  const totals = violationTotals(outcome, report.verdict)
  const outputs: Outputs = {
    violations: numberOutput(totals.violations),
    'new-violations': numberOutput(totals.newViolations),
    'suppressed-violations': numberOutput(totals.suppressed),
    'violating-policies': numberOutput(violatingPolicies(outcome).length),
    'stale-policies': numberOutput(stalePolicies(outcome).length)
  }
  for (const severity of SEVERITY_ORDER) {
    outputs[`${severity}-violations`] = numberOutput(outcome.violations[severity])
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
