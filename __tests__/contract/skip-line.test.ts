import { describe, expect, it } from '@jest/globals'
import { skipLine } from '../helpers/skip-reporter.mjs'

describe('the line that ends npm test when contract tests were skipped', () => {
  const files = (pending: number) => [
    {
      testFilePath: '/repo/__tests__/contract/simulator-contract.test.ts',
      numPendingTests: pending
    },
    { testFilePath: '/repo/__tests__/bundle/contract.test.ts', numPendingTests: pending ? 4 : 0 },
    { testFilePath: '/repo/__tests__/sync/sync.test.ts', numPendingTests: 7 }
  ]

  it('says how many were skipped, what is missing, and PLATFORM_OPENAPI_SPEC', () => {
    expect(skipLine(files(9), {}, '/work/repo')).toBe(
      'SKIPPED 13 contract tests: no Platform OpenAPI spec at /work/shared/platform-openapi.json; set PLATFORM_OPENAPI_SPEC to its path to run them.'
    )
    expect(skipLine(files(1), { PLATFORM_OPENAPI_SPEC: '/specs/api.json' }, '/r')).toContain(
      'no Platform OpenAPI spec at /specs/api.json;'
    )
  })

  it('says nothing when no contract test was skipped (other skipped tests do not count)', () => {
    expect(skipLine(files(0), {}, '/work/repo')).toBeUndefined()
  })
})
