// The CloudQuery Platform REST client: one method per API operation the action uses, each as the
// OpenAPI spec defines it (path, query, method), over a transport that retries what is safe to
// retry. It is the only module that speaks HTTP to the Platform.

import type { IncomingMessage } from 'node:http'
import type {
  ExternalSync,
  ListSync,
  Page,
  Policy,
  PolicyEvaluationLog,
  PolicyGroupWithCounts,
  PlatformInfo,
  PolicyViolation,
  QueryColumns,
  SyncRun,
  SyncRunDetails,
  SyncRunTableStat,
  TableDataPage,
  ViolationsHistory
} from './types.js'
import { Transport, type Deadline, type RequestSpec, type TransportOptions } from './transport.js'

import { notAPlatform } from './errors.js'
import { MAX_TABLE_PROGRESS } from './limits.js'
import { cutTableProgress } from './table-progress.js'
export { PlatformError } from './errors.js'
export type { Deadline } from './transport.js'
export type PlatformClientOptions = TransportOptions

export class PlatformClient {
  private readonly transport: Transport

  constructor(
    options: PlatformClientOptions | Transport,
    /** Every request of this client ends by then, retries included (see within()). */
    private readonly deadline?: Deadline
  ) {
    this.transport = options instanceof Transport ? options : new Transport(options)
  }

  /**
   * This client, over the same connection, with every request ended by `deadline` (its tries given
   * only the time left, no retry slept for beyond it), except a start request (createRun): cut
   * short, it might still create a run, which must then be known to be followed and cancelled.
   */
  within(deadline: Deadline): PlatformClient {
    return new PlatformClient(this.transport, deadline)
  }

  /** Longest wait for one answer; also how long a timed-out POST may still be at work. */
  get requestTimeoutMs(): number {
    return this.transport.requestTimeoutMs
  }

  /** Requests sent, retries included; the benchmark and tests read it. */
  get requestCount(): number {
    return this.transport.requestCount
  }

  /** Frees the keep-alive sockets so the process can exit. */
  dispose(): void {
    this.transport.dispose()
  }

  /**
   * The preflight: one cheap request that proves the URL is the Platform's API and the key is
   * accepted, before anything costly. What answers otherwise is named with the full URL tried.
   */
  async platformInfo(): Promise<PlatformInfo> {
    const url = `${this.transport.apiBaseUrl}/platform-info`
    let info: Partial<PlatformInfo> | null
    try {
      info = await this.json<Partial<PlatformInfo> | null>({
        method: 'GET',
        path: '/platform-info',
        retry: true
      })
    } catch (error) {
      throw notAPlatform(error, url)
    }
    if (typeof info?.version !== 'string') throw notAPlatform(undefined, url)
    return info as PlatformInfo
  }

  // Syncs and runs

  listSyncs(filter: string, perPage = 20): Promise<Page<ListSync>> {
    return this.json({
      method: 'GET',
      path: '/syncs',
      query: { filter, per_page: perPage },
      retry: true,
      shape: 'page'
    })
  }

  listRuns(syncName: string, perPage = 20, page = 1): Promise<Page<SyncRun>> {
    return this.json({
      method: 'GET',
      path: `/syncs/${enc(syncName)}/runs`,
      query: { per_page: perPage, page },
      retry: true,
      shape: 'page'
    })
  }

  /**
   * Never retried here: a retry could start a second run (the sync stage reconciles instead). Never
   * cut short by a deadline either (see within()).
   */
  createRun(syncName: string): Promise<SyncRun> {
    return this.transport.json({
      method: 'POST',
      path: `/syncs/${enc(syncName)}/runs`,
      retry: false,
      shape: 'run'
    })
  }

  getRun(syncName: string, runId: string): Promise<SyncRunDetails> {
    return this.json({ method: 'GET', path: runPath(syncName, runId), retry: true, shape: 'run' })
  }

  /** Setting the same status twice changes nothing, so this one is safe to retry. */
  cancelRun(syncName: string, runId: string): Promise<SyncRun> {
    return this.json({
      method: 'PATCH',
      path: runPath(syncName, runId),
      body: { status: 'cancelled' },
      retry: true,
      shape: 'object'
    })
  }

  /** By name: a unique, stable order, so that no table moves between pages while they are read. */
  listRunTables(
    syncName: string,
    runId: string,
    perPage: number,
    page: number
  ): Promise<Page<SyncRunTableStat>> {
    return this.json({
      method: 'GET',
      path: `${runPath(syncName, runId)}/tables`,
      query: { per_page: perPage, page, sort_by: ['name'], sort_dir: ['asc'] },
      retry: true,
      shape: 'page'
    })
  }

  /** `undefined` when the run has no logs (204). */
  queryLogs(
    syncName: string,
    runId: string,
    page: number,
    perPage: number
  ): Promise<TableDataPage | undefined> {
    return this.json({
      method: 'GET',
      path: `${runPath(syncName, runId)}/logs/query`,
      query: { page, per_page: perPage },
      retry: true,
      shape: 'table',
      accept: [204]
    })
  }

