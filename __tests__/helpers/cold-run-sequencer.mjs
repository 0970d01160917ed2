// The order Jest hands test files to its workers (jest.config.js `testSequencer`).
import Sequencer from '@jest/test-sequencer'

const isBundle = (test) => test.context.config.displayName?.name === 'bundle'

/**
 * Jest starts the slowest files first, by the timings of the last run. A cold run (a fresh clone,
 * CI) has none, and Jest falls back to file size, which puts the bundle files, several of them short
 * but slow, behind all the big unit files: their waits on real time then come at the end, on top
 * of everything else. So on a cold run the two projects take turns: a bundle file (mostly waiting on
 * the actions it spawns), then a unit file (computing), each in Jest's order, and the waits overlap
 * the computing from the start.
 */
export default class ColdRunSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests)
    if (sorted.some((test) => test.duration != null)) return sorted
    const bundle = sorted.filter(isBundle)
    const unit = sorted.filter((test) => !isBundle(test))
    return Array.from({ length: Math.max(bundle.length, unit.length) }, (_, i) => [
      bundle[i],
      unit[i]
    ])
      .flat()
      .filter((test) => test !== undefined)
  }
}
