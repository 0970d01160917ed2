// A baseline's format, shared by every way of getting one (a file, `baseline-file`; an artifact,
// `baseline-artifact`) and by the report that writes one: how a JSON document is checked and read
// as a baseline, and whether a baseline made for one policy selection covers another's.

import { quoteList } from './text.js'

export const BASELINE_FORMAT = 'cloudquery-platform-baseline'
export const BASELINE_VERSION = 1

/** The policy selection a baseline was made for, as the workflow configured it. */
export interface BaselineSelection {
  groups: string[]
  policies: string[]
  severities: string[]
  domains: string[]
}

export interface ParsedBaseline {
  createdAt: string
  /** Policy id → its violating resources' `_cq_platform_id`s. */
  policies: Map<string, Set<string>>
  /** Absent in a baseline written before the selection was recorded. */
  selection?: BaselineSelection
}

/** What a baseline is, for the messages that say a document is not one. */
export const BASELINE_EXPECTED = `the JSON report of an earlier run (report-file) or a file written by "baseline-write": a JSON object whose "baseline" has "format": "${BASELINE_FORMAT}", "version": ${BASELINE_VERSION}, "createdAt" and "policies": [{ "id", "resources": [...] }]`

const SELECTION_KINDS = [
  ['groups', 'policy-groups'],
  ['policies', 'policies'],
  ['severities', 'severities'],
  ['domains', 'domains']
] as const

/** Reads a parsed JSON document as a baseline, or says what is wrong with it. */
export function parseBaseline(json: unknown): { baseline: ParsedBaseline } | { problem: string } {
  const baseline = field(json, 'baseline')
  if (!isObject(baseline)) {
    return {
      problem: `has no "baseline" object (a report of a run that read no resources has "baseline": null)`
    }
  }
  const { format, version, createdAt, policies, selection } = baseline
  if (format !== BASELINE_FORMAT || version !== BASELINE_VERSION) {
    return {
      problem: `has "format": ${JSON.stringify(format)}, "version": ${JSON.stringify(version)}`
    }
  }
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    return { problem: `has "createdAt": ${JSON.stringify(createdAt)}, not a date-time` }
  }
  if (!Array.isArray(policies)) return { problem: 'has no "policies" list' }
  const byId = new Map<string, Set<string>>()
  for (const [index, policy] of policies.entries()) {
    const id = field(policy, 'id')
    const resources = field(policy, 'resources')
    if (typeof id !== 'string' || !isStringList(resources)) {
      return {
        problem: `has policies[${index}] without a string "id" and a "resources" list of strings`
      }
    }
    byId.set(id, new Set(resources))
  }
  if (selection !== undefined && selection !== null && !isSelection(selection)) {
    return {
      problem: `has a "selection" that is not { "groups", "policies", "severities", "domains" }, each a list of strings`
    }
  }
  return { baseline: { createdAt, policies: byId, selection: selection ?? undefined } }
}

/**
 * What the gate selects that the baseline's selection leaves out, one phrase per input that
 * differs; empty when the baseline covers the gate. Compared as configured (names, not resolved
 * ids): an empty list selects everything of its kind, so it covers any list, and is covered only
 * by another empty one.
 */
function uncoveredSelection(baseline: BaselineSelection, gate: BaselineSelection): string[] {
  return SELECTION_KINDS.flatMap(([kind, input]) => {
    const made = baseline[kind]
    if (made.length === 0) return []
    const has = new Set(made.map((name) => name.toLowerCase()))
    const selected = gate[kind]
    const only = `the baseline was made for ${input} ${quoteList(made, 10)} only`
    if (selected.length === 0) return [`"${input}": ${only}, this workflow selects every one`]
    const extra = selected.filter((name) => !has.has(name.toLowerCase()))
    return extra.length === 0
      ? []
      : [`"${input}": ${only}, this workflow also selects ${quoteList(extra, 10)}`]
  })
}

/**
 * Why a baseline cannot judge this workflow's selection (it was made for a narrower one), naming
 * each difference; undefined when it can, or when it does not say what it was made for (a baseline
 * written before the selection was recorded: the verdict then checks it against the policies).
 */
export function otherSelectionProblem(
  input: 'baseline-file' | 'baseline-artifact',
  what: string,
  baseline: ParsedBaseline,
  selection: BaselineSelection
): string | undefined {
  if (!baseline.selection) return undefined
  const differences = uncoveredSelection(baseline.selection, selection)
  if (differences.length === 0) return undefined
  return `Input "${input}": ${what} was made for another policy selection, so the policies it lacks would count all their violating resources as new: ${differences.join('; ')}. Make the baseline with a selection that covers this gate's (the baseline's job can select everything: leave its "policy-groups", "policies", "severities" and "domains" empty), or narrow this gate's selection to the baseline's.`
}

function isSelection(value: unknown): value is BaselineSelection {
  return SELECTION_KINDS.every(([kind]) => isStringList(field(value, kind)))
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
