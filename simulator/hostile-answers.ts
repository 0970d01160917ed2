// Answers that never end, for the action's limits: a JSON body written as fast as the client
// reads it, and one that trickles a byte at a time. Both stop only when the client gives up.

import type { ServerResponse } from 'node:http'

/** Sleeps on the simulator's clock: `later` schedules, `cancel` drops what it scheduled. */
interface Timers {
  later: (ms: number, fn: () => void) => AbortController
  cancel: (timer: AbortController) => void
}

/** A 200 whose JSON body never ends; `closed` runs when the client hangs up. */
export function sendEndless(res: ServerResponse, closed: () => void): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  const chunk = Buffer.from(`{"items":[${'"x",'.repeat(16 * 1024)}`)
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
  }
  res.on('drain', pump)
  res.on('close', closed)
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
