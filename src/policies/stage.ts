// Stage 4: the policy results. Select the policies the workflow names, make sure each one's result
// is fresh (evaluated after the run's data was ingested), count violations (all, and new since the
// previous evaluation), gather samples and the trend, then hand the counts to the gate.
//
// Request cost is kept independent of the number of policies wherever the API allows it: the
// selection is one listing (1,000 policies a page), waiting re-reads only the freshly evaluated
// policies, and per-policy requests (execute, history, samples) go only to the policies that need
// them, with bounded concurrency.

import { mapWithConcurrency } from '../lib/concurrency.js'
import { formatDuration } from '../lib/duration.js'
import {
  emptyCounts,
  evaluateGate,
  plural,
  SEVERITY_ORDER,
  type GateVerdict,
  type SeverityCounts
} from '../verdict/gate.js'
import { InputError, type PolicyConfig, type PolicyEvaluationMode } from '../inputs/parse.js'
import { oneLine } from '../lib/log-safety.js'
import type { Logger } from '../lib/logger.js'
import {
  PlatformError,
  type PlatformClient,
  type PolicyListFilters,
  type PolicySort
} from '../platform/client.js'
import type {
  KnownSeverity,
  Page,
  Policy,
  PolicyGroup,
  PolicyViolation
} from '../platform/types.js'
import { pollUntil, type Clock } from '../lib/poll.js'
import { nextPollDelay } from '../lib/poll-schedule.js'

/** Where a policy's count came from. */
export type ResultSource =
  /** The Platform evaluated it after the run (or, with no run, whenever it last did). */
  | 'evaluation'
  /** Its saved query was executed by this action. */
  | 'executed'
  /** Neither: the count is the one from before the run. */
  | 'stale'

export interface PolicyResult {
  id: string
  name: string
  /** As the Platform says; may be a severity this action does not know. */
  severity: string
  domain: string
  queryId: string
  groups: string[]
  /** Current violation count; `undefined` only when the Platform gave none at all. */
  violations?: number
  /**
   * Count of the evaluation before this one, for "change since the previous evaluation" (with a
   * run: the last evaluation before it, i.e. the baseline). Undefined when unknown: it is only
   * looked up for the most severe violating policies, and never shown for stale ones.
   */
  previousViolations?: number
  /** For `gate-on: new`: the count in the last evaluation before the run (undefined: none). */
  baseline?: number
  /**
   * max(0, violations - baseline); all violations when there is no baseline. Undefined when the
   * baseline was not looked up (`gate-on: all` spends no request on it; see newViolationsPartial).
   */
  newViolations?: number
  /** When the count was produced (the evaluation's run_at, or the time of execution). */
  evaluatedAt?: string
  source: ResultSource
  stale: boolean
  /** Sample violating resources (only for violating policies). */
  samples: PolicyViolation[]
}

export interface PolicyOutcome {
  /** Evaluation mode actually applied (`latest` in policies-only mode under `auto`). */
  mode: PolicyEvaluationMode
  /** The run's completion time that results must be newer than; absent in policies-only mode. */
  freshAfter?: string
  groups: PolicyGroup[]
  /** Every selected policy, most severe and most violating first. */
  policies: PolicyResult[]
  violations: SeverityCounts
  newViolations: SeverityCounts
  unknownSeverityViolations: number
  newUnknownSeverityViolations: number
  /**
   * True when some counted policy's baseline was not looked up (only with `gate-on: all`), so the
   * new-violation figures are a lower bound.
   */
  newViolationsPartial?: boolean
  gate: GateVerdict
  /** Daily violation totals for the last 7 days, oldest first (empty when unavailable). */
  trend: { date: string; violations: number }[]
  /** Set when the trend covers more policies than the selection (the API cannot filter by policy). */
  trendNote?: string
  warnings: string[]
  /** Time spent waiting for fresh evaluations. */
  evaluationWaitMs: number
}

export interface PolicyStageDeps {
  client: PlatformClient
  clock: Clock
  log: Logger
  signal?: AbortSignal
}

export interface PolicyStageContext {
  /** The sync run's completed_at; undefined in policies-only mode (no run happened). */
  runCompletedAt?: string
}

