// Every example workflow in the README and docs/ works when copied: each YAML block is extracted and
// validated by action-validator (the validator .ci/validate-action runs on the repository's own
// workflows), a whole workflow as written (so a `needs:` must name a job it has), a list of steps
// inside a minimal job. Other YAML (the exceptions file) is not a workflow and is left out.

import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateWorkflow } from '@action-validator/core'

interface Example {
  where: string
  yaml: string
}

const DOCS = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
]

function examples(): Example[] {
  return DOCS.flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    return [...text.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```$/gm)].map((match) => ({
      where: `${file}:${text.slice(0, match.index).split('\n').length}`,
      yaml: dedent(match[2], match[1].length)
    }))
  })
}

function dedent(text: string, by: number): string {
  return text
    .split('\n')
    .map((line) => line.slice(Math.min(by, line.length - line.trimStart().length)))
    .join('\n')
}

/** A whole workflow as it is; steps inside a job; anything else is not a workflow (undefined). */
function asWorkflow(yaml: string): string | undefined {
  if (/^jobs:/m.test(yaml)) return yaml
  const steps = dedent(
    yaml,
    Math.min(
      ...yaml
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.length - l.trimStart().length)
    )
  )
  if (!/^- (uses|run|id|if|name):/m.test(steps)) return undefined
  const indented = steps.split('\n').map((line) => (line === '' ? '' : `      ${line}`))
  return [
    'on: workflow_dispatch',
    'jobs:',
    '  example:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...indented
  ].join('\n')
}

const found = examples()
const workflows = found.flatMap(({ where, yaml }) => {
  const workflow = asWorkflow(yaml)
  return workflow === undefined ? [] : [{ where, workflow, whole: workflow === yaml }]
})

describe('the example workflows in README.md and docs/', () => {
  it('are found: the README, the PR gate page and the several-syncs page have them', () => {
    const files = new Set(workflows.map(({ where }) => where.split(':')[0]))
    expect([...files].sort()).toEqual(
      expect.arrayContaining(['README.md', 'docs/pr-gate.md', 'docs/several-syncs.md'])
    )
    expect(workflows.filter(({ whole }) => whole).length).toBeGreaterThanOrEqual(6)
  })

  it.each(workflows.map((w) => [w.where, w] as const))(
    '%s is valid as copied',
    (_, { workflow }) => {
      const { errors } = validateWorkflow(workflow)
      expect(
        errors.map((e) => `${'path' in e ? e.path : ''} ${e.title}: ${e.detail ?? ''}`)
      ).toEqual([])
    }
  )
})
