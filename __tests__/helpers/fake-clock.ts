import type { Clock } from '../../src/lib/poll.js'

/**
 * A clock whose sleeps return at once and move time forward, so an hour of polling runs in
 * milliseconds. A sleep cut short by its signal moves time only as far as `wakeAfterMs` says.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []

  constructor(private time = Date.parse('2026-11-27T10:00:00Z')) {}

  now = (): number => this.time

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    this.time += signal?.aborted ? 0 : ms
    await Promise.resolve()
  }

  advance(ms: number): void {
    this.time += ms
  }
}
