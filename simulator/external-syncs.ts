// External syncs (CLI runs uploaded to the Platform) as pure functions of time, like `runs.ts`: a
// schedule fixed at start, and the `ExternalSync` the API answers at any instant computed from it.
// The CLI owns their lifecycle (the API has no way to create or cancel one), so nothing changes
// a schedule once made.

import { iso } from './api-conventions.js'
import { uuidFrom } from './random.js'

/** An external sync of the scenario: `started` → `finalizing` (ingestion) → `completed`, or `failed`. */
export interface ExternalSyncSpec {
  /** The CLI's `--invocation-id` (a UUID). */
  invocationId: string
  /** The Platform's id (a UUID); generated from the seed when absent. */
  id?: string
  /** When it appears after the simulator starts (default 0: it already exists); null: never. */
  appearAfterMs?: number | null
  /** Time in `started`, rows growing (default 2000). */
  startedMs?: number
  /** Time in `finalizing`, its data being ingested (default 1000); null: finalizing for ever. */
  finalizingMs?: number | null
  /** Default `completed`. A failed one goes straight from `started` to `failed`. */
  finalStatus?: 'completed' | 'failed'
  /** Total rows at the end; default the sum of `tables`, else 12,480. */
  rows?: number
  /** Rows per table at the end; default three AWS tables sharing `rows`. */
  tables?: Record<string, number>
  /** It was created this long before the simulator started (one that ended long ago). */
  ageMs?: number
  /** Statuses replacing `started` (e.g. an unknown `uploading`), before `finalizing`. */
  statusSequence?: { status: string; ms: number }[]
  /** Hostile data: fields put over the `ExternalSync` view, e.g. `{ rows: "lots" }`. */
  extraFields?: Record<string, unknown>
  /** Hostile: fields put over its own answer only (`GET …/{id}`), e.g. another sync's `id`. */
  ownAnswerFields?: Record<string, unknown>
}

export interface SimExternalSync {
  id: string
  invocationId: string
  /** Infinity for one that never appears. */
  createdAt: number
  /** Non-terminal phases back to back from `createdAt`; the last may last for ever. */
  phases: { status: string; to: number }[]
  /** When rows stop growing (the end of the upload). */
  uploadedAt: number
  /** When it reaches `finalStatus`; Infinity when it never does. */
  endAt: number
  finalStatus: 'completed' | 'failed'
  /** Rows per table at the end, listed once: scenarios give up to 800,000 tables. */
  tables: readonly (readonly [string, number])[]
  /** The sum of `tables`. */
  tablesTotal: number
  rows: number
  extraFields: Record<string, unknown>
  ownAnswerFields: Record<string, unknown>
}

export const EXTERNAL_STATUSES = ['started', 'finalizing', 'completed', 'failed']
const DEFAULT_ROWS = 12_480
const HOUR = 3_600_000

function defaultTables(rows: number): Record<string, number> {
  const ec2 = Math.floor(rows * 0.6)
  const s3 = Math.floor(rows * 0.3)
  return { aws_ec2_instances: ec2, aws_s3_buckets: s3, aws_iam_roles: rows - ec2 - s3 }
}

/** The schedule of one external sync, `startedAt` being when the simulator started. */
export function newExternalSync(
  spec: ExternalSyncSpec,
  startedAt: number,
  rand: () => number
): SimExternalSync {
  const appear = spec.appearAfterMs === undefined ? 0 : spec.appearAfterMs
  const createdAt = appear === null ? Infinity : startedAt + appear - (spec.ageMs ?? 0)
  const finalStatus = spec.finalStatus ?? 'completed'
  const upload = spec.statusSequence ?? [{ status: 'started', ms: spec.startedMs ?? 2000 }]
  let at = createdAt
  const phases = upload.map((p) => ({ status: p.status, to: (at += p.ms) }))
  const uploadedAt = at
  if (finalStatus === 'completed') {
    const finalizing = spec.finalizingMs === undefined ? 1000 : spec.finalizingMs
    at = finalizing === null ? Infinity : at + finalizing
    phases.push({ status: 'finalizing', to: at })
  }
  const tables = Object.entries(spec.tables ?? defaultTables(spec.rows ?? DEFAULT_ROWS))
  const tablesTotal = tables.reduce((total, [, rows]) => total + rows, 0)
  return {
    id: spec.id ?? uuidFrom(rand),
    invocationId: spec.invocationId,
    createdAt,
    phases,
    uploadedAt,
    endAt: at,
    finalStatus,
    tables,
    tablesTotal,
    rows: spec.rows ?? tablesTotal,
    extraFields: spec.extraFields ?? {},
    ownAnswerFields: spec.ownAnswerFields ?? {}
  }
}

