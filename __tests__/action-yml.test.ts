// action.yml is the interface users write against: every input it declares must be one the action
// reads (with the same default), every output one it sets, and the README must document both.

import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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
    // An input in the commented with: block, an output in backticks in the outputs table.
    for (const name of Object.keys(action.inputs)) {
      expect(readme).toMatch(new RegExp(`^ {4}${name}: `, 'm'))
    }
    const outputs = readme.slice(readme.indexOf('## Outputs'), readme.indexOf('## Troubleshooting'))
    for (const name of Object.keys(action.outputs)) expect(outputs).toContain(`\`${name}\``)
  })

  it("lists every input in the README's with: block, with its default", () => {
    const block = /```yaml\n- uses: [^\n]+\n {2}with:\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const listed = Object.fromEntries(
      [...block.matchAll(/^ {4}([a-z-]+): (.*)$/gm)].map(([, name, value]) => [
        name,
        value === "''" ? '' : value
      ])
    )
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])
    )
    expect(listed).toEqual(declared)
  })

  it('is in .env.example whole: every input once, left out at its default or set', () => {
    // `INPUT_NAME=value`, or commented out (`# INPUT_NAME=default`): the runner's names.
    const lines = [
      ...readFileSync('.env.example', 'utf8').matchAll(/^(# )?INPUT_([A-Z-]+)=(.*)$/gm)
    ]
    const listed = lines.map(([, , name]) => name.toLowerCase())
    expect([...listed].sort()).toEqual(Object.keys(action.inputs).sort())
    // A commented line shows what leaving the input out gives; an expression is the runner's.
    const shown = lines
      .filter(([, commented]) => commented)
      .map(([, , name, value]) => [name, value])
    const defaults = shown.map(([name]) => {
      const declared = action.inputs[name.toLowerCase()].default ?? ''
      return [name, declared.startsWith('${{') ? '' : declared]
    })
    expect(shown).toEqual(defaults)
  })

  it('keeps the README to one screen of reading: at most 12 KB', () => {
    expect(Buffer.byteLength(readme, 'utf8')).toBeLessThanOrEqual(12 * 1024)
  })

  it('keys each troubleshooting entry by words the action really says', () => {
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join('src', file), 'utf8'))
      .join('\n')
    const troubleshooting = readme.slice(readme.indexOf('## Troubleshooting'))
    const keys = [...troubleshooting.matchAll(/^\| (`.*?`(?: \/ `.*?`)*) \|/gm)].flatMap(
      ([, cell]) => [...cell.matchAll(/`([^`]+)`/g)].map(([, key]) => key)
    )
    expect(keys.length).toBeGreaterThanOrEqual(12)
    for (const key of keys)
      expect({ key, found: sources.includes(key) }).toEqual({ key, found: true })
  })

  it('points the empty-key message at a troubleshooting entry that exists', () => {
    expect(readme).toMatch(/^\| `Input "api-key" is empty` \|.*forks.*Dependabot/m)
  })

  it('shows the screenshots that npm run screenshots makes, and uses one marked name for the action', () => {
    for (const image of ['docs/job-summary.png', 'docs/pr-comment.png']) {
      expect(readme).toContain(image)
      expect(readFileSync(image).subarray(1, 4).toString('latin1')).toBe('PNG')
    }
    const docs = readdirSync('docs')
      .filter((file) => file.endsWith('.md'))
      .map((file) => readFileSync(join('docs', file), 'utf8'))
    const uses = [readme, ...docs].flatMap((text) =>
      [...text.matchAll(/uses: ([^\s@]+)@v1/g)].map(([, name]) => name)
    )
    expect(new Set(uses)).toEqual(new Set(['your-org/cloudquery-platform-action']))
    expect(readme).toContain('> **`your-org/cloudquery-platform-action`** stands for this action')
    // Badges as relative links, which GitHub resolves wherever the repository lives.
    expect(readme).not.toMatch(/OWNER\/REPO|github\.com\/[^/)]+\/[^/)]+\/actions/)
  })

  it('carries the version of package.json in the User-Agent', () => {
    expect(ACTION_VERSION).toBe(packageJson.version)
  })
})
