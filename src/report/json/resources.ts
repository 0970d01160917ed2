// The per-resource parts of the JSON report: the baseline section (which makes the report a
// baseline file), and the exceptions and their fate.

import { BASELINE_FORMAT, BASELINE_VERSION } from '../../lib/baseline-format.js'
import type { Redactor } from '../../lib/log-safety.js'
import type { PolicyOutcome } from '../../policies/outcome.js'
import type { ResourceVerdict } from '../../verdict/resources.js'
import type { JsonBaseline, JsonBaselineSource, JsonExceptions } from './types.js'
import { text } from './values.js'
import { baselineAgeHours } from '../render/wording.js'
import { totalRow, type RunReport } from '../model.js'
import type { Gate } from '../../verdict/gate.js'

/** Every policy whose resources were read, with their fingerprints: a baseline for a later run. */
export function jsonBaseline(
  outcome: PolicyOutcome,
  report: RunReport,
  redact: Redactor
): JsonBaseline | null {
  const read = outcome.policies.filter((policy) => policy.resources !== undefined)
  if (read.length === 0) return null
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: report.finishedAt || report.startedAt,
    selection: outcome.baselineSelection
      ? {
          groups: outcome.baselineSelection.groups.map(redact),
          policies: outcome.baselineSelection.policies.map(redact),
          severities: [...outcome.baselineSelection.severities],
          domains: [...outcome.baselineSelection.domains]
        }
      : null,
    policies: read.map((policy) => ({
      id: redact(String(policy.id)),
      name: redact(String(policy.name)),
      // A resource without a fingerprint cannot be compared later, so it is not a baseline entry.
      resources: policy.resources!.flatMap(({ platformId }) => (platformId ? [platformId] : []))
    }))
  }
}

/** Which baseline judged; its age as of the report, so that a reader need not know when it ran. */
export function jsonBaselineSource(report: RunReport): JsonBaselineSource | null {
  const source = report.baselineSource
  if (!source) return null
  const { artifact } = source
  return {
    kind: artifact ? 'artifact' : 'file',
    path: source.path,
    artifact: artifact
      ? { ...artifact, ageHours: baselineAgeHours(artifact.createdAt, report.finishedAt) }
      : null
  }
}

export function jsonExceptions(
  resources: ResourceVerdict | undefined,
  gate: Gate | undefined
): JsonExceptions | null {
  if (resources?.exceptionsFile === undefined) return null
  return {
    file: resources.exceptionsFile,
    // The gate's total, as every other surface shows it; null when some policy's is unknown.
    suppressedViolations: gate ? totalRow(gate).suppressed : null,
    entries: resources.exceptions.map(({ entry, state, problem, expiringSoon, matched }) => ({
      line: entry.line,
      policy: text(entry.policy),
      state,
      problem: text(problem),
      reason: text(entry.reason),
      owner: text(entry.owner),
      link: text(entry.link),
      expires: text(entry.expires),
      expiringSoon,
      matched
    }))
  }
}