/** Completed CLI runs of other invocations, 6 h apart, so that finding one is not trivial. */
export function olderExternalSyncs(
  count: number,
  startedAt: number,
  rand: () => number
): SimExternalSync[] {
  return Array.from({ length: count }, (_, k) =>
    newExternalSync(
      { invocationId: uuidFrom(rand), ageMs: (k + 1) * 6 * HOUR, startedMs: 60_000 },
      startedAt,
      rand
    )
  )
}

export function existsAt(sync: SimExternalSync, t: number): boolean {
  return t >= sync.createdAt
}

function externalStatusAt(sync: SimExternalSync, t: number): string {
  return sync.phases.find((p) => t < p.to)?.status ?? sync.finalStatus
}

/**
 * When the Platform evaluates policies for it: once its data is ingested (`completed`), after
 * `delayMs`. One that completed before the simulator started is the policies' initial state.
 */
export function externalEvaluationAt(
  sync: SimExternalSync,
  startedAt: number,
  delayMs: number | null
): number | null {
  if (delayMs === null || sync.finalStatus !== 'completed') return null
  if (!Number.isFinite(sync.endAt) || sync.endAt < startedAt) return null
  return sync.endAt + delayMs
}

/** The `ExternalSync` the API answers at instant `t`: rows and tables grow while it uploads. */
export function externalView(sync: SimExternalSync, t: number): Record<string, unknown> {
  const span = Math.max(1, sync.uploadedAt - sync.createdAt)
  const fraction = Math.min(1, Math.max(0, (t - sync.createdAt) / span))
  const scale = sync.rows / Math.max(1, sync.tablesTotal)
  const progress = progressAt(sync, fraction)
  const terminal = t >= sync.endAt
  // Progress is reported while uploading; after that only the end is news.
  const updated = terminal ? sync.endAt : Math.min(t, sync.uploadedAt)
  return {
    id: sync.id,
    invocation_id: sync.invocationId,
    created_at: iso(sync.createdAt),
    status: externalStatusAt(sync, t),
    rows: Math.round(progress.total * scale),
    table_progress: progress.tables,
    updated_at: iso(updated),
    ...(terminal ? { finished_at: iso(sync.endAt) } : {}),
    ...sync.extraFields
  }
}

interface Progress {
  fraction: number
  tables: Record<string, number>
  total: number
}

/**
 * The last progress computed per sync. Every poll and listing after the upload asks for the same
 * fraction (1), and a scenario's 800,000 tables made each answer cost seconds of the test's CPU.
 * Views share the object read-only: answers are serialized, never changed.
 */
const lastProgress = new WeakMap<SimExternalSync, Progress>()

function progressAt(sync: SimExternalSync, fraction: number): Progress {
  const cached = lastProgress.get(sync)
  if (cached?.fraction === fraction) return cached
  let total = 0
  // fromEntries, not assignment: a hostile table may be named `__proto__`.
  const tables = Object.fromEntries(
    sync.tables.map(([name, rows]) => {
      const now = Math.round(rows * fraction)
      total += now
      return [name, now]
    })
  )
  const progress = { fraction, tables, total }
  lastProgress.set(sync, progress)
  return progress
}
