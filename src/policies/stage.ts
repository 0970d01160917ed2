// The policy stage. Select the policies the workflow names, make sure each one's result
// is fresh (evaluated after the run's data was ingested), count violations (all, and new since the
// previous evaluation), and gather samples and the trend. Judging the counts is the verdict step's.
//
// Request cost is kept independent of the number of policies wherever the API allows it: the
// selection is one listing (1,000 policies a page), waiting re-reads only the freshly evaluated
// policies, and per-policy requests (execute, history, samples) go only to the policies that need
// them, with bounded concurrency.

import type { PolicyConfig, PolicyEvaluationMode } from '../inputs/config.js'
import type { BaselineSelection } from '../lib/baseline-format.js'
import { byImportance } from '../lib/severity.js'
import { messageOf, plural } from '../lib/text.js'
import type { PolicyListFilters } from '../platform/client.js'
import type { StageDeps } from '../platform/deps.js'
import { missingCountWarning, summaryLine, tally, unknownSeverityWarning } from './counting.js'
import { awaitEvaluations, executeQueries, readFreshEvaluations } from './freshness.js'
import { listPolicies } from './listing.js'
import type { PolicyOutcome } from './outcome.js'
import { failureWarning, forEachPolicy } from './per-policy.js'
import { applyPrevious, knownPrevious, lookUpPrevious } from './previous.js'
import { keepsDetail, needsResources, readResources, sampleOf } from './resources.js'
import { applyTables, learnTables } from './tables.js'
import {
  describeSelection,
  listingFilters,
  resolveSelection,
  selectPolicies,
  type ResolvedSelection
} from './select.js'
import {
  effectiveMode,
  evaluatedUnbelievably,
  hasCurrentResult,
  track,
  type Tracked
} from './tracked.js'
import { readTrend, TREND_DAYS } from './trend.js'

export interface PolicyStageContext {
  /** The sync run's completed_at; undefined in policies-only mode (no run happened). */
  runCompletedAt?: string
  /** The selection as `resolveSelection` resolved it before the sync started; resolved here if absent. */
  resolved?: ResolvedSelection
}

/** The summary lists at most this many violating policies, so only they get samples. */
export const DETAILED_POLICIES = 50
/**
 * The previous count of at most this many violating policies (the most severe) is looked up for the
 * change column when the stage did not see it on its way: each lookup is a request, and the stage
 * keeps under 30 requests before samples and resources at 10,000 policies.
 */
const CHANGE_LOOKUPS = 10

/** What the stage works on: the selection, its listing filters and the freshness rule. */
interface Selection {
  config: PolicyConfig
  mode: PolicyEvaluationMode
  freshAfter?: string
  filters: PolicyListFilters
  tracked: Tracked[]
  isCurrent: (t: Tracked) => boolean
}

export async function runPolicyStage(
  config: PolicyConfig,
  deps: StageDeps,
  context: PolicyStageContext
): Promise<PolicyOutcome> {
  const warnings: string[] = []
  const { groups } = context.resolved ?? (await resolveSelection(deps.client, config, deps.redact))
  const selection = await select(config, deps, groups, context.runCompletedAt, warnings)
  // With a run to cross-check, the counted policies' tables are learned while results freshen.
  const learning =
    selection.freshAfter === undefined
      ? undefined
      : learnTables(selection.tracked, config.thresholds, deps)
  const [evaluationWaitMs, learned] = await Promise.all([
    makeCurrent(selection, deps, warnings),
    learning
  ])
  if (learned) {
    applyTables(learned)
    warnings.push(...learned.warnings)
  }
  const { tracked } = selection
  tracked.sort((a, b) => byImportance(a.result, b.result))
  await readPrevious(selection, deps, warnings)
  const needed = tracked.map((t) => t.result).filter((result) => needsResources(result, config))
  await readResources(deps, needed, (policy) => keepsDetail(policy, config), selection.freshAfter)
  if (config.samples > 0) await readSamples(tracked, config.samples, deps, warnings)

  const policies = tracked.map((t) => t.result)
  const counts = tally(policies)
  warnings.push(...unknownSeverityWarning(policies), ...missingCountWarning(policies))
  const trend = await readTrend(
    deps.client,
    selection.filters,
    config.domains,
    deps.clock.now()
  ).catch((error: unknown) => {
    warnings.push(`The ${TREND_DAYS}-day violation trend is unavailable: ${messageOf(error)}`)
    return []
  })
  deps.log.info(summaryLine(policies, counts))
  return {
    mode: selection.mode,
    freshAfter: selection.freshAfter,
    groups,
    policies,
    ...counts,
    trend,
    trendNote:
      config.policies.length > 0
        ? 'The trend covers every policy matching the group, severity and domain filters: the API cannot narrow it to the policies named in "policies".'
        : undefined,
    warnings,
    evaluationWaitMs,
    baselineSelection: config.recordBaseline ? selectionOf(config) : undefined
  }
}

