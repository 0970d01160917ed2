// The JSON report (`report-file`): everything both stages learned, for later steps and other tools.
// Its shape is a contract, described by docs/report-schema.json: every field is always present
// (`null` when unknown), names are camelCase, and any incompatible change bumps `schemaVersion`.

import type { SeverityCounts } from '../../lib/severity.js'
import type { Redactor } from '../../lib/log-safety.js'
import type { PolicyViolation } from '../../platform/types.js'
import type { PolicyOutcome, PolicyResult, ViolatingResource } from '../../policies/outcome.js'
import {
  judgementOf,
  withoutResources,
  stalePolicies,
  violatingPolicies,
  violationTotals,
  type RunReport
} from '../model.js'
import { writeJsonFile } from './write-file.js'
import { redacted } from '../render/redact.js'
import type { GateVerdict } from '../../verdict/gate.js'
import { jsonBaseline, jsonBaselineSource, jsonExceptions, newPerSeverity } from './resources.js'
import { finiteOrNull, text } from './values.js'
import { jsonSync } from './sync.js'
import type {
  JsonPolicies,
  JsonPolicy,
  JsonReport,
  JsonSample,
  JsonSeverityValues
} from './types.js'

export function toJsonReport(report: RunReport, redact: Redactor): JsonReport {
  // The resource ids go straight into the baseline section: a deep copy of them for redaction
  // would double the largest part of the report (the written text is redacted as a whole too).
  const baseline = report.policies ? jsonBaseline(report.policies, report, redact) : null
  return redacted(withoutResources(report), redact, (safe) => ({
    schemaVersion: 1,
    actionVersion: safe.actionVersion,
    result: safe.verdict.result,
    reasons: safe.verdict.reasons,
    softFail: safe.softFail,
    cancelled: safe.cancelled,
    platformUrl: text(safe.platformUrl),
    platformVersion: text(safe.platformVersion),
    startedAt: safe.startedAt,
    finishedAt: text(safe.finishedAt),
    syncName: text(safe.syncs[0]?.syncName ?? safe.syncNames[0]),
    sync: safe.syncs[0] ? jsonSync(safe.syncs[0]) : null,
    syncs: safe.syncs.map(jsonSync),
    policies:
      safe.policies && safe.verdict.gate
        ? jsonPolicies(safe.policies, safe.verdict.gate, safe)
        : null,
    policiesSkipped: text(safe.policiesSkipped),
    errors: safe.errors.map(({ stage, message }) => ({ stage, message })),
    baseline,
    baselineSource: jsonBaselineSource(safe),
    exceptions: jsonExceptions(safe.verdict.resources)
  }))
}

/** The JSON report, written whole or not at all (see writeJsonFile). */
export async function writeJsonReport(
  path: string,
  report: RunReport,
  redact: Redactor
): Promise<void> {
  await writeJsonFile(path, JSON.stringify(toJsonReport(report, redact), null, 2), redact)
}

function jsonPolicies(outcome: PolicyOutcome, gate: GateVerdict, report: RunReport): JsonPolicies {
  const totals = violationTotals(outcome, report.verdict)
  const perSeverity = (counts: SeverityCounts, unknown: number, total: number) => ({
    critical: counts.critical,
    high: counts.high,
    medium: counts.medium,
    low: counts.low,
    unknownSeverity: unknown,
    total
  })
  const thresholds = Object.fromEntries(
    gate.rows.map((row) => [row.severity, row.allowed ?? null])
  ) as JsonSeverityValues<number | null>
  return {
    mode: outcome.mode,
    gateOn: text(report.gateOn),
    freshAfter: text(outcome.freshAfter),
    verdict: gate.verdict,
    reasons: gate.reasons,
    thresholds,
    violations: perSeverity(
      outcome.violations,
      outcome.unknownSeverityViolations,
      totals.violations
    ),
    newViolations: newPerSeverity(gate, report.verdict.resources),
    baselineFile: report.verdict.resources?.baseline ?? null,
    selectedPolicies: outcome.policies.length,
    violatingPolicies: violatingPolicies(outcome).length,
    stalePolicies: stalePolicies(outcome).length,
    policies: outcome.policies.map((policy) => jsonPolicy(policy, report)),
    trend: outcome.trend.map((point) => ({
      date: String(point.date),
      violations: finiteOrNull(point.violations)
    })),
    // The baseline's own warnings (its age, policies it lacks) beside the stage's.
    warnings: [...outcome.warnings, ...(report.verdict.resources?.warnings ?? [])],
    evaluationWaitSeconds: Math.round(outcome.evaluationWaitMs / 1000)
  }
}

function jsonPolicy(policy: PolicyResult, report: RunReport): JsonPolicy {
  const judged = judgementOf(report, policy)
  const compared = judged?.compared ? judged : undefined
  const entries = report.verdict.resources?.exceptions ?? []
  return {
    id: String(policy.id),
    name: String(policy.name),
    severity: String(policy.severity),
    domain: String(policy.domain),
    queryId: text(policy.queryId),
    groups: policy.groups.map(String),
    violations: finiteOrNull(policy.violations),
    previousViolations: finiteOrNull(policy.previousViolations),
    newViolations: finiteOrNull(compared?.newCounted),
    fixedViolations: finiteOrNull(compared?.fixed),
    unchangedViolations: finiteOrNull(compared?.unchanged),
    suppressedViolations: finiteOrNull(judged?.suppressed),
    suppressedBy: (judged?.suppressedBy ?? []).map(({ entry, count }) => ({
      line: entries[entry].entry.line,
      count,
      reason: text(entries[entry].entry.reason),
      owner: text(entries[entry].entry.owner),
      expires: text(entries[entry].entry.expires)
    })),
    newSamples: (compared?.newSamples ?? []).map(resourceSample),
    evaluatedAt: text(policy.evaluatedAt),
    source: policy.source,
    stale: policy.stale,
    samples: policy.samples.map(jsonSample)
  }
}

function jsonSample(sample: PolicyViolation): JsonSample {
  return {
    name: text(sample.name),
    resourceType: text(sample.resource_type_label),
    account: text(sample._cq_account_name ?? sample.account_id),
    region: text(sample.region),
    cloud: text(sample.cloud),
    platformId: text(sample._cq_platform_id)
  }
}

function resourceSample(resource: ViolatingResource): JsonSample {
  return jsonSample({
    name: resource.name,
    _cq_account_name: resource.accountName,
    account_id: resource.accountId,
    region: resource.region,
    _cq_platform_id: resource.platformId
  })
}
