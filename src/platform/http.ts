// Reading an answer with a deadline: a peer that resets, stalls or cuts the body short fails the
// request instead of hanging it.

import type { IncomingMessage } from 'node:http'
import { MAX_BODY_BYTES } from './limits.js'

/** The answer was larger than the action reads (see limits.ts). */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`a body larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this action reads`)
  }
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Reads a whole body, failing (instead of hanging or growing without end) when the peer resets,
 * stalls, cuts it short or sends more than `maxBytes`: the limit is checked as the bytes arrive.
 */
export function readBody(
  message: IncomingMessage,
  timeoutMs: number,
  maxBytes = MAX_BODY_BYTES
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    let settled = false
    const timer = setTimeout(() => {
      settle(new Error(`body not received within ${timeoutMs / 1000}s (timeout)`))
      message.destroy()
    }, timeoutMs)
    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    }
    message.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received <= maxBytes) return void chunks.push(chunk)
      chunks.length = 0
      // Settled first: destroying the message reports it as cut short.
      settle(new BodyTooLargeError(maxBytes))
      message.destroy()
    })
    message.on('end', () =>
      message.complete ? settle() : settle(new Error('the answer was cut short'))
    )
    message.on('aborted', () => settle(new Error('the answer was cut short')))
    message.on('error', (error) => settle(error))
    message.on('close', () => {
      if (!message.complete)
        settle(new Error('the connection closed before the answer was complete'))
    })
  })
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
      reject(new Error(`no answer within ${ms / 1000}s (timeout)`))
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