function selectionOf({ groups, policies, severities, domains }: PolicyConfig): BaselineSelection {
  return { groups, policies, severities, domains }
}

/** Lists the policies the workflow selected and starts tracking each one. */
async function select(
  config: PolicyConfig,
  { client, log, redact }: StageDeps,
  groups: { id: string }[],
  freshAfter: string | undefined,
  warnings: string[]
): Promise<Selection> {
  const mode = effectiveMode(config.evaluation, freshAfter !== undefined)
  const filters = listingFilters(config, groups)
  const selected = selectPolicies(await listPolicies(client, filters), config, redact)
  const described = describeSelection(config)
  log.info(
    `Selected ${plural(selected.length, 'active policy', 'active policies')}${described}; policy evaluation: ${mode}.`
  )
  if (selected.length === 0) {
    warnings.push(
      `No active policy matches the selection${described}, so the gate has nothing to judge.`
    )
  }
  return {
    config,
    mode,
    freshAfter,
    filters,
    tracked: selected.map((policy) => track(policy, redact, freshAfter)),
    isCurrent: (t) => hasCurrentResult(t, mode, freshAfter)
  }
}

/**
 * Waits for fresh evaluations and executes what the mode says, then marks what is still not current
 * as stale: its count is from before the run and never passes for a fresh one. A policy evaluated
 * after the run with a count that is not a count is settled at once: unknown, neither waited for
 * nor (unless the mode is `execute`) executed. Returns the time spent waiting.
 */
async function makeCurrent(
  selection: Selection,
  deps: StageDeps,
  warnings: string[]
): Promise<number> {
  const { config, mode, freshAfter, tracked, isCurrent } = selection
  const unbelievable = (t: Tracked): boolean => evaluatedUnbelievably(t, freshAfter)
  const settled = (t: Tracked): boolean => isCurrent(t) || unbelievable(t)
  let evaluationWaitMs = 0
  if (freshAfter !== undefined && (mode === 'wait' || mode === 'auto')) {
    const byId = new Map(tracked.map((t) => [t.result.id, t]))
    evaluationWaitMs = await awaitEvaluations(
      tracked,
      settled,
      () => readFreshEvaluations(deps, selection.filters, byId, freshAfter),
      { freshAfter, timeoutMs: config.evaluationTimeoutMs, patient: mode === 'auto' },
      deps
    )
  }
  // A cancelled workflow starts no more queries.
  const toExecute = deps.signal?.aborted
    ? []
    : mode === 'execute'
      ? tracked
      : mode === 'auto'
        ? tracked.filter((t) => !settled(t))
        : []
  if (toExecute.length > 0) {
    const failures = await executeQueries(toExecute, deps)
    warnings.push(...failureWarning('Could not execute the saved query', failures))
  }
  for (const t of tracked.filter((t) => !isCurrent(t) && !unbelievable(t))) {
    t.result.source = 'stale'
    t.result.stale = true
  }
  return evaluationWaitMs
}

/**
 * The previous evaluation of each policy, for the change shown in the reports (information only):
 * looked up for the most severe violating policies the stage did not see it for on its way. Not
 * with a baseline file: each policy's new resources against it are shown beside the count instead,
 * and the lookups would be 10 requests on top of a page per counted violating policy.
 */
async function readPrevious(
  { config, freshAfter, tracked }: Selection,
  { client }: StageDeps,
  warnings: string[]
): Promise<void> {
  const unresolved: Tracked[] = []
  for (const t of tracked) {
    const known = knownPrevious(t, freshAfter)
    if (known !== undefined) applyPrevious(t.result, known)
    else if (t.result.violations !== undefined && t.result.violations > 0) unresolved.push(t)
  }
  const lookups = config.baseline === undefined ? CHANGE_LOOKUPS : 0
  const failures = await forEachPolicy(unresolved.slice(0, lookups), nameOf, async (t) =>
    applyPrevious(t.result, await lookUpPrevious(client, t, freshAfter))
  )
  warnings.push(...failureWarning('Could not read the previous evaluation', failures))
}

/** Sample violating resources of the policies the reports list. */
async function readSamples(
  tracked: Tracked[],
  samples: number,
  { client }: StageDeps,
  warnings: string[]
): Promise<void> {
  const violating = tracked.filter((t) => (t.result.violations ?? 0) > 0)
  const detailed = violating.slice(0, DETAILED_POLICIES).filter(({ result }) => {
    // Resources already read give the samples without another request.
    if (result.resources !== undefined)
      result.samples = result.resources.slice(0, samples).map(sampleOf)
    return result.resources === undefined
  })
  const failures = await forEachPolicy(detailed, nameOf, async (t) => {
    const page = await client.listPolicyViolations(t.result.id, samples)
    t.result.samples = page.items.slice(0, samples)
  })
  warnings.push(...failureWarning('Could not read sample violations', failures))
}

function nameOf(t: Tracked): string {
  return t.result.name
}
