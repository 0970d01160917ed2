// The JSON report (`report-file`): everything both stages learned, for later steps and other tools.
// Its shape is a contract, described by docs/report-schema.json: every field is always present
// (`null` when unknown), names are camelCase, and any incompatible change bumps `schemaVersion`.

import type { Redactor } from '../../lib/log-safety.js'
import type { PolicyViolation } from '../../platform/types.js'
import type { PolicyOutcome, PolicyResult, ViolatingResource } from '../../policies/outcome.js'
import {
  figuresOf,
  gateRow,
  judgementOf,
  withoutResources,
  stalePolicies,
  violatingPolicies,
  type RunReport
} from '../model.js'
import { writeJsonFile, type WritePlaces } from './write-file.js'
import { redacted } from '../render/redact.js'
import type { GateRow, RowKey } from '../../verdict/figures.js'
import type { Gate } from '../../verdict/gate.js'
import { jsonCoverage, jsonPolicyCoverage } from './coverage.js'
import { jsonBaseline, jsonBaselineSource, jsonExceptions } from './resources.js'
import { finiteOrNull, text } from './values.js'
import { jsonSync } from './sync.js'
import type { JsonPolicies, JsonPolicy, JsonReport, JsonRows, JsonSample } from './types.js'

export function toJsonReport(report: RunReport, redact: Redactor): JsonReport {
  // The resource ids go straight into the baseline section: a deep copy of them for redaction
  // would double the largest part of the report (the written text is redacted as a whole too).
  const baseline = report.policies ? jsonBaseline(report.policies, report, redact) : null
  return redacted(withoutResources(report), redact, (safe) => ({
    schemaVersion: 1,
    actionVersion: safe.actionVersion,
    result: safe.verdict.result,
    reasons: safe.verdict.reasons.map((reason) => reason.text),
    reasonKinds: safe.verdict.reasons.map((reason) => reason.kind),
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
    exceptions: jsonExceptions(safe.verdict.resources, safe.verdict.gate)
  }))
}

/** The JSON report, written whole or not at all (see writeJsonFile). */
export async function writeJsonReport(
  path: string,
  report: RunReport,
  redact: Redactor,
  places: WritePlaces
): Promise<void> {
  const json = JSON.stringify(toJsonReport(report, redact), null, 2)
  await writeJsonFile(path, json, redact, places)
}

function jsonPolicies(outcome: PolicyOutcome, gate: Gate, report: RunReport): JsonPolicies {
  const thresholds = perRow(gate, (row) => row.allowed ?? null)
  return {
    mode: outcome.mode,
    gateOn: text(report.gateOn),
    freshAfter: text(outcome.freshAfter),
    verdict: gate.verdict,
    reasons: report.verdict.reasons
      .filter((reason) => ['threshold', 'stale', 'coverage'].includes(reason.kind))
      .map((reason) => reason.text),
    thresholds: {
      critical: thresholds.critical,
      high: thresholds.high,
      medium: thresholds.medium,
      low: thresholds.low,
      total: thresholds.total
    },
    violations: perRow(gate, (row) => row.violations),
    outOfScopeViolations: perRow(gate, (row) => row.outOfScope),
    suppressedViolations: perRow(gate, (row) => row.suppressed),
    newViolations: report.verdict.resources?.baseline ? perRow(gate, (row) => row.new) : null,
    countedViolations: perRow(gate, (row) => row.counted),
    status: perRow(gate, (row) => row.status),
    baselineFile: report.verdict.resources?.baseline ?? null,
    scope: report.verdict.resources?.scope ?? null,
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
    evaluationWaitSeconds: Math.round(outcome.evaluationWaitMs / 1000),
    coverage: jsonCoverage(gate.coverage)
  }
}

/**
 * One value per row of the gate, keyed as the schema has it (`unknownSeverity` for the severities
 * this action does not know, the row a gate has only when some policy has one).
 */
function perRow<T>(gate: Gate, value: (row: GateRow) => T): JsonRows<T> {
  const of = (key: RowKey): T => {
    const row = gateRow(gate, key)
    return value(
      row ?? {
        key,
        violations: 0,
        outOfScope: 0,
        suppressed: 0,
        new: 0,
        counted: 0,
        status: 'no-limit'
      }
    )
  }
  return {
    critical: of('critical'),
    high: of('high'),
    medium: of('medium'),
    low: of('low'),
    unknownSeverity: of('other'),
    total: of('total')
  }
}

function jsonPolicy(policy: PolicyResult, report: RunReport): JsonPolicy {
  const judged = judgementOf(report, policy)
  const figures = figuresOf(report, policy)
  const entries = report.verdict.resources?.exceptions ?? []
  return {
    id: String(policy.id),
    name: String(policy.name),
    severity: String(policy.severity),
    domain: String(policy.domain),
    queryId: text(policy.queryId),
    groups: policy.groups.map(String),
    violations: figures ? figures.violations : finiteOrNull(policy.violations),
    previousViolations: finiteOrNull(policy.previousViolations),
    newViolations: figures?.new ?? null,
    fixedViolations: figures?.fixed ?? null,
    unchangedViolations: figures?.unchanged ?? null,
    outOfScopeViolations: figures?.outOfScope ?? null,
    suppressedViolations: figures?.suppressed ?? null,
    countedViolations: figures?.counted ?? null,
    judged: figures?.judged ?? false,
    unknownBecause: text(figures?.unknownBecause),
    coverage: jsonPolicyCoverage(report.verdict.gate?.coverage?.policies[policy.id]),
    suppressedBy: (judged?.suppressedBy ?? []).map(({ entry, count }) => ({
      line: entries[entry].entry.line,
      count,
      reason: text(entries[entry].entry.reason),
      owner: text(entries[entry].entry.owner),
      link: text(entries[entry].entry.link),
      expires: text(entries[entry].entry.expires)
    })),
    newSamples: (judged?.newSamples ?? []).map(resourceSample),
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
