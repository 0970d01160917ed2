// The action's configuration, typed: what the inputs are parsed into and every stage reads.

import type { KnownSeverity } from '../lib/severity.js'

export type IfRunning = 'attach' | 'start' | 'fail'
export type SyncLogsMode = 'on-failure' | 'always' | 'never'
export type GateOn = 'all' | 'new'
export type PolicyEvaluationMode = 'auto' | 'wait' | 'execute' | 'latest'
export type PrCommentMode = 'off' | 'always' | 'on-failure'

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

export interface PolicyConfig {
  groups: string[]
  policies: string[]
  severities: KnownSeverity[]
  domains: string[]
  thresholds: Thresholds
  gateOn: GateOn
  evaluation: PolicyEvaluationMode
  evaluationTimeoutMs: number
  samples: number
}

export interface ReportConfig {
  softFail: boolean
  jobSummary: boolean
  annotations: boolean
  reportFile: string
  prComment: PrCommentMode
  githubToken: string
  commentTag: string
}

export interface ActionConfig {
  /** Base of the API, always ending in `/api` and without a trailing slash. */
  apiBaseUrl: string
  apiKey: string
  /** No sync stage when the workflow names no sync (a policies-only gate). */
  sync?: SyncConfig
  /** No policy stage when `evaluate-policies` is false. */
  policies?: PolicyConfig
  report: ReportConfig
}

/** Every bad input at once: one line per problem, each naming the input, the value and what is accepted. */
export class InputError extends Error {
  readonly problems: string[]

  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems
    super(
      list.length === 1
        ? list[0]
        : `${list.length} inputs need fixing:\n${list.map((p) => `- ${p}`).join('\n')}`
    )
    this.name = 'InputError'
    this.problems = list
  }
}
