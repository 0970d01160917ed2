// Per-resource accounting that cannot be talked into a pass, through the built bundle: a listing
// with more rows than the count under a policy-wide exception (which once made a policy negative,
// "Critical −100 ✅ within"), a count of 3 listing only the resource in the baseline, and
// exceptions that covered more than written (an empty matcher list, a name several policies share,
// a tag key cut at its first `:`), or matched nothing (`1.10`), or never finished (a glob of many
// stars against a long name). Policies-only gates, each on a Platform of its own. (A baseline
// entry without an id, which once hid every resource without one, is refused at the inputs:
// hostile-files.test.ts and __tests__/inputs/file-bounds.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PolicySpec, Scenario } from '../../simulator/scenario.js'
import {
  assertBundleExists,
  FAST,
  reportOf,
  runAll,
  runBundle,
  usingSimulator,
  runAgainst,
  type BundleRun
} from '../helpers/bundle.js'

/** Far beyond any case here: a hang shows as a missing exit code. */
const PROCESS_LIMIT_MS = 30_000
const dir = mkdtempSync(join(tmpdir(), 'cq-accounting-'))
const POLICIES_ONLY = { 'sync-name': '', 'policy-evaluation': 'latest' }
const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** An exceptions file of these entries (each `policy` and the rest as YAML lines). */
function exceptions(name: string, ...entries: string[][]): string {
  const lines = entries.flatMap(([first, ...rest]) => [
    `  - ${first}`,
    ...rest.map((line) => `    ${line}`),
    '    reason: Accepted for the test',
    `    expires: ${future}`
  ])
  return file(name, ['exceptions:', ...lines, ''].join('\n'))
}

const critical = (name: string, fields: Partial<PolicySpec> = {}): PolicySpec => ({
  name,
  severity: 'critical',
  violationCount: 1,
  ...fields
})

const gate = (scenario: Scenario, inputs: Record<string, string>) =>
  runBundle(
    { ...FAST, ...scenario },
    { ...POLICIES_ONLY, ...inputs },
    { timeoutMs: PROCESS_LIMIT_MS }
  )

/** A baseline file that lists `ids` for the scenario's first policy (its id read off the Platform). */
async function withBaseline(
  scenario: Scenario,
  ids: string[],
  inputs: Record<string, string>
): Promise<BundleRun> {
  return usingSimulator({ ...FAST, ...scenario }, async (sim) => {
    const answer = await fetch(`${sim.url}/api/policies?per_page=10`, {
      headers: { authorization: `Bearer ${sim.scenario.apiKey}` }
    })
    const { items } = (await answer.json()) as { items: { id: string }[] }
    const baseline = file(
      `baseline-${ids.join('-')}.json`,
      JSON.stringify({
        baseline: {
          format: 'cloudquery-platform-baseline',
          version: 1,
          createdAt: new Date(Date.now() - 86_400_000).toISOString(),
          policies: [{ id: items[0].id, resources: ids }]
        }
      })
    )
    return runAgainst(
      sim,
      { ...POLICIES_ONLY, 'gate-on': 'new', 'baseline-file': baseline, ...inputs },
      { timeoutMs: PROCESS_LIMIT_MS }
    )
  })
}

let runs: Record<
  | 'moreRowsThanCount'
  | 'unlisted'
  | 'invalidExceptions'
  | 'sharedName'
  | 'tagKeyWithColons'
  | 'numberLikeName'
  | 'manyStars'
  | 'yamlFeatures',
  BundleRun
>

