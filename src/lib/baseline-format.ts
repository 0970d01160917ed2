// A baseline's format, shared by every way of getting one (a file, `baseline-file`; an artifact,
// `baseline-artifact`) and by the report that writes one: how a JSON document is checked and read
// as a baseline, and whether a baseline made for one policy selection covers another's.

import { groupDigits } from './locale-free.js'
import { describeValue, quoteList } from './text.js'

export const BASELINE_FORMAT = 'cloudquery-platform-baseline'
export const BASELINE_VERSION = 1

/**
 * The largest baseline read, from a file or an artifact: 2.5 times the 13 MB of the largest one
 * measured (10,000 policies, 200,000 violating resources; docs/performance.md).
 */
export const MAX_BASELINE_BYTES = 32_000_000
/**
 * Most JSON strings in a baseline (nearly all of them resource ids: 5 times the 200,000 of the
 * largest one measured), counted before it is parsed: parsed, each costs some 70 bytes whatever its
 * length, so 32 MB of short ids would take over half a gigabyte.
 */
export const MAX_BASELINE_STRINGS = 1_000_000
/** No baseline of this action is older (it did not exist before). */
const EARLIEST_BASELINE = Date.parse('2020-01-01T00:00:00Z')
/** How far a baseline's `createdAt` may be ahead of this machine's clock (another machine's skew). */
const CLOCK_SKEW_MS = 10 * 60_000
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

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

type BaselineReading = { baseline: ParsedBaseline } | { problem: string }

/**
 * Reads a baseline's text (JSON, a byte-order mark already taken off) at `now` (epoch ms), or says
 * what is wrong with it. What the text holds is never quoted when it is not a baseline: the path
 * may name any file (JSON.parse's own messages quote its first bytes). The text is asked for, not
 * given, so that no caller holds it while the baseline is built from what it parsed to.
 */
export function parseBaselineText(text: () => string, now: number): BaselineReading {
  const document = parseDocument(text())
  return 'problem' in document ? document : parseBaseline(document.json, now)
}

/** The parsed JSON, within the bound on strings, or what is wrong with the text. */
function parseDocument(text: string): { json: unknown } | { problem: string } {
  const strings = countStrings(text, MAX_BASELINE_STRINGS)
  if (strings > MAX_BASELINE_STRINGS) {
    return {
      problem: `holds more than ${groupDigits(MAX_BASELINE_STRINGS)} strings (resource ids), the most this action reads`
    }
  }
  try {
    return { json: JSON.parse(text) }
  } catch (error) {
    return { problem: `is not JSON${syntaxErrorPlace(error)}` }
  }
}

/** Reads a parsed JSON document as a baseline at `now` (epoch ms), or says what is wrong with it. */
function parseBaseline(json: unknown, now: number): BaselineReading {
  const baseline = field(json, 'baseline')
  if (!isObject(baseline)) {
    return {
      problem: `has no "baseline" object (a report of a run that read no resources has "baseline": null)`
    }
  }
  const { format, version, createdAt, policies, selection } = baseline
  if (format !== BASELINE_FORMAT || version !== BASELINE_VERSION) {
    return {
      problem: `has "format": ${shown(format)}, "version": ${shown(version)}`
    }
  }
  const when = createdAtProblem(createdAt, now)
  if (when) return { problem: when }
  if (!Array.isArray(policies)) return { problem: 'has no "policies" list' }
  const byId = policiesOf(policies)
  if (typeof byId === 'string') return { problem: byId }
  if (selection !== undefined && selection !== null && !isSelection(selection)) {
    return {
      problem: `has a "selection" that is not { "groups", "policies", "severities", "domains" }, each a list of strings`
    }
  }
  return {
    baseline: { createdAt: createdAt as string, policies: byId, selection: selection ?? undefined }
  }
}

/** Policy id → its resources; or what is wrong: a policy listed twice, an id that is empty. */
function policiesOf(policies: unknown[]): Map<string, Set<string>> | string {
  const byId = new Map<string, Set<string>>()
  const indexOf = new Map<string, number>()
  for (const [index, policy] of policies.entries()) {
    const id = field(policy, 'id')
    const resources = field(policy, 'resources')
    if (typeof id !== 'string' || id === '' || !isStringList(resources)) {
      return `has policies[${index}] without a non-empty string "id" and a "resources" list of strings`
    }
    const first = indexOf.get(id)
    if (first !== undefined) {
      return `lists policy ${shown(id)} twice (policies[${first}] and policies[${index}]), so it is not clear which list of resources holds`
    }
    const empty = resources.indexOf('')
    if (empty >= 0) {
      return `has an empty resource id (policies[${index}].resources[${empty}], policy ${shown(id)}): a resource without "_cq_platform_id" cannot be compared, so no baseline holds one`
    }
    indexOf.set(id, index)
    byId.set(id, new Set(resources))
  }
  return byId
}

/** What makes `createdAt` impossible: not a date-time, before this action existed, in the future. */
function createdAtProblem(createdAt: unknown, now: number): string | undefined {
  const at =
    typeof createdAt === 'string' && DATE_TIME.test(createdAt) ? Date.parse(createdAt) : NaN
  if (Number.isNaN(at)) {
    return `has "createdAt": ${shown(createdAt)}, not a date-time (such as "2026-11-20T09:58:31Z")`
  }
  if (at < EARLIEST_BASELINE) {
    return `has "createdAt": ${shown(createdAt)}, before 2020: no baseline of this action is that old`
  }
  if (at > now + CLOCK_SKEW_MS) {
    return `has "createdAt": ${shown(createdAt)}, later than now (${new Date(now).toISOString()}): a baseline cannot be made in the future (is the clock of the machine that wrote it wrong?)`
  }
  return undefined
}

/** A value of the file, cut to a line: the file is the workflow's, and holds no key to hide. */
function shown(value: unknown): string {
  return describeValue(value, (text) => text)
}

/** Strings in JSON `text` (each has two unescaped quotes), counted up to just past `atMost`. */
function countStrings(text: string, atMost: number): number {
  let quotes = 0
  for (let at = text.indexOf('"'); at >= 0 && quotes <= 2 * atMost + 1;) {
    let escapes = 0
    while (text.charCodeAt(at - 1 - escapes) === 0x5c) escapes++
    if (escapes % 2 === 0) quotes++
    at = text.indexOf('"', at + 1)
  }
  return Math.floor(quotes / 2)
}

/** Where JSON.parse stopped, when its message says, without the text it quotes. */
function syntaxErrorPlace(error: unknown): string {
  const place = /line (\d+) column (\d+)/.exec(error instanceof Error ? error.message : '')
  return place ? ` (a syntax error at line ${place[1]}, column ${place[2]})` : ''
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
