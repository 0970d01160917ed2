// Answers that never end, for the action's limits: a JSON body written at 200 MB a second, and
// one that trickles a byte at a time. Both stop only when the client gives up.

import type { ServerResponse } from 'node:http'

/** Sleeps on the simulator's clock: `later` schedules, `cancel` drops what it scheduled. */
interface Timers {
  later: (ms: number, fn: () => void) => AbortController
  cancel: (timer: AbortController) => void
}

/** What an endless body sends per burst, one burst each BURST_MS: 200 MB a second. */
const BYTES_PER_BURST = 2 * 1024 * 1024
const BURST_MS = 10

/**
 * A 200 whose JSON body never ends; `closed` runs when the client hangs up. It comes at 200 MB a
 * second of the simulator's clock (or as fast as the client reads, if slower): far past any limit
 * of the action's within a second, where an unpaced one copied some 2 GB a second through both
 * processes for as long as a case lasted.
 */
export function sendEndless(res: ServerResponse, timers: Timers, closed: () => void): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  const chunk = Buffer.from(`{"items":[${'"x",'.repeat(16 * 1024)}`)
  let budget = BYTES_PER_BURST
  let timer: AbortController | undefined
  const refill = (): void => {
    timer = undefined
    budget = BYTES_PER_BURST
    pump()
  }
  const pump = (): void => {
    while (!res.destroyed && budget > 0) {
      budget -= chunk.length
      // A full socket buffer: `drain` goes on with this burst once the client has read it.
      if (!res.write(chunk)) return
    }
    if (!res.destroyed && timer === undefined) timer = timers.later(BURST_MS, refill)
  }
  res.on('drain', pump)
  res.on('close', () => {
    if (timer) timers.cancel(timer)
    closed()
  })
  pump()
}

/** A 200 whose body comes one byte a second (of the simulator's clock), and never ends. */
export function sendTrickle(res: ServerResponse, timers: Timers, closed: () => void): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.flushHeaders()
  let timer: AbortController | undefined
  const drip = (): void => {
    if (res.destroyed) return
    res.write(' ')
    timer = timers.later(1000, drip)
  }
  res.on('close', () => {
    if (timer) timers.cancel(timer)
    closed()
  })
  drip()
}