beforeAll(async () => {
  assertBundleExists()
  runs = await runAll({
    // A listing of 101 rows for a count of 1, all under a policy-wide exception: the old
    // remainder, 1 − 101, cancelled the 2 violations of the other critical policy.
    moreRowsThanCount: () =>
      gate(
        {
          policies: [
            critical('Public buckets', { listing: { extraRows: 100 } }),
            critical('Open ports', { violationCount: 2 })
          ]
        },
        { 'exceptions-file': exceptions('more-rows.yml', ['policy: Public buckets']) }
      ),
    // Counted 3, listed 1: the one in the baseline. The two never seen were never new.
    unlisted: () =>
      withBaseline(
        {
          policies: [
            critical('Public buckets', {
              violationCount: 3,
              listing: { extraRows: -2 },
              resources: [{ platformId: 'known-bucket' }]
            })
          ]
        },
        ['known-bucket'],
        {}
      ),
    // Two mistakes in one file, each refused at its line (line 3: an empty matcher list, once read
    // as "everything"; line 10: a merge key).
    invalidExceptions: () =>
      gate(
        { policies: [critical('Public buckets')] },
        {
          'exceptions-file': file(
            'invalid.yml',
            [
              'exceptions:',
              '  - policy: Public buckets',
              '    resources: []',
              '    reason: Accepted for the test',
              `    expires: ${future}`,
              '  - &base',
              '    policy: Public buckets',
              '    reason: Accepted for the test',
              `    expires: ${future}`,
              '  - <<: *base',
              ''
            ].join('\n')
          )
        }
      ),
    // Meant for the low one; silently covered the critical one of the same name.
    sharedName: () =>
      gate(
        {
          policies: [
            critical('Public buckets'),
            { name: 'Public buckets', severity: 'low', violationCount: 1 }
          ]
        },
        { 'exceptions-file': exceptions('shared-name.yml', ['policy: Public buckets']) }
      ),
    // "aws" was taken for the key of aws:cloudformation:stack-name=prod.
    tagKeyWithColons: () =>
      gate(
        {
          policies: [
            critical('Public buckets', {
              resources: [{ tags: ['aws:cloudformation:stack-name=prod'] }]
            })
          ]
        },
        {
          'exceptions-file': exceptions('tag-key.yml', ['policy: Public buckets', 'tags: aws'])
        }
      ),
    // `policy: 1.10` became the number 1.1 and matched nothing.
    numberLikeName: () =>
      gate(
        { policies: [critical('1.10')] },
        { 'exceptions-file': exceptions('number-like.yml', ['policy: 1.10']) }
      ),
    // Ten stars against a name of 3,000 characters: a backtracking matcher never finished.
    manyStars: () =>
      gate(
        { policies: [critical('Public buckets', { resources: [{ name: 'a'.repeat(3_000) }] })] },
        {
          'exceptions-file': exceptions('many-stars.yml', [
            'policy: Public buckets',
            'resources: "*a*a*a*a*a*a*a*a*a*a*b"'
          ])
        }
      ),
    // An anchor and its alias, under YAML 1.1 (where the date is a timestamp): read as written.
    yamlFeatures: () =>
      gate(
        { policies: [critical('Public buckets')] },
        {
          'exceptions-file': file(
            'yaml-features.yml',
            [
              '%YAML 1.1',
              '---',
              'exceptions:',
              '  - policy: Public buckets',
              '    reason: &why Accepted for the test',
              `    expires: ${future}`,
              '  - policy: Unused',
              '    reason: *why',
              `    expires: ${future}`,
              ''
            ].join('\n')
          )
        }
      )
  })
}, 4 * PROCESS_LIMIT_MS)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const figuresOf = (run: BundleRun, name: string) =>
  (
    reportOf(run)?.policies as {
      policies: { name: string; severity: string; [figure: string]: unknown }[]
    }
  ).policies.filter((policy) => policy.name === name)

describe('per-resource accounting, through the bundle', () => {
  it('a listing with more rows than the count is not taken: the policy is unknown, never negative', () => {
    const run = runs.moreRowsThanCount
    expect(run.exitCode).toBe(1)
    expect(run.outputs['critical-violations']).toBe('3')
    const [buckets] = figuresOf(run, 'Public buckets')
    expect(buckets).toMatchObject({ suppressedViolations: null, countedViolations: null })
    expect(buckets.unknownBecause).toMatch(/read twice, do not agree with its count/)
    expect(run.summary).not.toMatch(/−\d/)
  })

  it('a count of 3 listing only the resource in the baseline is not "0 new"', () => {
    const run = runs.unlisted
    expect(run.exitCode).toBe(1)
    expect(figuresOf(run, 'Public buckets')[0]).toMatchObject({ newViolations: null })
  })

  it('an empty matcher list is an error at its line, not "everything"', () => {
    const run = runs.invalidExceptions
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error title=Exceptions file error,file=.*invalid\.yml,line=3::/)
    expect(run.sim.requests).toHaveLength(0)
  })

  it('a name several policies share suppresses nothing and asks for the id', () => {
    const run = runs.sharedName
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ 'critical-violations': '1', 'suppressed-violations': '0' })
    expect(run.stdout).toMatch(/ambiguous.*give the id/)
  })

  it('a tag key with ":" is matched whole', () => {
    const run = runs.tagKeyWithColons
    expect(run.exitCode).toBe(1)
    expect(run.outputs['suppressed-violations']).toBe('0')
  })

  it('a policy named 1.10 is matched as written', () => {
    const run = runs.numberLikeName
    expect(run.exitCode).toBe(0)
    expect(run.outputs['suppressed-violations']).toBe('1')
  })

  it('YAML anchors and aliases are read through, and a YAML 1.1 date is a date as written', () => {
    const run = runs.yamlFeatures
    expect(run.exitCode).toBe(0)
    expect(run.outputs['suppressed-violations']).toBe('1')
  })

  it('a merge key is refused, naming it, at its line', () => {
    const run = runs.invalidExceptions
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /line=10::Not a valid exceptions file: YAML merge keys \(<<\) are not supported/
    )
  })

  it('a glob of many stars against a long name is answered at once', () => {
    const run = runs.manyStars
    expect(run.exitCode).toBe(1)
    expect(run.outputs['suppressed-violations']).toBe('0')
  })
})
