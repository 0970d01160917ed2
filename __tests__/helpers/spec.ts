import { describe } from '@jest/globals'
import { fileURLToPath } from 'node:url'
import { findSpec, specLocation } from '../../simulator/contract.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The Platform's OpenAPI spec for contract tests, and the `describe` to run them with: where the
 * spec is absent the tests are skipped, saying so, rather than failing or passing silently.
 */
export function contractSpec(what: string): {
  specPath: string | undefined
  describeContract: typeof describe | typeof describe.skip
} {
  const specPath = findSpec(repoRoot)
  if (!specPath) {
    console.warn(
      `SKIPPED ${what}: no Platform OpenAPI spec at ${specLocation(repoRoot)}; ` +
        'set PLATFORM_OPENAPI_SPEC to its path to run them.'
    )
  }
  return { specPath, describeContract: specPath ? describe : describe.skip }
}
