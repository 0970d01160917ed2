// What the server and the handlers agree on, so that the handler modules need not know each other.

import type { Catalog } from './catalog.js'
import type { SimRun } from './runs.js'
import type { ResolvedScenario } from './scenario.js'

/** What a handler answers: JSON, nothing (204), or the live log stream of a run. */
export interface Reply {
  status: number
  json?: unknown
  headers?: Record<string, string>
  liveLog?: SimRun
}

export interface ApiRequest {
  params: Record<string, string>
  query: Query
  body: unknown
  /** Set when a body was sent but is not JSON. */
  bodyError?: string
  now: number
}

export type Handler = (req: ApiRequest) => Reply

/**
 * The Platform as its handlers see it. Read at each request, never copied: a scenario update or a
 * new catalog applies to the next answer.
 */
export interface PlatformState {
  readonly scenario: ResolvedScenario
  readonly catalog: Catalog
  readonly runs: SimRun[]
  readonly startedAt: number
  /** Times (ascending) at which the Platform evaluated policies, up to `now`. */
  evaluationsUntil(now: number): number[]
  /** Called when a run is cancelled, so live log streams end at once. */
  onCancel(run: SimRun): void
}

/** An error answered as the Platform's `BasicError`/`FieldError` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors?: Record<string, string>
  ) {
    super(message)
  }

  toJSON(): Record<string, unknown> {
    return {
      message: this.message,
      status: this.status,
      ...(this.fieldErrors ? { field_errors: this.fieldErrors } : {})
    }
  }
}

/** Query parameters; list parameters come repeated (`a=1&a=2`) or, leniently, comma-separated. */
export class Query {
  constructor(readonly values: Record<string, string[]>) {}

  one(name: string): string | undefined {
    return this.values[name]?.[0]
  }

  list(name: string): string[] {
    return (this.values[name] ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '')
  }
}
