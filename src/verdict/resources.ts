// Per resource: each policy's violating resources against the baseline (new, fixed, unchanged) and
// against the exceptions (suppressed). Pure, so the same inputs give the same verdict on a re-run.

import type { BaselineFile, ExceptionsFile, ResourceMatchers } from '../inputs/config.js'
import { plural, quoteList } from '../lib/text.js'
import type { PolicyResult, ViolatingResource } from '../policies/outcome.js'
import {
  ambiguity,
  judgeEntry,
  namesPolicy,
  resourceMatcher,
  type ExceptionStatus
} from './exceptions.js'

/** New resources kept per policy to show. */
const NEW_SAMPLES = 5
const DAY_MS = 86_400_000

export interface ResourceSettings {
  baseline?: BaselineFile
  exceptions?: ExceptionsFile
  /** The resources the gate judges; the others are counted apart, never judged. */
  scope?: ResourceMatchers
  maxExceptionDays: number
  baselineMaxAgeDays: number
  /** `YYYY-MM-DD`, from the clock. */
  today: string
}

export interface PolicyJudgement {
  policyId: string
  /** Compared with the baseline: there is one and the policy's resources were read. */
  compared: boolean
  /**
   * Every violating resource read is exactly one of out of scope (the scope does not hold it),
   * suppressed (an active exception matched it), new (not in the baseline) or unchanged (in it);
   * new and unchanged are 0 when not compared.
   */
  outOfScope: number
  suppressed: number
  new: number
  unchanged: number
  /** In the baseline and no longer violating; 0 when not compared. */
  fixed: number
  /** Which entries (index into `exceptions`) suppressed how many resources, in file order. */
  suppressedBy: { entry: number; count: number }[]
  /** Some new resources (at most NEW_SAMPLES). */
  newSamples: ViolatingResource[]
}

export interface ResourceVerdict {
  baseline?: { path: string; createdAt: string; ageDays: number }
  exceptionsFile?: string
  /** The `scope` the gate judged within. */
  scope?: ResourceMatchers
  /**
   * Policy id → its judgement; only policies whose resources were read. Plain data (no Map), as
   * every report renders from a deep copy.
   */
  policies: Record<string, PolicyJudgement>
  /** Every entry of the exceptions file, in file order, with what it matched. */
  exceptions: ExceptionStatus[]
  warnings: string[]
  /** An input error found only once the selection is known (a baseline for other policies). */
  inputError?: string
}

export function judgeResources(
  policies: readonly PolicyResult[],
  settings: ResourceSettings
): ResourceVerdict {
  const { baseline, exceptions } = settings
  const statuses = (exceptions?.entries ?? []).map((entry) =>
    ambiguity(judgeEntry(entry, settings.today, settings.maxExceptionDays), policies)
  )
  const judged: Record<string, PolicyJudgement> = {}
  for (const policy of policies) {
    if (policy.resources === undefined) continue
    judged[policy.id] = judgePolicy(policy, policy.resources, settings, statuses)
  }
  const verdict: ResourceVerdict = {
    baseline: baseline && {
      path: baseline.path,
      createdAt: baseline.createdAt,
      ageDays: Math.floor(
        (Date.parse(`${settings.today}T23:59:59Z`) - Date.parse(baseline.createdAt)) / DAY_MS
      )
    },
    exceptionsFile: exceptions?.path,
    scope: settings.scope,
    policies: judged,
    exceptions: withMatches(statuses, Object.values(judged)),
    warnings: [],
    inputError: baseline && foreignBaseline(baseline, policies)
  }
  verdict.warnings.push(...baselineWarnings(verdict, policies, settings))
  return verdict
}

/** Each entry with the resources it suppressed over every policy. */
function withMatches(
  statuses: readonly ExceptionStatus[],
  judgements: readonly PolicyJudgement[]
): ExceptionStatus[] {
  const matched = statuses.map(() => 0)
  for (const { suppressedBy } of judgements) {
    for (const { entry, count } of suppressedBy) matched[entry] += count
  }
  return statuses.map((status, index) => ({ ...status, matched: matched[index] }))
}

