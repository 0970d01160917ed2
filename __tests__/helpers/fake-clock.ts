import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Clock } from '../../src/lib/poll.js'

interface Timer {
  at: number
  /** Registration order: timers due at the same instant fire in it. */
  seq: number
  /** A sleep of the code under test (it moves time), rather than of the simulator (it follows). */
  drives: boolean
  fire: () => void
}

/**
 * Event-loop turns without any clock activity after which the other side of a socket is taken to
 * have caught up. A request crossing the loopback takes two or three turns to reach the other side.
 */
const QUIET_TURNS = 10
/** ...and at least this much real time, so that data the kernel is still delivering arrives. */
const QUIET_MS = 1
/** A bound on settling, should something keep reading the clock on every turn. */
const MAX_SETTLE_TURNS = 10_000

/**
 * Virtual time, shared by the code under test and the Platform simulator, so an hour of polling
 * runs in milliseconds. It has two faces:
 *
 * - The clock itself is for the code under test: its `sleep` moves time forward at once (recorded
 *   in `sleeps`). On the way it stops at every timer of the simulator that falls due (the next log
 *   line of a live stream, the run's end, a slow answer), lets the consequences play out over the
 *   sockets, and ends early at that instant if the sleep's signal aborted meanwhile (say, the end
 *   of the live log stream woke the poll loop).
 * - `follower` is for the simulator (`startSimulator(scenario, { clock: clock.follower })`): the
 *   same time, but its sleeps wait for the code under test to move time past them. The simulator
 *   never moves time on its own, so a request is answered at the instant it is made.
 *
 * Between two steps, sockets settle: time moves only after a few event-loop turns (and a
 * millisecond) with no clock activity, i.e. once the requests and stream data under way have
 * reached the other side.
 */
export class FakeClock implements Clock {
  /** Every sleep of the code under test, as asked for (also those cut short). */
  readonly sleeps: number[] = []
  readonly follower: Clock
  private readonly timers: Timer[] = []
  private seq = 0
  private activity = 0
  private moving = false

  constructor(private time = Date.parse('2026-11-27T10:00:00Z')) {
    this.follower = {
      now: this.now,
      sleep: (ms, signal) => this.timer(ms, signal, false)
    }
  }

  now = (): number => {
    this.activity++
    return this.time
  }

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    return this.timer(ms, signal, true)
  }

  /** Lets `ms` of virtual time pass, as a sleep of the test itself (not recorded in `sleeps`). */
  advance(ms: number): Promise<void> {
    return this.timer(ms, undefined, true)
  }

  private timer(ms: number, signal: AbortSignal | undefined, drives: boolean): Promise<void> {
    this.activity++
    if (signal?.aborted) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        drives,
        fire: () => {
          signal?.removeEventListener('abort', abort)
          resolve()
        }
      }
      const abort = (): void => {
        this.activity++
        this.remove(timer)
        resolve()
      }
      signal?.addEventListener('abort', abort, { once: true })
      this.timers.push(timer)
      if (drives) void this.move()
    })
  }

  /** Moves time from timer to timer while the code under test is asleep. */
  private async move(): Promise<void> {
    if (this.moving) return
    this.moving = true
    try {
      for (;;) {
        await this.settle()
        if (!this.timers.some((t) => t.drives)) return
        const next = this.timers.reduce((a, b) =>
          b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a
        )
        this.time = Math.max(this.time, next.at)
        for (const due of this.timers
          .filter((t) => t.at <= this.time)
          .sort((a, b) => a.seq - b.seq)) {
          this.remove(due)
          due.fire()
        }
        this.activity++
      }
    } finally {
      this.moving = false
    }
  }

  private async settle(): Promise<void> {
    let seen = this.activity
    let quietSince = performance.now()
    let quiet = 0
    for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
      if (quiet >= QUIET_TURNS && performance.now() - quietSince >= QUIET_MS) return
      await nextTurn()
      if (this.activity === seen) {
        quiet++
      } else {
        seen = this.activity
        quiet = 0
        quietSince = performance.now()
      }
    }
  }

  private remove(timer: Timer): void {
    const index = this.timers.indexOf(timer)
    if (index >= 0) this.timers.splice(index, 1)
  }
}