const PAGE_SIZE = 1000
/** Pages of one listing in flight at once. */
const PAGE_CONCURRENCY = 4
/** Saved queries run at once: each one is real work for the Platform's database. */
const EXECUTE_CONCURRENCY = 8
/** History and sample requests in flight at once. */
const DETAIL_CONCURRENCY = 6
/** The summary lists at most this many violating policies, so only they get samples. */
export const DETAILED_POLICIES = 50
/**
 * With `gate-on: all`, the previous count of at most this many violating policies (the most severe)
 * is looked up for the change column when the stage did not see it on its way. Each lookup is a
 * request, and issue 6 allows 30 before samples at 10,000 policies.
 */
const CHANGE_LOOKUPS = 10
/**
 * The history answers newest first, up to `end_time`: with a run the first entry is the baseline,
 * without one the second (the first is the latest evaluation itself).
 */
const HISTORY_PAGE_SIZE = 2
const EVALUATION_POLL_MAX_MS = 15_000
/**
 * `auto` stops waiting once no selected policy has been re-evaluated for this long: a Platform that
 * evaluates after ingestion shows progress well within it, and executing the rest beats waiting out
 * `evaluation-timeout` on one that never will.
 */
export const AUTO_PATIENCE_MS = 90_000
const TREND_DAYS = 7
const DAY_MS = 86_400_000
/** Names quoted in an error before "and N more". */
const LISTED_NAMES = 20

/** One evaluation of a policy, as a listing or its history showed it. */
interface Evaluation {
  count?: number
  runAt: string
}

interface Tracked {
  result: PolicyResult
  /** The Platform's latest evaluation as last listed; undefined: never evaluated. */
  latest?: Evaluation
  /**
   * With a run: the last evaluation at or before it, once a listing showed it (null: the listing
   * showed no evaluation at all, so there is none).
   */
  preRun?: Evaluation | null
}

