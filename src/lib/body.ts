// Reading an answer whole with a deadline and a size bound: a peer that resets, stalls, cuts the
// body short or sends without end fails the read instead of hanging it or filling the memory.

import type { IncomingMessage } from 'node:http'

/** The answer was larger than its reader allows. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`a body larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this action reads`)
  }
}

/**
 * Reads a whole body, failing (instead of hanging or growing without end) when the peer resets,
 * stalls, cuts it short or sends more than `maxBytes`: the limit is checked as the bytes arrive.
 */
export function readBodyBytes(
  message: IncomingMessage,
  timeoutMs: number,
  maxBytes: number
): Promise<Buffer> {
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
      else resolve(Buffer.concat(chunks))
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
