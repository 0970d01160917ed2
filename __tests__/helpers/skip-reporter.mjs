// A Jest reporter that ends `npm test` with one line when contract tests were skipped because the
// Platform's OpenAPI spec was not found, so a green run never hides that the requests went
// unchecked against it. The spec's location follows simulator/contract.ts's `specLocation`.

import { resolve } from 'node:path'

const CONTRACT_FILE = /[/\\]contract(\.test\.ts|[/\\])/

/** The line to print, or undefined when no contract test was skipped. */
export function skipLine(testResults, env = process.env, rootDir = process.cwd()) {
  const skipped = testResults
    .filter((file) => CONTRACT_FILE.test(file.testFilePath))
    .reduce((sum, file) => sum + file.numPendingTests, 0)
  if (skipped === 0) return undefined
  const where = env.PLATFORM_OPENAPI_SPEC ?? resolve(rootDir, '../shared/platform-openapi.json')
  return `SKIPPED ${skipped} contract tests: no Platform OpenAPI spec at ${where}; set PLATFORM_OPENAPI_SPEC to its path to run them.`
}

export default class SkipReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir
  }

  onRunComplete(_contexts, results) {
    const line = skipLine(results.testResults, process.env, this.rootDir)
    // After Jest's own summary and the coverage table, which other reporters print later.
    if (line) process.once('exit', () => process.stderr.write(`\n${line}\n`))
  }
}