function judgePolicy(
  policy: PolicyResult,
  resources: readonly ViolatingResource[],
  { baseline, scope }: ResourceSettings,
  statuses: readonly ExceptionStatus[]
): PolicyJudgement {
  const known = baseline?.policies.get(policy.id)
  const inScope = scope ? resourceMatcher(scope) : () => true
  const matchers = statuses.flatMap((status, index) =>
    status.state === 'active' && namesPolicy(status.entry, policy)
      ? [{ index, matches: resourceMatcher(status.entry) }]
      : []
  )
  const judgement: PolicyJudgement = {
    policyId: policy.id,
    compared: baseline !== undefined,
    outOfScope: 0,
    suppressed: 0,
    new: 0,
    unchanged: 0,
    fixed: 0,
    suppressedBy: [],
    newSamples: []
  }
  const current = new Set<string>()
  const bySuppressor = new Map<number, number>()
  for (const resource of resources) {
    const id = resource.platformId
    if (id !== undefined) current.add(id)
    if (!inScope(resource)) {
      judgement.outOfScope++
      continue
    }
    const by = matchers.find((m) => m.matches(resource))
    if (by) {
      judgement.suppressed++
      bySuppressor.set(by.index, (bySuppressor.get(by.index) ?? 0) + 1)
    } else if (baseline === undefined) {
      continue
    } else if (id !== undefined && known?.has(id)) {
      // A resource without a fingerprint cannot be in the baseline: it is new.
      judgement.unchanged++
    } else {
      judgement.new++
      if (judgement.newSamples.length < NEW_SAMPLES) judgement.newSamples.push(resource)
    }
  }
  for (const id of known ?? []) if (!current.has(id)) judgement.fixed++
  judgement.suppressedBy = [...bySuppressor]
    .sort(([a], [b]) => a - b)
    .map(([entry, count]) => ({ entry, count }))
  return judgement
}

/** A baseline none of whose policies is selected was made for another selection. */
function foreignBaseline(
  baseline: BaselineFile,
  policies: readonly PolicyResult[]
): string | undefined {
  if (baseline.policies.size === 0 || policies.length === 0) return undefined
  if (policies.some((policy) => baseline.policies.has(policy.id))) return undefined
  const input = baseline.artifact ? 'baseline-artifact' : 'baseline-file'
  return `Input "${input}": "${baseline.path}" lists ${plural(baseline.policies.size, 'policy', 'policies')}, none of them among the ${plural(policies.length, 'selected policy', 'selected policies')}: it was made for other policies (or another Platform). Expected a baseline made with the same selection (policy-groups, policies, severities, domains) on this Platform.`
}

function baselineWarnings(
  verdict: ResourceVerdict,
  policies: readonly PolicyResult[],
  settings: ResourceSettings
): string[] {
  const { baseline } = settings
  if (!baseline || !verdict.baseline || verdict.inputError) return []
  const warnings: string[] = []
  if (verdict.baseline.ageDays > settings.baselineMaxAgeDays) {
    warnings.push(
      `The baseline "${baseline.path}" is ${plural(verdict.baseline.ageDays, 'day')} old (made ${baseline.createdAt}), older than ${settings.baselineMaxAgeDays} days (baseline-max-age-days): refresh it from the default branch.`
    )
  }
  const missing = policies.filter(
    (policy) => policy.id in verdict.policies && !baseline.policies.has(policy.id)
  )
  if (missing.length > 0) {
    warnings.push(
      `${plural(missing.length, 'policy is', 'policies are')} not in the baseline, so all their violating resources are new: ${quoteList(
        missing.map((policy) => policy.name),
        5
      )}.`
    )
  }
  return warnings
}
