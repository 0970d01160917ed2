// One neutral view of a run, whichever kind it is: what the surfaces show of a managed run and of a
// CLI run alike, made from each one's own answer without dressing one up as the other. Where the
// Platform says nothing of a field for a kind of run (a CLI run's errors), the view says nothing.

import {
  isActive,
  isTerminal,
  type ExternalSync,
  type SyncRun,
  type SyncRunDetails
} from '../platform/types.js'

/**
 * Where a run is, in the action's words: still going, ended with its data being ingested (a
 * managed run `completed` before `ingested`, a CLI run `finalizing`), ended for good (its data in,
 * or failed), or at a status the action does not know.
 */
export type RunPhase = 'active' | 'ingesting' | 'ended' | 'unknown'

export interface RunView {
  id: string
  /** As the Platform said it (`(none)` when it said none): `completed`, `finalizing`, … */
  status: string
  /** A managed run's `status_reason` (`partial_success`, `oom_killed`, …); none for a CLI run. */
  statusReason?: string
  phase: RunPhase
  /** Its data is in the Platform (true), not yet (false); undefined: the Platform did not say. */
  ingested?: boolean
  createdAt: string
  /** When it ended: a managed run's `completed_at`, a CLI run's `finished_at`. */
  completedAt?: string | null
  rows?: number | null
  /** Undefined for a CLI run: the Platform counts no errors or warnings for one. */
  errors?: number | null
  warnings?: number | null
}

export function managedRunView(run: SyncRunDetails): RunView {
  return {
    id: run.id,
    status: run.status,
    ...(run.status_reason ? { statusReason: run.status_reason } : {}),
    phase: managedPhase(run),
    ...(typeof run.ingested === 'boolean' ? { ingested: run.ingested } : {}),
    createdAt: run.created_at,
    completedAt: run.completed_at,
    rows: run.total_rows,
    errors: run.errors,
    warnings: run.warnings
  }
}

function managedPhase(run: SyncRunDetails): RunPhase {
  if (isFinished(run)) return 'ended'
  if (isTerminal(run.status)) return 'ingesting'
  return isActive(run.status) ? 'active' : 'unknown'
}

/** A CLI run: `completed` once its data is ingested, `finalizing` while it is being ingested. */
export function externalRunView(sync: ExternalSync): RunView {
  const status = sync.status ?? '(none)'
  const ingested = status === 'completed' ? true : status === 'finalizing' ? false : undefined
  return {
    id: sync.id,
    status,
    phase: externalPhase(status),
    ...(ingested === undefined ? {} : { ingested }),
    createdAt: sync.created_at,
    completedAt: sync.finished_at,
    rows: sync.rows
  }
}

function externalPhase(status: string): RunPhase {
  switch (status) {
    case 'completed':
    case 'failed':
      return 'ended'
    case 'finalizing':
      return 'ingesting'
    case 'started':
      return 'active'
    default:
      return 'unknown'
  }
}

/** The CLI run is done: its data ingested (`completed`), or `failed`. */
export function externalFinished(sync: ExternalSync): boolean {
  return externalPhase(sync.status ?? '') === 'ended'
}

/** Done: terminal, and for a completed run, its data ingested (or ingestion failed). */
export function isFinished(run: SyncRun): boolean {
  if (!isTerminal(run.status)) return false
  if (run.status !== 'completed') return true
  return run.ingested === true || run.status_reason === 'ingestion_failed'
}
