import { abortableSleep, type Clock } from '../../src/lib/poll.js'

/**
 * Real time, sped up: every sleep lasts `1/scale` of what it asks for, and `now()` runs `scale`
 * times faster. Against the simulator (which lives in real time) a 15 s poll interval then costs
 * 15 s / scale of test time, while the code under test still sees consistent durations.
 */
export function scaledClock(scale: number): Clock {
  const origin = Date.now()
  return {
    now: () => origin + (Date.now() - origin) * scale,
    sleep: (ms, signal) => abortableSleep(ms / scale, signal)
  }
}
