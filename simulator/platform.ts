// The simulated Platform's state (scenario, catalog, runs) and its route table. Handlers are
// synchronous and compute every answer from the current instant, so the server can call them from
// anywhere (including a fault that answers late); each concern's handlers live in their own module.

import { buildCatalog, type Catalog } from './catalog.js'
import { ExternalSyncHandlers } from './external-sync-handlers.js'
import {
  externalEvaluationAt,
  newExternalSync,
  olderExternalSyncs,
  type SimExternalSync
} from './external-syncs.js'
import { LogHandlers } from './log-handlers.js'
import type { Handler, PlatformState, Reply } from './operations.js'
import { PolicyHandlers } from './policy-handlers.js'
import { queryColumns } from './query-columns.js'
import { hash32, prng, uuidFrom, uuidOf } from './random.js'
import { activeRun, evaluationAt, previousRun, type SimRun } from './runs.js'
import { resolveScenario, type ResolvedScenario, type Scenario } from './scenario.js'
import { SyncHandlers } from './sync-handlers.js'
import { ViolationHandlers } from './violation-handlers.js'

export class Platform implements PlatformState {
  scenario: ResolvedScenario
  catalog: Catalog
  readonly runs: SimRun[] = []
  readonly externalSyncs: SimExternalSync[] = []
  /** Called when a run is cancelled, so live log streams end at once. */
  onCancel: (run: SimRun) => void = () => {}
  private input: Scenario
  private readonly syncs: SyncHandlers
  private readonly logs = new LogHandlers(this)
  private readonly policies = new PolicyHandlers(this)
  private readonly violations = new ViolationHandlers(this)
  private readonly external = new ExternalSyncHandlers(() => this.externalSyncs)

  readonly routes: Record<string, Record<string, Handler>> = {
    '/platform-info': { GET: () => this.platformInfo() },
    '/syncs': { GET: (r) => this.syncs.listSyncs(r) },
    '/syncs/{sync_name}/runs': {
      GET: (r) => this.syncs.listRuns(r),
      POST: (r) => this.syncs.createRun(r)
    },
    '/syncs/{sync_name}/runs/{sync_run_id}': {
      GET: (r) => this.syncs.getRun(r),
      PATCH: (r) => this.syncs.updateRun(r)
    },
    '/syncs/{sync_name}/runs/{sync_run_id}/logs/query': { GET: (r) => this.logs.queryLogs(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/logs/live': { GET: (r) => this.logs.liveLogs(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/tables': { GET: (r) => this.syncs.runTables(r) },
    '/syncs/{sync_name}/runs/{sync_run_id}/stats': { GET: (r) => this.syncs.runStats(r) },
    '/policies': { GET: (r) => this.policies.listPolicies(r) },
    '/policies/{policy_id}': { GET: (r) => this.policies.getPolicy(r) },
    '/policies/{policy_id}/violations': { GET: (r) => this.violations.violations(r) },
    '/policies/{policy_id}/violations-history': { GET: (r) => this.violations.policyHistory(r) },
    '/policies/violations-history': { GET: (r) => this.violations.violationsHistory(r) },
    '/policy-groups': { GET: (r) => this.policies.listGroups(r) },
    '/policy-groups/{policy_group_id}': { GET: (r) => this.policies.groupPolicies(r) },
    '/queries/{query_id}/execute': { POST: (r) => this.violations.executeQuery(r) },
    '/queries/columns': { POST: queryColumns },
    '/external-sync-runs': { GET: (r) => this.external.listExternalSyncs(r) },
    '/external-sync-runs/{external_sync_id}': { GET: (r) => this.external.getExternalSync(r) }
  }

  constructor(
    input: Scenario,
    readonly startedAt: number
  ) {
    this.input = input
    this.scenario = resolveScenario(input)
    this.catalog = buildCatalog(this.scenario, startedAt)
    const rand = prng(hash32(this.scenario.seed, 'runs'))
    const nextRunId = (): string => uuidFrom(rand)
    this.syncs = new SyncHandlers(this, nextRunId)
    for (const spec of this.scenario.previousRuns) {
      this.runs.push(previousRun(this.scenario, nextRunId(), spec, startedAt))
    }
    for (const spec of this.scenario.activeRuns) {
      this.runs.push(activeRun(this.scenario, nextRunId(), spec, startedAt))
    }
    // Their own stream, so that adding external syncs changes no run id of existing scenarios.
    const externalRand = prng(hash32(this.scenario.seed, 'external-syncs'))
    this.externalSyncs.push(
      ...olderExternalSyncs(this.scenario.olderExternalSyncs, startedAt, externalRand),
      ...this.scenario.externalSyncs.map((spec) => newExternalSync(spec, startedAt, externalRand))
    )
  }

  /**
   * Changes the scenario from now on. Runs already created keep the behaviour they were created
   * with; `previousRuns`, `activeRun` and `externalSyncs` only matter at start.
   */
  update(patch: Scenario): void {
    const merged: Scenario = {
      ...this.input,
      ...patch,
      run: { ...this.input.run, ...patch.run },
      syncRuns: { ...this.input.syncRuns, ...patch.syncRuns },
      evaluation: { ...this.input.evaluation, ...patch.evaluation },
      policyGen: { ...this.input.policyGen, ...patch.policyGen }
    }
    this.input = merged
    this.scenario = resolveScenario(merged)
    const catalogKeys: (keyof Scenario)[] = ['policies', 'policyGen', 'groups', 'seed']
    if (catalogKeys.some((k) => k in patch))
      this.catalog = buildCatalog(this.scenario, this.startedAt)
  }

  private platformInfo(): Reply {
    const { scenario } = this
    return {
      status: 200,
      json: {
        version: scenario.platformVersion,
        tenant_id: uuidOf(scenario.seed, 'tenant'),
        public_ips: ['127.0.0.1'],
        aws_account_id: '000000000000'
      }
    }
  }

  /** Times (ascending) at which the Platform evaluated policies, up to `now`. */
  evaluationsUntil(now: number): number[] {
    const delay =
      this.scenario.evaluation.mode === 'never' ? null : this.scenario.evaluation.delayAfterIngestMs
    const external = this.externalSyncs.map((s) => externalEvaluationAt(s, this.startedAt, delay))
    return [...this.runs.map(evaluationAt), ...external]
      .filter((at): at is number => at !== null && at <= now)
      .sort((a, b) => a - b)
  }
}
