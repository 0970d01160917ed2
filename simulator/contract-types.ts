// The shapes the contract check reads: an exchange as the simulator records it, and the verdict.

/** One request/response pair; `RecordedRequest` from the simulator is one. */
export interface Exchange {
  method: string
  /** As sent, with or without the `/api` base path. */
  path: string
  query?: Record<string, string | string[]>
  headers?: Record<string, string | string[] | undefined>
  body?: unknown
  rawBody?: string
  /** Set by the simulator for injected faults, whose responses are not the Platform's. */
  fault?: string
  /** Undefined when no response came back. */
  status?: number
  responseHeaders?: Record<string, string | string[] | undefined>
  responseBody?: unknown
  responseText?: string
}

export interface ContractResult {
  ok: boolean
  /** `GET /syncs/{sync_name}/runs`, when the request maps to an operation. */
  operation?: string
  errors: string[]
  /** Why nothing was checked (injected fault, no response). */
  skipped?: string
}
