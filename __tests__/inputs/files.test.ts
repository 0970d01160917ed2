// baseline-file and exceptions-file: read and checked by the inputs stage, before any request.

import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../src/inputs/config.js'
import { parseInputs } from '../../src/inputs/parse.js'

const dir = mkdtempSync(join(tmpdir(), 'cq-inputs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(text: string): string {
  const path = join(dir, `file-${++files}`)
  writeFileSync(path, text)
  return path
}

function parse(values: Record<string, string>) {
  const all: Record<string, string> = {
    'platform-url': 'https://cloudquery.example.com',
    'api-key': 'k-123456',
    ...values
  }
  return parseInputs((name) => all[name], {})
}

function inputErrorOf(values: Record<string, string>): InputError {
  try {
    parse(values)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

function errorOf(values: Record<string, string>): string {
  return inputErrorOf(values).message
}

const BASELINE = {
  baseline: {
    format: 'cloudquery-platform-baseline',
    version: 1,
    createdAt: '2026-11-20T00:00:00Z',
    policies: [{ id: 'p1', name: 'Public S3 buckets', resources: ['aws_s3_buckets_a'] }]
  }
}

describe('gate-on: new', () => {
  it('without a baseline is an input error naming both inputs and how to make one', () => {
    expect(errorOf({ 'gate-on': 'new' })).toBe(
      'Input "gate-on" is "new", which needs "baseline-artifact" or "baseline-file": new violations are judged per resource against a fixed baseline of the default branch. Name the artifact your baseline workflow uploads ("baseline-artifact: cloudquery-baseline", see docs/pr-gate.md), or pass a file made with "baseline-write" as "baseline-file"; or use "gate-on: all".'
    )
    expect(
      parse({ 'gate-on': 'new', 'baseline-artifact': 'b', 'github-token': 't' }).policies
    ).toMatchObject({ gateOn: 'new', baselineArtifact: 'b', baseline: undefined })
  })
})

describe('baseline-artifact', () => {
  it('is one baseline or the other, found with github-token, named as an artifact can be', () => {
    const message = errorOf({
      'baseline-artifact': 'nightly/baseline',
      'baseline-file': file(JSON.stringify(BASELINE)),
      'github-token': ''
    })
    expect(message).toContain(
      'Inputs "baseline-artifact" and "baseline-file" cannot be used together'
    )
    expect(message).toContain(
      'Input "baseline-artifact" is "nightly/baseline", which is not valid: expected the name of an artifact'
    )
    expect(message).toContain(
      'Input "baseline-artifact" needs "github-token": the artifact is found and downloaded through the GitHub API. Leave "github-token" at its default (${{ github.token }}) and give the job the `actions: read` permission.'
    )
  })
})

describe('baseline-file', () => {
  it('reads a compact baseline or a report with a baseline section', () => {
    const config = parse({ 'gate-on': 'new', 'baseline-file': file(JSON.stringify(BASELINE)) })
    expect(config.policies?.baseline?.createdAt).toBe('2026-11-20T00:00:00Z')
    expect([...config.policies!.baseline!.policies.get('p1')!]).toEqual(['aws_s3_buckets_a'])
  })

  it('refuses what is unreadable, not JSON, or of another format or version', () => {
    const expected =
      /Expected the JSON report of an earlier run \(report-file\) or a file written by "baseline-write"/
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /cannot be read \(.*ENOENT/],
      [file('{ not json'), /is not JSON/],
      [file(JSON.stringify({ schemaVersion: 1, baseline: null })), /has no "baseline" object/],
      [
        file(JSON.stringify({ baseline: { ...BASELINE.baseline, version: 2 } })),
        /has "format": "cloudquery-platform-baseline", "version": 2/
      ],
      [
        file(JSON.stringify({ baseline: { ...BASELINE.baseline, policies: [{ id: 1 }] } })),
        /policies\[0\] without a non-empty string "id"/
      ]
    ]
    for (const [path, what] of cases) {
      const message = errorOf({ 'baseline-file': path })
      expect(message).toMatch(/^Input "baseline-file": "/)
      expect(message).toMatch(what)
      expect(message).toMatch(expected)
    }
  })
})

describe('the selection a baseline was made for', () => {
  const made = (selection: object): string =>
    file(JSON.stringify({ baseline: { ...BASELINE.baseline, selection } }))
  const NARROW = {
    groups: [],
    policies: [],
    severities: ['critical', 'high'],
    domains: ['security']
  }

  it('covers the gate: the same, narrower or everything', () => {
    for (const [path, inputs] of [
      [made(NARROW), { severities: 'high', domains: 'Security' }],
      [made({ ...NARROW, severities: [], domains: [] }), { severities: 'medium' }],
      [file(JSON.stringify(BASELINE)), { severities: 'low' }]
    ] as const) {
      expect(parse({ 'baseline-file': path, ...inputs }).policies?.baseline?.path).toBe(path)
    }
  })

  it('made for less than the gate selects is an input error naming each difference', () => {
    const path = made(NARROW)
    expect(errorOf({ 'baseline-file': path, severities: 'critical, medium' })).toBe(
      `Input "baseline-file": "${path}" was made for another policy selection, so the policies it lacks would count all their violating resources as new: "severities": the baseline was made for severities "critical", "high" only, this workflow also selects "medium"; "domains": the baseline was made for domains "security" only, this workflow selects every one. Make the baseline with a selection that covers this gate's (the baseline's job can select everything: leave its "policy-groups", "policies", "severities" and "domains" empty), or narrow this gate's selection to the baseline's.`
    )
  })

  it('must be lists of strings when given', () => {
    expect(errorOf({ 'baseline-file': made({ ...NARROW, groups: 'all' }) })).toContain(
      'has a "selection" that is not { "groups", "policies", "severities", "domains" }'
    )
  })
})

describe('exceptions-file', () => {
  it('reads entries with their lines; unusable ones keep their problems', () => {
    const path = file(
      [
        '# yaml-language-server: $schema=../docs/exceptions-schema.json',
        'exceptions:',
        '  - policy: Public S3 buckets',
        '    resources: legacy-*',
        '    accounts: [sandbox, "123456789012"]',
        '    tags: [env=prod]',
        '    reason: Public website bucket',
        '    expires: 2026-12-31',
        '    owner: "@web-team"',
        '  - policy: IAM users without MFA',
        '    expires: 31/12/2026',
        ''
      ].join('\n')
    )
    const entries = parse({ 'exceptions-file': path }).policies?.exceptions?.entries
    expect(entries).toEqual([
      {
        line: 3,
        policy: 'Public S3 buckets',
        resources: ['legacy-*'],
        accounts: ['sandbox', '123456789012'],
        regions: [],
        tags: ['env=prod'],
        reason: 'Public website bucket',
        expires: '2026-12-31',
        owner: '@web-team',
        problems: []
      },
      {
        line: 10,
        policy: 'IAM users without MFA',
        resources: [],
        accounts: [],
        regions: [],
        tags: [],
        expires: '31/12/2026',
        problems: [
          'no "reason" (say why the finding is accepted)',
          '"expires" is "31/12/2026", not a date (YYYY-MM-DD)'
        ]
      }
    ])
  })

  it('fails on unknown keys and wrong types, naming every line at once', () => {
    const path = file(
      [
        'exceptions:',
        '  - policy: Public S3 buckets',
        '    reason: ok',
        '    expires: 2026-12-31',
        '    expiry: 2027-01-01',
        '    regions: { us: east }',
        '  - just text',
        'extra: 1'
      ].join('\n')
    )
    const message = errorOf({ 'exceptions-file': path })
    expect(message).toContain(`Input "exceptions-file": "${path}" is not a valid exceptions file:`)
    expect(message).toContain('line 5: unknown key "expiry"')
    expect(message).toContain('line 6: "regions" must be text or a list of text, not a mapping')
    expect(message).toContain('line 7: an entry must be a mapping')
    expect(message).toContain('line 8: unknown key "extra" (accepted: exceptions)')
  })

  it('fails on a file that is not YAML, naming the line', () => {
    const message = errorOf({ 'exceptions-file': file('exceptions:\n  - policy: [unclosed\n') })
    expect(message).toMatch(/line \d+: not valid YAML/)
  })

  it('gives each problem its file and line, so it can be annotated in the PR diff', () => {
    const path = file(
      ['exceptions:', '  - policy: p', '    expiry: 2027-01-01', 'extra: 1'].join('\n')
    )
    const error = inputErrorOf({ 'exceptions-file': path, timeout: 'soon' })
    expect(error.at).toEqual([
      {
        file: path,
        line: 3,
        message: expect.stringMatching(/^Not a valid exceptions file: unknown key "expiry"/)
      },
      {
        file: path,
        line: 4,
        message: 'Not a valid exceptions file: unknown key "extra" (accepted: exceptions).'
      }
    ])
    // Another input's problem has no line of a file to go on.
    expect(error.problems).toHaveLength(2)
  })

  it('refuses an empty matcher list at its line: it would have matched every resource', () => {
    for (const key of ['resources', 'accounts', 'regions', 'tags']) {
      const path = file(
        ['exceptions:', '  - policy: p', '    reason: r', `    ${key}: []`, ''].join('\n')
      )
      expect(errorOf({ 'exceptions-file': path })).toContain(
        `line 4: "${key}" is an empty list, which would match every resource`
      )
    }
  })

  it('reads values as written: 1.10 is "1.10", yes is "yes", a date stays a date string', () => {
    const path = file(
      [
        '%YAML 1.1',
        '---',
        'exceptions:',
        '  - policy: 1.10',
        '    reason: yes',
        '    expires: 2026-12-31',
        '    tags: aws:cloudformation:stack-name=prod',
        ''
      ].join('\n')
    )
    const [entry] = parse({ 'exceptions-file': path }).policies!.exceptions!.entries
    expect(entry).toMatchObject({
      policy: '1.10',
      reason: 'yes',
      expires: '2026-12-31',
      tags: ['aws:cloudformation:stack-name=prod'],
      problems: []
    })
  })

  it('reads through anchors and aliases, and refuses merge keys by name', () => {
    const aliased = file(
      [
        'shared:',
        '  regions: &eu [eu-west-1, eu-central-1]',
        '  why: &why Migrating to the new account',
        'exceptions:',
        '  - policy: p',
        '    reason: *why',
        '    expires: 2026-12-31',
        '    regions: *eu',
        ''
      ].join('\n')
    )
    // The anchors live under a key the file does not know: only that is an error.
    expect(errorOf({ 'exceptions-file': aliased })).toContain('unknown key "shared"')
    const ok = file(
      [
        'exceptions:',
        '  - &first',
        '    policy: p',
        '    reason: &why Migrating',
        '    expires: 2026-12-31',
        '    regions: [eu-west-1]',
        '  - policy: q',
        '    reason: *why',
        '    expires: 2026-12-31',
        ''
      ].join('\n')
    )
    const entries = parse({ 'exceptions-file': ok }).policies!.exceptions!.entries
    expect(entries.map((e) => [e.policy, e.reason, e.regions])).toEqual([
      ['p', 'Migrating', ['eu-west-1']],
      ['q', 'Migrating', []]
    ])
    const merged = file(
      ['exceptions:', '  - &a', '    policy: p', '  - <<: *a', '    reason: r', ''].join('\n')
    )
    expect(errorOf({ 'exceptions-file': merged })).toContain(
      'line 4: YAML merge keys (<<) are not supported: write the keys out'
    )
  })

  it('accepts an empty file and an empty list', () => {
    expect(parse({ 'exceptions-file': file('') }).policies?.exceptions?.entries).toEqual([])
    expect(
      parse({ 'exceptions-file': file('exceptions:\n') }).policies?.exceptions?.entries
    ).toEqual([])
  })
})