  /** The live log stream (best-effort, not retried); `undefined` while there is none (204). */
  openLiveLogs(syncName: string, runId: string): Promise<IncomingMessage | undefined> {
    return this.transport.openStream(`${runPath(syncName, runId)}/logs/live`)
  }

  // External syncs (CLI runs): read-only; the API has no way to cancel one, the CLI owns it.

  /** Newest first; each one's `table_progress` cut to the tables with the most rows. */
  listExternalSyncRuns(perPage = 100, page = 1): Promise<Page<ExternalSync>> {
    return this.json({
      method: 'GET',
      path: '/external-sync-runs',
      query: { per_page: perPage, page },
      retry: true,
      shape: 'external-page',
      beforeParse: boundTables
    })
  }

  /**
   * Its `table_progress` cut to the tables with the most rows. An answer for another external sync
   * (another `id`, a UUID compared without regard to case) is refused like a wrong-shaped one.
   */
  getExternalSyncRun(id: string): Promise<ExternalSync> {
    return this.json({
      method: 'GET',
      path: `/external-sync-runs/${enc(id)}`,
      retry: true,
      shape: 'external-sync',
      beforeParse: boundTables,
      check: (answer) =>
        String((answer as ExternalSync).id).toLowerCase() === id.toLowerCase()
          ? undefined
          : "with another external sync's id"
    })
  }

  // Policies

  listPolicies(
    filters: PolicyListFilters,
    page: number,
    perPage: number,
    sort: PolicySort = { by: 'created_at', dir: 'asc' }
  ): Promise<Page<Policy>> {
    return this.json({
      method: 'GET',
      path: '/policies',
      query: {
        status: 'active',
        severities: filters.severities,
        domain: filters.domain,
        policy_group_ids: filters.policyGroupIds,
        sort_by: sort.by,
        sort_dir: sort.dir,
        page,
        per_page: perPage
      },
      retry: true,
      shape: 'page'
    })
  }

  getPolicy(policyId: string): Promise<Policy> {
    return this.json({
      method: 'GET',
      path: `/policies/${enc(policyId)}`,
      retry: true,
      shape: 'object'
    })
  }

  listPolicyGroups(): Promise<{ items: PolicyGroupWithCounts[] }> {
    return this.json({ method: 'GET', path: '/policy-groups', retry: true, shape: 'page' })
  }

  listPolicyViolations(
    policyId: string,
    perPage: number,
    page = 1
  ): Promise<Page<PolicyViolation>> {
    return this.json({
      method: 'GET',
      path: `/policies/${enc(policyId)}/violations`,
      query: { per_page: perPage, page },
      retry: true,
      shape: 'page'
    })
  }

  listPolicyEvaluations(
    policyId: string,
    range: { endTime?: string; startTime?: string },
    perPage: number
  ): Promise<Page<PolicyEvaluationLog>> {
    return this.json({
      method: 'GET',
      path: `/policies/${enc(policyId)}/violations-history`,
      query: { start_time: range.startTime, end_time: range.endTime, per_page: perPage, page: 1 },
      retry: true,
      shape: 'page'
    })
  }

  violationsHistory(
    range: { startDate: string; endDate: string },
    filters: PolicyListFilters
  ): Promise<ViolationsHistory> {
    return this.json({
      method: 'GET',
      path: '/policies/violations-history',
      query: {
        start_date: range.startDate,
        end_date: range.endDate,
        severities: filters.severities,
        domain: filters.domain,
        policy_group_ids: filters.policyGroupIds
      },
      retry: true,
      shape: 'page'
    })
  }

  /** Runs a saved query now. It only reads, so it is retried like a GET. */
  executeQuery(queryId: string, perPage: number): Promise<TableDataPage> {
    return this.json({
      method: 'POST',
      path: `/queries/${enc(queryId)}/execute`,
      query: { per_page: perPage, page: 1 },
      retry: true,
      shape: 'table'
    })
  }

  /** The tables a query reads, without running it. It only reads, so it is retried like a GET. */
  queryColumns(query: string): Promise<QueryColumns> {
    return this.json({
      method: 'POST',
      path: '/queries/columns',
      body: { query },
      retry: true,
      shape: 'object'
    })
  }

  private json<T>(spec: RequestSpec): Promise<T> {
    return this.transport.json<T>(spec, this.deadline)
  }
}

export interface PolicyListFilters {
  severities?: readonly string[]
  domain?: string
  policyGroupIds?: readonly string[]
}

/** `created_at` keeps pages stable while reading them all; `last_run_at` puts fresh results first. */
export interface PolicySort {
  by: 'created_at' | 'last_run_at'
  dir: 'asc' | 'desc'
}

function boundTables(body: string): string {
  return cutTableProgress(body, MAX_TABLE_PROGRESS)
}

function runPath(syncName: string, runId: string): string {
  return `/syncs/${enc(syncName)}/runs/${enc(runId)}`
}

function enc(segment: string): string {
  return encodeURIComponent(segment)
}
