// Mutation testing (`npm run mutate`): StrykerJS changes the code of the folders that decide
// things, one small change (a mutant) at a time, and runs the unit tests that cover it; a mutant
// that no test notices shows a behaviour the tests do not pin. One folder at a time:
// `npm run mutate -- --mutate 'src/verdict/**/*.ts'`. Scores are recorded in CONTRIBUTING.md.
import { unitProject } from './jest.config.js'

export default {
  mutate: ['src/verdict/**/*.ts', 'src/policies/**/*.ts', 'src/sync/**/*.ts', 'src/inputs/**/*.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // The unit project alone, as a single config: Stryker swaps in its own test environment at the
    // top level (for per-test coverage), which would not reach the projects of jest.config.js; and
    // the bundle tests run dist/, which no mutant reaches.
    config: { ...unitProject, projects: [] },
    // A mutant's run loads only the test files that import its file (through Jest's module map),
    // not all of them: loading the ES module graphs is most of a run's cost.
    enableFindRelatedTests: true
  },
  // Jest runs the sources as native ES modules (see jest.config.js).
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings'],
  // Each mutant runs only the tests that reached it in the first, instrumented run.
  coverageAnalysis: 'perTest',
  // A mutant reached only while test files load (the fixtures judge their sample reports with
  // decide() as they are built) would need the whole suite re-run for each: it is left out, and
  // one also reached by tests runs those tests. The score counts the mutants tests can reach.
  ignoreStatic: true,
  // Tests run in virtual time against a simulator on loopback, so a mutant that loops for ever is
  // cut off after this much more than its tests took unmutated. Generous, because a timeout counts
  // as a detected mutant: on a busy machine (and under `nice`) a slow run must not pass for one.
  timeoutMS: 60_000,
  // The machine is shared: one test runner unless `--concurrency` says otherwise.
  concurrency: 1,
  // Jest loads every ES module anew for each run and never frees the old ones, so a test runner
  // grows until it runs out of memory, slowing down on the way: it is replaced every so many runs.
  maxTestRunnerReuse: 20,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // tsc type-checks in `npm run typecheck`; a mutant that would not compile is still run.
  disableTypeChecks: 'src/**/*.ts',
  thresholds: { high: 80, low: 60, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always'
}
