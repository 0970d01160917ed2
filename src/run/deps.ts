// What one run of the action is given: everything that touches the world, passed in.

import type { BaselineArtifactResult } from '../baseline/stage.js'
import type { BaselineSelection } from '../lib/baseline-format.js'
import type { Redactor } from '../lib/log-safety.js'
import type { Logger } from '../lib/logger.js'
import type { Clock } from '../lib/poll.js'
import type { PlatformClient } from '../platform/client.js'
import type { ReportError, RunReport } from '../report/model.js'
import type { RunSnapshot, SavedRun } from './state.js'

export interface ActionDeps {
  client: PlatformClient
  clock: Clock
  log: Logger
  redact: Redactor
  /** Installs the handler of SIGINT/SIGTERM (called at most once); returns what uninstalls it. */
  onTermination: (handler: (signal: string) => Promise<void>) => () => void
  /** Writes every surface of the report; returns the parts that could not be written. */
  publish: (report: RunReport) => Promise<ReportError[]>
  /** Saves the runs for the post step; `finished` once this step has dealt with them. */
  saveRuns: (runs: readonly SavedRun[], finished: boolean) => void
  /** `baseline-artifact`: finds the default branch's baseline through the GitHub API. */
  findBaselineArtifact?: (
    name: string,
    selection: BaselineSelection
  ) => Promise<BaselineArtifactResult>
}

/** Publishes the report of a snapshot, once: at the end, or on a signal before it. */
export type Publisher = (
  snapshot: RunSnapshot
) => Promise<{ report: RunReport; problems: ReportError[] }>
