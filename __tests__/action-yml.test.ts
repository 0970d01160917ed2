// action.yml is the interface users write against: every input it declares must be one the action
// reads (with the same default), every output one it sets, and the README must document both.

import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { parseInputs } from '../src/inputs/parse.js'
import { OUTPUT_NAMES } from '../src/report/outputs.js'
import { ACTION_VERSION } from '../src/lib/version.js'

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string; 'post-if'?: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml
const readme = readFileSync('README.md', 'utf8')
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

describe('action.yml', () => {
  it('declares exactly the inputs the action reads', () => {
    const read = new Set<string>()
    parseInputs((name) => {
      read.add(name)
      return { 'platform-url': 'https://cq.example.com', 'api-key': 'k-123456', 'sync-name': 'a' }[
        name
      ]
    }, {})
    // The raw readers only ask for what they need; the comment inputs are read by the report.
    expect(Object.keys(action.inputs).sort()).toEqual([...read].sort())
  })

  it('gives the defaults the parser falls back to', () => {
    const withDefaults = parseInputs(
      (name) =>
        action.inputs[name]?.default?.startsWith('${{')
          ? 'token'
          : ({ 'platform-url': 'https://cq.example.com', 'api-key': 'k-123456', 'sync-name': 'a' }[
              name
            ] ?? action.inputs[name]?.default),
      {}
    )
    const withoutInputs = parseInputs(
      (name) =>
        ({ 'platform-url': 'https://cq.example.com', 'api-key': 'k-123456', 'sync-name': 'a' })[
          name
        ],
      {}
    )
    expect({ ...withDefaults, report: { ...withDefaults.report, githubToken: '' } }).toEqual(
      withoutInputs
    )
  })

  it('declares exactly the outputs the action sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
  })

  it('runs the one bundle as main and as the post step on cancellation', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'cancelled()'
    })
  })

  it('is documented in the README, every input and output', () => {
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(readme).toContain(`\`${name}\``)
    }
  })

  it('carries the version of package.json in the User-Agent', () => {
    expect(ACTION_VERSION).toBe(packageJson.version)
  })
})
