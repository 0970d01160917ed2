import { describe, expect, it } from '@jest/globals'
import { stepFailed } from '../../scripts/local-action.js'

describe('npm run local-action: the exit code', () => {
  it('is a failure when the step failed (core.setFailed writes ::error:: without properties)', () => {
    expect(
      stepFailed('x\n::error::CloudQuery Platform gate failed: 3 critical violations.\n')
    ).toBe(true)
    expect(stepFailed('\u001b[31m::error::Input "timeout" is "soon"\u001b[0m')).toBe(true)
  })

  it('is a success when only annotations (always titled) and warnings were written', () => {
    expect(
      stepFailed(
        '::error title=Policy violated: IAM users without MFA::2 violations\n::warning::x\n'
      )
    ).toBe(false)
  })
})
