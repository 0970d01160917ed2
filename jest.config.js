// Jest runs the TypeScript sources as native ES modules (the @actions/* packages are ESM-only).
// SWC strips the types, file by file, in a few milliseconds each (ts-jest, which went through the
// TypeScript compiler, took most of a cold run); `npm run typecheck` is what type-checks the tests.
import { availableParallelism } from 'node:os'

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      // The module kind follows Jest: ES modules under --experimental-vm-modules.
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      // Stack traces map back to the TypeScript lines through these.
      sourceMaps: 'inline'
    }
  ]
}
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Sources import siblings as `./x.js` (NodeNext); map them back to the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // The sources the tests load, and nothing else. Not `collectCoverageFrom`: to list the files no
  // test loads, Jest starts a pool of workers after the last test (2.3 s of CPU, on the run's
  // critical path), and those files are the entry points (index.ts, main.ts, post.ts) with the one
  // helper only main.ts uses (lib/termination.ts), which run in the bundle tests' child processes
  // where no counter reaches, and files that hold types only.
  coveragePathIgnorePatterns: ['/node_modules/', '<rootDir>/(?!src/)'],
  transform,
  // A copy of the project that Stryker left behind (.stryker-tmp/) is not part of it.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/']
}

/** The unit tests, as one project: Stryker (stryker.config.js) runs them alone, never the bundle tests. */
export const unitProject = {
  ...common,
  displayName: 'unit',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['<rootDir>/__tests__/bundle/']
}

export default {
  // Coverage is collected when asked for (`npm test` passes --coverage), so that running one test
  // file stays quick and is not held to the whole suite's floor. Babel's instrumentation is cached
  // with the transform, and its counters cost far less than V8's (those slow every test file and
  // are converted back through source maps per file: ~20 s more on the unit project). SWC's
  // instrumenting plugin was tried: compiling its 17 MB of WebAssembly in every worker of a cold
  // run cost more than it saved.
  coverageProvider: 'babel',
  // The summary only: the HTML report is written after the last test, on one core, and cost ~3 s of
  // every run; `npm run coverage:html` writes it when someone wants to read it.
  coverageReporters: ['text-summary'],
  // A few points under what the suite measures, so that a change that drops tests is noticed.
  coverageThreshold: {
    global: { statements: 80, branches: 74, functions: 84, lines: 81 }
  },
  // Jest's default (a worker less than the cores, so one on two cores) suits tests that compute.
  // The bundle files mostly wait, on the actions they spawn and on the real timeouts they exercise:
  // three workers more than the cores keep the cores busy meanwhile. On two cores, with Node 24:
  // 50 s with one more worker, 46 s with two, 41 s with three (717 tests).
  maxWorkers: availableParallelism() + 3,
  // `it.concurrent` cases (the bundle tests') run this many at once, not Jest's default 5: each
  // mostly waits on a spawned action and its simulator, so more at once costs little CPU.
  maxConcurrency: 16,
  // On a cold run (no timings yet) the bundle and unit files take turns, so that waits overlap work.
  testSequencer: '<rootDir>/__tests__/helpers/cold-run-sequencer.mjs',
  // The last line of `npm test` says so when contract tests were skipped for want of the spec.
  reporters: ['default', '<rootDir>/__tests__/helpers/skip-reporter.mjs'],
  projects: [
    unitProject,
    {
      ...common,
      displayName: 'bundle',
      testMatch: ['<rootDir>/__tests__/bundle/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/bundle/fresh-bundle.ts'
    }
  ]
}
