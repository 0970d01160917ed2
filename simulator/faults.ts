// Fault injection: which configured fault hits a request, and the answers a fault sends that are
// not the Platform's own (a proxy's error page, a Retry-After header).

import type { IncomingMessage } from 'node:http'
import { ApiError } from './operations.js'
import type { Fault } from './scenario.js'

/** The largest request body the simulator reads before it answers 413. */
const MAX_BODY = 1 << 20

export const PROXY_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** Decides, per request, which configured fault (if any) hits it. */
export class FaultInjector {
  private readonly seen = new Map<Fault, number>()

  constructor(
    private readonly faults: Fault[],
    private readonly templates: Set<string>
  ) {}

  take(method: string, apiPath: string, template: string | undefined): Fault | undefined {
    for (const fault of this.faults) {
      if (!this.matches(fault, method, apiPath, template)) continue
      const n = this.seen.get(fault) ?? 0
      this.seen.set(fault, n + 1)
      const after = fault.after ?? 0
      const count = fault.count === 'always' ? Infinity : (fault.count ?? 1)
      if (n >= after && n < after + count) return fault
    }
    return undefined
  }

  private matches(fault: Fault, method: string, apiPath: string, template?: string): boolean {
    const { method: m, path } = fault.match
    if (m !== undefined && m.toUpperCase() !== method) return false
    if (path === undefined) return true
    // A known template names exactly one operation; anything else is a regular expression.
    return this.templates.has(path) ? path === template : new RegExp(path).test(apiPath)
  }
}

export function retryAfterHeader(fault: Fault, now: number): Record<string, string> {
  if (fault.retryAfter === undefined) return {}
  if (fault.retryAfter === 'http-date') {
    // HTTP-dates have one-second resolution: round up so the date is never in the past.
    return { 'retry-after': new Date(Math.ceil((now + 1000) / 1000) * 1000).toUTCString() }
  }
  if (fault.retryAfter === 'http-date-now') {
    return { 'retry-after': new Date(Math.floor(now / 1000) * 1000).toUTCString() }
  }
  return { 'retry-after': String(fault.retryAfter) }
}

/** A request's body, drained past the limit so that the 413 can still be answered. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      // Past the limit the body is drained, not kept, so the 413 can still be answered.
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () =>
      size > MAX_BODY
        ? reject(new ApiError(413, 'request body too large'))
        : resolve(Buffer.concat(chunks).toString('utf8'))
    )
    req.on('error', reject)
  })
}