export async function runPolicyStage(
  config: PolicyConfig,
  deps: PolicyStageDeps,
  context: PolicyStageContext
): Promise<PolicyOutcome> {
  const { client, clock, log } = deps
  const freshAfter = context.runCompletedAt
  const mode = effectiveMode(config.evaluation, freshAfter !== undefined)
  const warnings: string[] = []

  const groups = await resolveGroups(client, config.groups)
  const filters: PolicyListFilters = {
    severities: config.severities,
    // The API takes a single domain. Several are filtered here from one listing rather than
    // listed per domain: that costs ceil(policies / 1000) requests instead of at least one per
    // domain (a typical team has far fewer than 1,000 policies), and while waiting, every poll is
    // one walk instead of one per domain.
    domain: config.domains.length === 1 ? config.domains[0] : undefined,
    policyGroupIds: groups.map((group) => group.id)
  }
  const selected = selectPolicies(await listPolicies(client, filters), config)
  const selection = describeSelection(config)
  log.info(
    `Selected ${plural(selected.length, 'active policy', 'active policies')}${selection}; policy evaluation: ${mode}.`
  )
  if (selected.length === 0) {
    warnings.push(
      `No active policy matches the selection${selection}, so the gate has nothing to judge.`
    )
  }

  const tracked = selected.map((policy) => track(policy, freshAfter))
  const isCurrent = (t: Tracked): boolean => hasCurrentResult(t, mode, freshAfter)
  let evaluationWaitMs = 0
  if (freshAfter !== undefined && (mode === 'wait' || mode === 'auto')) {
    const byId = new Map(tracked.map((t) => [t.result.id, t]))
    evaluationWaitMs = await awaitEvaluations(
      tracked,
      isCurrent,
      () => readFreshEvaluations(client, filters, byId, freshAfter),
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
        ? tracked.filter((t) => !isCurrent(t))
        : []
  if (toExecute.length > 0) {
    const failures = await executeQueries(toExecute, deps)
    warnings.push(...failureWarning('Could not execute the saved query', failures))
  }
  for (const t of tracked.filter((t) => !isCurrent(t))) {
    t.result.source = 'stale'
    t.result.stale = true
  }
  tracked.sort((a, b) => byImportance(a.result, b.result))

  const unresolved: Tracked[] = []
  for (const t of tracked) {
    const known = knownBaseline(t, freshAfter)
    if (known !== undefined) applyBaseline(t.result, known)
    else if (t.result.violations === 0) t.result.newViolations = 0
    else if (t.result.violations !== undefined) unresolved.push(t)
  }
  const lookUp = async (t: Tracked): Promise<void> =>
    applyBaseline(t.result, await lookUpBaseline(client, t, freshAfter))
  if (config.gateOn === 'new') {
    // The gate depends on every baseline, so a failure here fails the stage.
    await mapWithConcurrency(unresolved, DETAIL_CONCURRENCY, lookUp)
  } else {
    const failures = await forEachPolicy(unresolved.slice(0, CHANGE_LOOKUPS), lookUp)
    warnings.push(...failureWarning('Could not read the previous evaluation', failures))
  }

  if (config.samples > 0) {
    const violating = tracked.filter((t) => (t.result.violations ?? 0) > 0)
    const failures = await forEachPolicy(violating.slice(0, DETAILED_POLICIES), async (t) => {
      const page = await client.listPolicyViolations(t.result.id, config.samples)
      t.result.samples = page.items.slice(0, config.samples)
    })
    warnings.push(...failureWarning('Could not read sample violations', failures))
  }

  const policies = tracked.map((t) => t.result)
  const counts = tally(policies)
  warnings.push(...unknownSeverityWarning(policies), ...missingCountWarning(policies))
  const gate = evaluateGate({
    ...counts,
    thresholds: config.thresholds,
    gateOn: config.gateOn,
    stalePolicies: policies.filter((p) => p.stale).length
  })

  let trend: PolicyOutcome['trend'] = []
  try {
    trend = await readTrend(client, filters, config.domains, clock.now())
  } catch (error) {
    warnings.push(
      `The ${TREND_DAYS}-day violation trend is unavailable: ${error instanceof Error ? error.message : String(error)}`
    )
  }

  log.info(summaryLine(policies, counts))
  return {
    mode,
    freshAfter,
    groups,
    policies,
    ...counts,
    newViolationsPartial: policies.some(
      (p) => p.violations !== undefined && p.newViolations === undefined
    ),
    gate,
    trend,
    trendNote:
      config.policies.length > 0
        ? 'The trend covers every policy matching the group, severity and domain filters: the API cannot narrow it to the policies named in "policies".'
        : undefined,
    warnings,
    evaluationWaitMs
  }
}

/** Without a run there is nothing to wait for, so `auto` and `wait` take the latest results. */
function effectiveMode(mode: PolicyEvaluationMode, hasRun: boolean): PolicyEvaluationMode {
  return !hasRun && (mode === 'auto' || mode === 'wait') ? 'latest' : mode
}

// Selection

async function resolveGroups(client: PlatformClient, wanted: string[]): Promise<PolicyGroup[]> {
  if (wanted.length === 0) return []
  const { items } = await client.listPolicyGroups()
  const found = new Map<string, PolicyGroup>()
  const missing: string[] = []
  for (const name of wanted) {
    const key = name.toLowerCase()
    const matches = items.filter((g) => g.id.toLowerCase() === key || g.name.toLowerCase() === key)
    if (matches.length === 0) missing.push(name)
    for (const group of matches) found.set(group.id, group)
  }
  if (missing.length > 0) {
    throw new InputError(
      `Input "policy-groups": no policy group is named or has the id ${quoteList(missing)}. ${
        items.length === 0
          ? 'There are no policy groups.'
          : `Policy groups: ${quoteList(items.map((g) => g.name))}.`
      }`
    )
  }
  return [...found.values()]
}

/**
 * Every active policy matching `filters`: page 1, then the rest concurrently once page 1 says how
 * many there are. `enough` ends the walk early; pages already in flight still count.
 */
async function listPolicies(
  client: PlatformClient,
  filters: PolicyListFilters,
  sort?: PolicySort,
  enough: (items: Policy[]) => boolean = () => false
): Promise<Policy[]> {
  const fetch = async (page: number): Promise<Policy[]> =>
    (await client.listPolicies(filters, page, PAGE_SIZE, sort)).items.map(slim)
  const first = await client.listPolicies(filters, 1, PAGE_SIZE, sort)
  const pages = [first.items.map(slim)]
  const lastPage = lastPageOf(first)
  if (enough(pages[0])) return distinct(pages)
  if (lastPage === undefined) {
    // The metadata may omit the counts (the spec makes them optional): read on to a short page.
    const pageSize = first.metadata?.page_size || PAGE_SIZE
    for (let page = 2; pages[pages.length - 1].length >= pageSize; page++) {
      const items = await fetch(page)
      pages.push(items)
      if (enough(items)) break
    }
    return distinct(pages)
  }
  let done = false
  const rest = await mapWithConcurrency(
    Array.from({ length: lastPage - 1 }, (_, i) => i + 2),
    PAGE_CONCURRENCY,
    async (page) => {
      if (done) return []
      const items = await fetch(page)
      done ||= enough(items)
      return items
    }
  )
  return distinct([...pages, ...rest])
}

/**
 * Only what the stage reads: a page of 1,000 policies is about 1 MB of JSON, mostly SQL and
 * descriptions, and 10,000 of them kept whole would take tens of MB for nothing.
 */
function slim(policy: Policy): Policy {
  return {
    id: policy.id,
    name: policy.name,
    domain: policy.domain,
    severity: policy.severity,
    status: policy.status,
    query_id: policy.query_id,
    violation_count: policy.violation_count,
    run_at: policy.run_at,
    policy_groups: (policy.policy_groups ?? []).map(({ id, name }) => ({ id, name }))
  }
}

function lastPageOf(page: Page<Policy>): number | undefined {
  const metadata = page.metadata ?? { page_size: PAGE_SIZE }
  if (typeof metadata.last_page === 'number') return Math.max(1, metadata.last_page)
  if (typeof metadata.total_count !== 'number') return undefined
  return Math.max(1, Math.ceil(metadata.total_count / (metadata.page_size || PAGE_SIZE)))
}

/**
 * A policy can show up on two pages when the list shifts while it is read (a policy resumed or
 * evaluated meanwhile); the most recently evaluated view of it wins.
 */
function distinct(pages: Policy[][]): Policy[] {
  const byId = new Map<string, Policy>()
  for (const policy of pages.flat()) {
    const seen = byId.get(policy.id)
    if (!seen || evaluatedAt(policy) > evaluatedAt(seen)) byId.set(policy.id, policy)
  }
  return [...byId.values()]
}

function evaluatedAt(policy: Policy): number {
  return policy.run_at ? Date.parse(policy.run_at) : -Infinity
}

function selectPolicies(listed: Policy[], config: PolicyConfig): Policy[] {
  const inDomains =
    config.domains.length > 1 ? listed.filter((p) => config.domains.includes(p.domain)) : listed
  if (config.policies.length === 0) return inDomains
  const wanted = new Set(config.policies.map((name) => name.toLowerCase()))
  const chosen = inDomains.filter(
    (p) => wanted.has(p.id.toLowerCase()) || wanted.has(p.name.toLowerCase())
  )
  const matched = new Set(chosen.flatMap((p) => [p.id.toLowerCase(), p.name.toLowerCase()]))
  const missing = config.policies.filter((name) => !matched.has(name.toLowerCase()))
  if (missing.length > 0) {
    const narrowed =
      config.groups.length + config.severities.length + config.domains.length > 0
        ? ' matching the other filters (policy-groups, severities, domains)'
        : ''
    const names = [...new Set(inDomains.map((p) => p.name))].sort()
    throw new InputError(
      `Input "policies": no active policy${narrowed} is named or has the id ${quoteList(missing)}. ${
        names.length === 0
          ? `There are no active policies${narrowed}.`
          : `Active policies${narrowed}: ${quoteList(names)}.`
      }`
    )
  }
  return chosen
}

function describeSelection(config: PolicyConfig): string {
  const parts = [
    config.groups.length > 0 ? `groups ${config.groups.join(', ')}` : '',
    config.severities.length > 0 ? `severities ${config.severities.join(', ')}` : '',
    config.domains.length > 0 ? `domains ${config.domains.join(', ')}` : '',
    config.policies.length > 0
      ? plural(config.policies.length, 'named policy', 'named policies')
      : ''
  ].filter((part) => part !== '')
  return parts.length === 0 ? '' : ` (${oneLine(parts.join('; '), 300)})`
}

function quoteList(names: string[]): string {
  const shown = names.slice(0, LISTED_NAMES).map((name) => `"${oneLine(name, 80)}"`)
  const more = names.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}

// Freshness

function track(policy: Policy, freshAfter?: string): Tracked {
  const tracked: Tracked = { result: resultFrom(policy) }
  observe(tracked, policy, freshAfter)
  return tracked
}

/** Takes in a listing's view of a policy. */
function observe(tracked: Tracked, policy: Policy, freshAfter?: string): void {
  tracked.result = resultFrom(policy)
  tracked.latest = policy.run_at
    ? { count: policy.violation_count ?? undefined, runAt: policy.run_at }
    : undefined
  if (freshAfter === undefined) return
  if (tracked.latest === undefined) tracked.preRun ??= null
  else if (!isAfter(tracked.latest.runAt, freshAfter)) tracked.preRun = tracked.latest
}

function resultFrom(policy: Policy): PolicyResult {
  return {
    id: policy.id,
    name: policy.name,
    severity: policy.severity,
    domain: policy.domain,
    queryId: policy.query_id,
    groups: policy.policy_groups?.map((group) => group.name) ?? [],
    violations: policy.violation_count ?? undefined,
    evaluatedAt: policy.run_at ?? undefined,
    source: 'evaluation',
    stale: false,
    samples: []
  }
}

function isAfter(time: string, reference: string): boolean {
  return Date.parse(time) > Date.parse(reference)
}

/** Whether the policy's count can be vouched for under the mode (executed, or evaluated in time). */
function hasCurrentResult(t: Tracked, mode: PolicyEvaluationMode, freshAfter?: string): boolean {
  if (t.result.source === 'executed') return true
  if (t.result.violations === undefined) return false
  if (mode === 'latest') return true
  return freshAfter !== undefined && t.latest !== undefined && isAfter(t.latest.runAt, freshAfter)
}

interface WaitPlan {
  freshAfter: string
  timeoutMs: number
  /** `auto`: give up early when the Platform shows no progress (see AUTO_PATIENCE_MS). */
  patient: boolean
}

/** Polls until every selected policy is current; returns the time waited. */
async function awaitEvaluations(
  tracked: Tracked[],
  isCurrent: (t: Tracked) => boolean,
  refresh: () => Promise<void>,
  plan: WaitPlan,
  deps: PolicyStageDeps
): Promise<number> {
  const { clock, log } = deps
  const pending = (): number => tracked.filter((t) => !isCurrent(t)).length
  let waiting = pending()
  if (waiting === 0) return 0
  log.info(
    `Waiting up to ${formatDuration(plan.timeoutMs)} for ${plural(waiting, 'policy', 'policies')} to be evaluated after the run completed (${plan.freshAfter}).`
  )
  let progressAt = clock.now()
  // The selection's listing was the first look, so the first check only counts.
  let looked = false
  const result = await pollUntil({
    clock,
    signal: deps.signal,
    timeoutMs: plan.timeoutMs,
    check: async () => {
      if (looked) await refresh()
      looked = true
      const left = pending()
      if (left < waiting) {
        log.info(`${tracked.length - left} of ${tracked.length} policies evaluated after the run.`)
        waiting = left
        progressAt = clock.now()
      }
      return left
    },
    isDone: (left) => left === 0 || (plan.patient && clock.now() - progressAt >= AUTO_PATIENCE_MS),
    nextDelay: (_left, elapsedMs) =>
      nextPollDelay({
        elapsedMs,
        maxIntervalMs: EVALUATION_POLL_MAX_MS,
        awaitingIngestion: false,
        streamOpen: false
      })
  })
  const waited = formatDuration(result.elapsedMs)
  if (waiting === 0)
    log.info(`Every selected policy was evaluated after the run (waited ${waited}).`)
  else
    log.info(
      `${plural(waiting, 'policy', 'policies')} not evaluated after the run within ${waited}${plan.patient ? '; executing their saved queries instead' : ''}.`
    )
  return result.elapsedMs
}

/**
 * Re-reads the policies evaluated since the run, freshest first, and stops at the first page that
 * reaches back to before the run: one request while the Platform has evaluated nothing yet, and
 * about one read of each policy once it has. Never-evaluated policies (null `run_at`, sorted first
 * or last depending on the database) do not end the walk.
 */
async function readFreshEvaluations(
  client: PlatformClient,
  filters: PolicyListFilters,
  byId: Map<string, Tracked>,
  freshAfter: string
): Promise<void> {
  const reachesBack = (items: Policy[]): boolean =>
    items.some((p) => p.run_at != null && !isAfter(p.run_at, freshAfter))
  const fresh = await listPolicies(client, filters, { by: 'last_run_at', dir: 'desc' }, reachesBack)
  for (const policy of fresh) {
    const t = byId.get(policy.id)
    if (t) observe(t, policy, freshAfter)
  }
}

async function executeQueries(items: Tracked[], deps: PolicyStageDeps): Promise<string[]> {
  const { client, clock, log } = deps
  log.info(`Executing the saved queries of ${plural(items.length, 'policy', 'policies')}.`)
  return forEachPolicy(
    items,
    async (t) => {
      const answer = await client.executeQuery(t.result.queryId, 1)
      const count = answer.metadata?.total_count
      if (typeof count !== 'number') {
        throw new PlatformError(
          'the answer has no metadata.total_count',
          'invalid-response',
          `POST /queries/${t.result.queryId}/execute`
        )
      }
      t.result.violations = count
      t.result.source = 'executed'
      t.result.evaluatedAt = new Date(clock.now()).toISOString()
    },
    EXECUTE_CONCURRENCY
  )
}

// New violations

/**
 * The evaluation a policy's new violations count from, when the stage has already seen it (null:
 * there is none); undefined when it must be looked up. With a run it is the last evaluation at or
 * before the run; without, the evaluation before the reported result.
 */
function knownBaseline(t: Tracked, freshAfter?: string): Evaluation | null | undefined {
  if (freshAfter !== undefined) return t.preRun
  if (t.result.source === 'executed') return t.latest ?? null
  return t.latest === undefined ? null : undefined
}

async function lookUpBaseline(
  client: PlatformClient,
  t: Tracked,
  freshAfter?: string
): Promise<Evaluation | null> {
  const bound = freshAfter ?? t.latest?.runAt
  if (bound === undefined) return null
  const limit = Date.parse(bound)
  const inRange = (at: number): boolean => (freshAfter !== undefined ? at <= limit : at < limit)
  const history = await client.listPolicyEvaluations(
    t.result.id,
    { endTime: bound },
    HISTORY_PAGE_SIZE
  )
  let best: Evaluation | null = null
  for (const entry of history.items) {
    const at = Date.parse(entry.run_at)
    if (inRange(at) && (best === null || at > Date.parse(best.runAt))) {
      best = { count: entry.violation_count ?? undefined, runAt: entry.run_at }
    }
  }
  return best
}

function applyBaseline(result: PolicyResult, baseline: Evaluation | null): void {
  result.baseline = baseline?.count
  if (result.violations !== undefined) {
    result.newViolations = Math.max(0, result.violations - (result.baseline ?? 0))
  }
  if (!result.stale) result.previousViolations = result.baseline
}

// Counting and reporting

const SEVERITY_RANK = new Map<string, number>(SEVERITY_ORDER.map((severity, i) => [severity, i]))

function isKnownSeverity(severity: string): severity is KnownSeverity {
  return SEVERITY_RANK.has(severity)
}

/** Most severe (unknown severities after low), then most violating, then by name. */
function byImportance(a: PolicyResult, b: PolicyResult): number {
  const rank = (p: PolicyResult): number => SEVERITY_RANK.get(p.severity) ?? SEVERITY_ORDER.length
  return (
    rank(a) - rank(b) || (b.violations ?? 0) - (a.violations ?? 0) || a.name.localeCompare(b.name)
  )
}

interface Tally {
  violations: SeverityCounts
  newViolations: SeverityCounts
  unknownSeverityViolations: number
  newUnknownSeverityViolations: number
}

function tally(policies: PolicyResult[]): Tally {
  const counts: Tally = {
    violations: emptyCounts(),
    newViolations: emptyCounts(),
    unknownSeverityViolations: 0,
    newUnknownSeverityViolations: 0
  }
  for (const p of policies) {
    if (isKnownSeverity(p.severity)) {
      counts.violations[p.severity] += p.violations ?? 0
      counts.newViolations[p.severity] += p.newViolations ?? 0
    } else {
      counts.unknownSeverityViolations += p.violations ?? 0
      counts.newUnknownSeverityViolations += p.newViolations ?? 0
    }
  }
  return counts
}

function unknownSeverityWarning(policies: PolicyResult[]): string[] {
  const bySeverity = new Map<string, { policies: number; violations: number }>()
  for (const p of policies) {
    if (isKnownSeverity(p.severity)) continue
    const entry = bySeverity.get(p.severity) ?? { policies: 0, violations: 0 }
    entry.policies++
    entry.violations += p.violations ?? 0
    bySeverity.set(p.severity, entry)
  }
  if (bySeverity.size === 0) return []
  const details = [...bySeverity]
    .map(
      ([severity, entry]) =>
        `"${oneLine(String(severity), 40)}": ${plural(entry.policies, 'policy', 'policies')}, ${plural(entry.violations, 'violation')}`
    )
    .join('; ')
  return [
    `Policies with a severity this action does not know (${details}): their violations count toward the total (max-violations) only.`
  ]
}

function missingCountWarning(policies: PolicyResult[]): string[] {
  const missing = policies.filter((p) => p.violations === undefined)
  if (missing.length === 0) return []
  return [
    `No violation count (never evaluated?) for ${plural(missing.length, 'policy', 'policies')}, so treated as stale: ${quoteList(missing.map((p) => p.name))}.`
  ]
}

function summaryLine(policies: PolicyResult[], counts: Tally): string {
  const bySeverity = SEVERITY_ORDER.map((s) => `${counts.violations[s]} ${s}`)
  if (counts.unknownSeverityViolations > 0) {
    bySeverity.push(`${counts.unknownSeverityViolations} of unknown severity`)
  }
  const total =
    SEVERITY_ORDER.reduce((sum, s) => sum + counts.violations[s], 0) +
    counts.unknownSeverityViolations
  const violating = policies.filter((p) => (p.violations ?? 0) > 0).length
  const stale = policies.filter((p) => p.stale).length
  return `Policies: ${plural(total, 'violation')} (${bySeverity.join(', ')}) in ${plural(violating, 'violating policy', 'violating policies')} of ${policies.length}; ${stale} stale.`
}

async function readTrend(
  client: PlatformClient,
  filters: PolicyListFilters,
  domains: string[],
  now: number
): Promise<PolicyOutcome['trend']> {
  const range = {
    startDate: isoDate(now - (TREND_DAYS - 1) * DAY_MS),
    endDate: isoDate(now)
  }
  // Domains are disjoint, so per-domain histories add up to the history of several domains.
  const scopes = domains.length > 1 ? domains.map((domain) => ({ ...filters, domain })) : [filters]
  const histories = await Promise.all(scopes.map((scope) => client.violationsHistory(range, scope)))
  const totals = new Map<string, number>()
  for (const { items } of histories) {
    for (const item of items) {
      totals.set(item.date, (totals.get(item.date) ?? 0) + (item.violation_count ?? 0))
    }
  }
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, violations]) => ({ date, violations }))
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

// Per-policy requests

/**
 * Runs `fn` for each policy with bounded concurrency. A Platform error only skips that policy and
 * is returned, as text, for one aggregated warning; anything else is a bug and propagates.
 */
async function forEachPolicy(
  items: Tracked[],
  fn: (t: Tracked) => Promise<void>,
  limit = DETAIL_CONCURRENCY
): Promise<string[]> {
  const failures: string[] = []
  await mapWithConcurrency(items, limit, async (t) => {
    try {
      await fn(t)
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error
      failures.push(`"${oneLine(t.result.name, 80)}": ${error.message}`)
    }
  })
  return failures
}

function failureWarning(what: string, failures: string[]): string[] {
  if (failures.length === 0) return []
  const shown = failures.slice(0, 3).join('; ')
  const more = failures.length > 3 ? `; and ${failures.length - 3} more` : ''
  return [`${what} of ${plural(failures.length, 'policy', 'policies')}: ${shown}${more}`]
}
