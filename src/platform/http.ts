// Reading an answer with a deadline: a peer that resets, stalls or cuts the body short fails the
// request instead of hanging it.

import type { IncomingMessage } from 'node:http'
import { readBodyBytes } from '../lib/body.js'
import { formatDuration } from '../lib/duration.js'
import { MAX_BODY_BYTES } from './limits.js'

export { BodyTooLargeError } from '../lib/body.js'

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Reads a whole answer as text, failing (instead of hanging or growing without end) when the peer
 * resets, stalls, cuts it short or sends more than `maxBytes`.
 */
export async function readBody(
  message: IncomingMessage,
  timeoutMs: number,
  maxBytes = MAX_BODY_BYTES
): Promise<string> {
  return (await readBodyBytes(message, timeoutMs, maxBytes)).toString('utf8')
}

/**
 * Rejects when `promise` has not settled within `ms`; an answer that arrives later is handed to
 * `discard` so that its socket does not stay open unread.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  discard: (late: T) => void
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false
    const timer = setTimeout(() => {
      expired = true
      reject(new Error(`no answer within ${formatDuration(ms)} (timeout)`))
    }, ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        if (expired) discard(value)
        else resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })
}
