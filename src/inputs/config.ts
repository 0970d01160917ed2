// The action's configuration, typed: what the inputs are parsed into and every stage reads.

import type { ParsedBaseline } from '../lib/baseline-format.js'
import type { KnownSeverity } from '../lib/severity.js'

export type IfRunning = 'attach' | 'start' | 'fail' | 'queue'
export type SyncLogsMode = 'on-failure' | 'always' | 'never'
export type GateOn = 'all' | 'new'
export type PolicyEvaluationMode = 'auto' | 'wait' | 'execute' | 'latest'
export type PrCommentMode = 'off' | 'always' | 'on-failure'
/** `table-errors`: a counted policy reading a table the run synced with errors fails the gate, or warns. */
export type TableErrorsMode = 'fail' | 'warn'

/** Most violations allowed; `undefined` means no limit. */
export type Thresholds = Record<KnownSeverity | 'total', number | undefined>

export interface SyncConfig {
  name: string
  /** Follow this existing run instead of starting one. */
  runId?: string
  ifRunning: IfRunning
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  cancelOnTimeout: boolean
  logs: SyncLogsMode
  maxErrors?: number
}

/** `external-sync`: a sync the CloudQuery CLI ran and uploaded to the Platform, followed, never started or cancelled. */
export interface ExternalSyncConfig {
  /** The CLI's invocation id (any text of 1 to 200 characters) or an external sync id (a UUID, in lower case), as the workflow gave it. */
  id: string
  timeoutMs: number
  pollIntervalMs: number
}

export interface PolicyConfig {
  groups: string[]
  policies: string[]
  severities: KnownSeverity[]
  domains: string[]
  thresholds: Thresholds
  gateOn: GateOn
  evaluation: PolicyEvaluationMode
  evaluationTimeoutMs: number
  /** What a counted policy over a table the run synced with errors or panics does to the gate. */
  tableErrors: TableErrorsMode
  samples: number
  /**
   * `baseline-file`, read and checked; or, with `baseline-artifact`, the artifact's baseline once
   * the preflight has found it. One of the two is required by `gate-on: new`.
   */
  baseline?: BaselineFile
  /** `baseline-artifact`: the artifact's name, looked for through the GitHub API before any sync. */
  baselineArtifact?: string
  /** `exceptions-file`, read and checked for structure (entries are judged by the verdict). */
  exceptions?: ExceptionsFile
  /**
   * `scope`: the resources the gate judges (those the pull request's environment owns); the
   * violations outside it are counted and shown, never judged.
   */
  scope?: ResourceMatchers
  /** An exception that expires further out than this many days from today is invalid. */
  maxExceptionDays: number
  /** A baseline older than this many days gives a warning. */
  baselineMaxAgeDays: number
  /** `baseline-write` is set: read resources so that this run's report is a baseline. */
  recordBaseline: boolean
}

/** A baseline: the violating resources of each policy at one moment, by `_cq_platform_id`. */
export interface BaselineFile extends ParsedBaseline {
  /** The file, or for an artifact its name and id (what the messages call it). */
  path: string
  /** Where an artifact's baseline came from; absent for `baseline-file`. */
  artifact?: BaselineArtifactSource
}

/** The artifact a `baseline-artifact` baseline came from, and the run that made it. */
export interface BaselineArtifactSource {
  name: string
  id: number
  /** When GitHub created the artifact (ISO 8601). */
  createdAt: string
  runId: number
  /** The run's page on GitHub. */
  runUrl: string
  /** The branch the run was on: the repository's default branch. */
  branch: string
  /** What triggered the run: `push`, `schedule` or `workflow_dispatch`. */
  event: string
}

/**
 * What narrows violating resources (an exception entry, the `scope`): every kind given must match,
 * any one value within a kind; an empty kind matches everything.
 */
export interface ResourceMatchers {
  /** Globs over the resource's name or `_cq_platform_id`. */
  resources: string[]
  /** Account ids or names (globs). */
  accounts: string[]
  regions: string[]
  /** `key` or `key=value`. */
  tags: string[]
}

/** One entry of the exceptions file, as written; `problems` make it suppress nothing. */
export interface ExceptionEntry extends ResourceMatchers {
  /** 1-based line of the entry in the file. */
  line: number
  /** Policy name or id. */
  policy?: string
  reason?: string
  /** `YYYY-MM-DD`. */
  expires?: string
  owner?: string
  link?: string
  /** Missing or unusable required fields: the entry is malformed and suppresses nothing. */
  problems: string[]
}

export interface ExceptionsFile {
  path: string
  entries: ExceptionEntry[]
}

export interface ReportConfig {
  softFail: boolean
  jobSummary: boolean
  annotations: boolean
  reportFile: string
  prComment: PrCommentMode
  githubToken: string
  commentTag: string
  /** `baseline-write`: where to write a compact baseline; empty: nowhere. */
  baselineWrite: string
  /**
   * Where `report-file` and `baseline-write` may lead through a symlink, and be a FIFO or a device:
   * the workspace and the runner's temp folder, as real paths.
   */
  writePlaces: string[]
}

export interface ActionConfig {
  /** Base of the API, always ending in `/api` and without a trailing slash. */
  apiBaseUrl: string
  apiKey: string
  /**
   * The managed syncs to run, in the order `sync-name` lists them; empty when the workflow names
   * none (an external sync, or a policies-only gate).
   */
  syncs: SyncConfig[]
  /**
   * `external-sync`: the CLI-run syncs to follow instead of managed ones (one per shard of a
   * sharded `cloudquery sync`), in the order given; empty when the workflow names none.
   */
  externalSyncs: ExternalSyncConfig[]
  /** No policy stage when `evaluate-policies` is false. */
  policies?: PolicyConfig
  report: ReportConfig
  /**
   * `timeout`: each run's wait, and the most the requests before the waits may take from the
   * action's start (the preflight, the policy selection, finding the runs to start).
   */
  timeoutMs: number
}

/** A problem on a line of a file in the repository, so it can be annotated there (in the PR diff). */
export interface ProblemAt {
  file: string
  /** 1-based. */
  line: number
  message: string
}

/** Every bad input at once: one line per problem, each naming the input, the value and what is accepted. */
export class InputError extends Error {
  readonly problems: string[]
  /** The problems that are on a line of a file (an exceptions file's), for annotations there. */
  readonly at: ProblemAt[]

  constructor(problems: string | string[], at: ProblemAt[] = []) {
    const list = typeof problems === 'string' ? [problems] : problems
    super(
      list.length === 1
        ? list[0]
        : `${list.length} inputs need fixing:\n${list.map((p) => `- ${p}`).join('\n')}`
    )
    this.name = 'InputError'
    this.problems = list
    this.at = at
  }
}
