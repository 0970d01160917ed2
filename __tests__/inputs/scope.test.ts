// `scope`: the matcher language of an exceptions entry, as an input, checked before any request.

import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/inputs/config.js'
import { parseScope } from '../../src/inputs/scope.js'

const errorOf = (text: string): string => {
  try {
    parseScope(text)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseScope', () => {
  it('is nothing when empty: the gate judges every violating resource', () => {
    expect(parseScope('')).toBeUndefined()
    expect(parseScope('  \n')).toBeUndefined()
  })

  it('reads each kind of matcher, one value or a list, as written', () => {
    expect(
      parseScope(
        [
          'accounts: [staging, "210987654321"]',
          'regions: eu-west-1',
          'tags:',
          '  - env=pr-142',
          '  - aws:cloudformation:stack-name=pr-142',
          'resources: "pr-142-*"'
        ].join('\n')
      )
    ).toEqual({
      accounts: ['staging', '210987654321'],
      regions: ['eu-west-1'],
      tags: ['env=pr-142', 'aws:cloudformation:stack-name=pr-142'],
      resources: ['pr-142-*']
    })
    // An account id YAML would read as a number stays as written.
    expect(parseScope('accounts: 012345678901')?.accounts).toEqual(['012345678901'])
  })

  it('names every problem, with its line, and what is accepted', () => {
    const message = errorOf(['accounts: []', 'region: eu-west-1', 'tags: { env: prod }'].join('\n'))
    expect(message).toMatch(/^Input "scope": line 1: "accounts" is an empty list/)
    expect(message).toContain('line 2: unknown key "region"')
    expect(message).toContain('line 3: "tags" must be text or a list of text, not a mapping')
    expect(message).toContain(
      'Expected a YAML mapping with one or more of resources, accounts, regions, tags'
    )
  })

  it('refuses text that is not a mapping, or one with no matcher', () => {
    expect(errorOf('staging')).toContain('line 1: not a mapping')
    expect(errorOf('accounts: [unclosed')).toMatch(/not valid YAML/)
    expect(errorOf('{}')).toContain('no matcher')
  })
})
