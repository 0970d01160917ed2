import { describe, expect, it } from '@jest/globals'
import { realpathSync } from 'node:fs'
import { InputError } from '../../src/inputs/config.js'
import { envInputReader, parseInputs } from '../../src/inputs/parse.js'
import { isCleartextRemote, parsePlatformUrl } from '../../src/inputs/platform-url.js'
import { list } from '../../src/inputs/values.js'

const KEY = 'cqk_secret_value_123'

function reader(values: Record<string, string>): (name: string) => string | undefined {
  const all: Record<string, string> = {
    'platform-url': 'https://cloudquery.example.com',
    'api-key': KEY,
    'sync-name': 'aws-prod',
    ...values
  }
  return (name) => all[name]
}

function errorOf(values: Record<string, string>): string {
  try {
    parseInputs(reader(values), { RUNNER_TEMP: '/runner/temp' })
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    const config = parseInputs(reader({}), { RUNNER_TEMP: '/runner/temp' })
    expect(config.apiBaseUrl).toBe('https://cloudquery.example.com/api')
    expect(config.externalSyncs).toEqual([])
    expect(config.syncs).toEqual([
      {
        name: 'aws-prod',
        runId: undefined,
        ifRunning: 'attach',
        wait: true,
        timeoutMs: 3_600_000,
        pollIntervalMs: 15_000,
        cancelOnTimeout: true,
        logs: 'on-failure',
        maxErrors: undefined
      }
    ])
    expect(config.policies).toMatchObject({
      groups: [],
      policies: [],
      severities: [],
      domains: [],
      thresholds: { critical: 0, high: 0, medium: undefined, low: undefined, total: undefined },
      gateOn: 'all',
      evaluation: 'auto',
      evaluationTimeoutMs: 600_000,
      tableErrors: 'fail',
      samples: 5,
      baseline: undefined,
      exceptions: undefined,
      maxExceptionDays: 90,
      baselineMaxAgeDays: 30,
      recordBaseline: false
    })
    expect(config.report).toEqual({
      softFail: false,
      jobSummary: true,
      annotations: true,
      reportFile: '/runner/temp/cloudquery-platform-report.json',
      prComment: 'off',
      githubToken: '',
      commentTag: '',
      baselineWrite: '',
      // Off a runner (no GITHUB_WORKSPACE), the working directory stands for the workspace.
      writePlaces: [realpathSync(process.cwd()), '/runner/temp']
    })
  })

  it('reads if-running: queue, in any case, for every sync', () => {
    const config = parseInputs(reader({ 'sync-name': 'a\nb', 'if-running': 'Queue' }), {})
    expect(config.syncs.map((sync) => sync.ifRunning)).toEqual(['queue', 'queue'])
  })

  it('reads an empty critical or high threshold as no limit, and an absent one as 0', () => {
    const config = parseInputs(reader({ 'max-critical-violations': '' }), {})
    expect(config.policies?.thresholds.critical).toBeUndefined()
    expect(config.policies?.thresholds.high).toBe(0)
  })

  it('reads table-errors, whatever its case', () => {
    expect(parseInputs(reader({ 'table-errors': 'Warn' })).policies?.tableErrors).toBe('warn')
  })

  it('reads inputs from INPUT_ variables with hyphens kept', () => {
    const read = envInputReader({ 'INPUT_SYNC-NAME': 'aws-prod', 'INPUT_MAX-VIOLATIONS': '' })
    expect(read('sync-name')).toBe('aws-prod')
    expect(read('max-violations')).toBe('')
    expect(read('policies')).toBeUndefined()
  })

  it('runs the policy stage alone when no sync is named', () => {
    const config = parseInputs(reader({ 'sync-name': '' }), {})
    expect(config.syncs).toEqual([])
    expect(config.externalSyncs).toEqual([])
    expect(config.policies).toBeDefined()
  })

  it('reads several syncs, one per line or comma-separated, each with the shared settings', () => {
    const config = parseInputs(
      reader({ 'sync-name': 'aws-prod\ngcp-prod, azure_dev\naws-prod', timeout: '90m' }),
      {}
    )
    expect(config.syncs.map((sync) => sync.name)).toEqual(['aws-prod', 'gcp-prod', 'azure_dev'])
    expect(config.syncs.every((sync) => sync.timeoutMs === 5_400_000)).toBe(true)
  })

  it('reads an external sync, with the timeout and poll interval of the syncs', () => {
    const id = '4C3EA5CD-7F3D-4DFD-8EA8-C0B29EADAC69'
    const config = parseInputs(
      reader({ 'sync-name': '', 'external-sync': id, timeout: '2h', 'poll-interval': '30s' }),
      {}
    )
    expect(config.syncs).toEqual([])
    expect(config.externalSyncs).toEqual([
      { id: id.toLowerCase(), timeoutMs: 7_200_000, pollIntervalMs: 30_000 }
    ])
  })

  it('reads the CLI runs of a sharded sync, one per line or comma-separated', () => {
    const shards = [
      '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69',
      '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
      '7e2a9c14-55d1-4b0e-9f3a-2c8d6b1e0a47'
    ]
    const config = parseInputs(
      reader({
        'sync-name': '',
        'external-sync': `${shards[0]}\n${shards[1]}, ${shards[2]}\n${shards[0].toUpperCase()}`
      }),
      {}
    )
    expect(config.externalSyncs.map((external) => external.id)).toEqual(shards)
  })

  it('reads any invocation id the spec allows, as written: 1 to 200 characters, commas included', () => {
    const ids = ['run-42', 'Build 7, shard 1/3', 'ünïcode ✓', 'x'.repeat(200)]
    const config = parseInputs(
      reader({ 'sync-name': '', 'external-sync': ` ${ids.join('\n')}\n\nrun-42\n` }),
      {}
    )
    expect(config.externalSyncs.map((external) => external.id)).toEqual(ids)
  })

  it('reads lists, severities and domains', () => {
    const config = parseInputs(
      reader({
        'policy-groups': 'CIS AWS\nSOC 2, CIS AWS',
        severities: 'High, critical',
        domains: 'security\nfinops'
      }),
      {}
    )
    expect(config.policies?.groups).toEqual(['CIS AWS', 'SOC 2'])
    expect(config.policies?.severities).toEqual(['high', 'critical'])
    expect(config.policies?.domains).toEqual(['security', 'finops'])
  })

  it.each([
    [{ 'platform-url': '' }, /"platform-url" is required/],
    [
      { 'platform-url': 'cloudquery.example.com' },
      /"platform-url" is "cloudquery.example.com".*absolute http\(s\) URL/
    ],
    [{ 'platform-url': 'ftp://x.example.com' }, /"platform-url".*http:\/\/ or https:\/\//],
    [{ 'api-key': '' }, /"api-key" is empty/],
    [{ 'sync-name': 'aws prod' }, /"sync-name" is "aws prod".*letters, digits/],
    [{ 'sync-name': 'aws-prod\ngcp prod\nx.y' }, /"sync-name" is "gcp prod, x.y".*one per line/],
    [
      { 'sync-name': Array.from({ length: 51 }, (_, i) => `sync-${i}`).join('\n') },
      /"sync-name" is "51 syncs".*at most 50/
    ],
    [
      { 'sync-name': 'aws-prod\ngcp-prod', 'sync-run-id': '12345678-1234-1234-1234-1234567890ab' },
      /"sync-run-id" is a run of one sync, but "sync-name" lists 2 \(aws-prod, gcp-prod\)/
    ],
    [
      { 'if-running': 'queue', 'sync-run-id': '12345678-1234-1234-1234-1234567890ab' },
      /"if-running" is "queue", which starts a run of this action's own .* "sync-run-id" names a run to follow/
    ],
    [
      {
        'sync-name': '',
        'external-sync': '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69',
        'if-running': 'queue'
      },
      /"if-running" is "queue", but "external-sync" only follows a sync the CLI runs/
    ],
    [
      { 'sync-name': '', 'external-sync': 'x'.repeat(201) },
      /"external-sync" is "x{80}", which is not valid: expected the CLI's invocation id .*any text of 1 to 200 characters/
    ],
    [
      { 'sync-name': '', 'external-sync': '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69\nshard\u00072' },
      /"external-sync" is "shard\\u00072".*without control characters.*one per line, for a sharded sync/
    ],
    [
      { 'external-sync': '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69' },
      /"external-sync" and "sync-name" cannot be used together/
    ],
    [
      { 'sync-name': '', 'external-sync': '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69', wait: 'False' },
      /"wait" is "false", but "external-sync" only follows/
    ],
    [
      {
        'sync-name': '',
        'external-sync': '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69',
        'max-sync-errors': '0'
      },
      /"max-sync-errors" cannot be used with "external-sync"/
    ],
    [{ 'sync-run-id': 'abc' }, /"sync-run-id" is "abc".*UUID/],
    [
      { 'sync-name': '', 'sync-run-id': '12345678-1234-1234-1234-1234567890ab' },
      /"sync-run-id" needs "sync-name"/
    ],
    [
      { 'if-running': 'sometimes' },
      /"if-running" is "sometimes".*"attach", "start", "fail", "queue"/
    ],
    [{ wait: 'yes' }, /"wait" is "yes".*"true" or "false"/],
    [{ timeout: '5 minutes' }, /"timeout" is "5 minutes".*"90s", "45m", "1h30m"/],
    [{ timeout: '0' }, /"timeout" is "0".*positive duration/],
    [{ 'poll-interval': '0s' }, /"poll-interval" is "0s".*positive duration/],
    [{ 'cancel-on-timeout': 'maybe' }, /"cancel-on-timeout" is "maybe"/],
    [{ 'sync-logs': 'sometimes' }, /"sync-logs" is "sometimes".*"on-failure", "always", "never"/],
    [{ 'max-sync-errors': '-1' }, /"max-sync-errors" is "-1".*whole number/],
    [{ 'evaluate-policies': 'nope' }, /"evaluate-policies" is "nope"/],
    [{ severities: 'high, severe' }, /"severities" is "high, severe".*unknown: severe/],
    [{ domains: 'security, money' }, /"domains".*unknown: money/],
    [{ 'max-critical-violations': 'none' }, /"max-critical-violations" is "none".*whole number/],
    [{ 'max-high-violations': '1.5' }, /"max-high-violations" is "1.5"/],
    [{ 'max-medium-violations': 'x' }, /"max-medium-violations"/],
    [{ 'max-low-violations': '-3' }, /"max-low-violations"/],
    [{ 'max-violations': '1e3' }, /"max-violations"/],
    [{ 'gate-on': 'changed' }, /"gate-on" is "changed".*"all", "new"/],
    [
      { 'policy-evaluation': 'now' },
      /"policy-evaluation" is "now".*"auto", "wait", "execute", "latest"/
    ],
    [{ 'evaluation-timeout': 'soon' }, /"evaluation-timeout" is "soon"/],
    [{ 'table-errors': 'ignore' }, /"table-errors" is "ignore".*"fail", "warn"/],
    [{ 'violation-samples': '1000' }, /"violation-samples" is "1000".*0 to 100/],
    [{ 'soft-fail': 'y' }, /"soft-fail" is "y"/],
    [{ 'job-summary': '1' }, /"job-summary" is "1"/],
    [{ annotations: 'on' }, /"annotations" is "on"/],
    [{ 'pr-comment': 'sometimes' }, /"pr-comment" is "sometimes".*"off", "always", "on-failure"/],
    [{ 'sync-name': '', 'evaluate-policies': 'false' }, /Nothing to do/]
  ])('rejects %j', (values, message) => {
    expect(errorOf(values)).toMatch(message)
  })

  it('reports every bad input at once, each with its value and what is accepted', () => {
    const error = (() => {
      try {
        parseInputs(reader({ 'api-key': '', 'platform-url': '', timeout: 'soon', 'gate-on': 'x' }))
      } catch (caught) {
        return caught as InputError
      }
      throw new Error('expected an InputError')
    })()
    expect(error.problems).toHaveLength(4)
    expect(error.message).toMatch(/^4 inputs need fixing:\n- Input "api-key" is empty/)
    expect(error.message).toMatch(/\n- Input "platform-url" is required/)
    expect(error.message).toMatch(/\n- Input "timeout" is "soon", which is not valid: expected/)
    expect(error.message).toMatch(/\n- Input "gate-on" is "x".*"all", "new"/)
  })

  it('explains why an empty api-key is empty and where the fix is', () => {
    const message = errorOf({ 'api-key': '  ' })
    expect(message).toMatch(/forks and Dependabot pull requests get no secrets/)
    expect(message).toMatch(/secret's name/)
    expect(message).toContain('${{ vars.NAME }}')
    expect(message).toContain('${{ secrets.NAME }}')
    expect(message).toMatch(/README's Troubleshooting \(Input "api-key" is empty\) for the fix/)
  })

  it.each([
    [{ 'sync-name': '', 'if-running': 'sometimes' }, /"if-running" is "sometimes"/],
    [{ 'sync-name': '', timeout: 'soon' }, /"timeout" is "soon"/],
    [{ 'sync-name': '', wait: 'maybe' }, /"wait" is "maybe"/],
    [{ 'sync-name': '', 'max-sync-errors': 'x' }, /"max-sync-errors" is "x"/],
    [{ 'evaluate-policies': 'false', 'gate-on': 'changed' }, /"gate-on" is "changed"/],
    [{ 'evaluate-policies': 'false', severities: 'severe' }, /"severities" is "severe"/]
  ])('checks the inputs a mode does not use too: %j', (values, message) => {
    expect(errorOf(values)).toMatch(message)
  })

  it('never repeats the key in an error', () => {
    const message = errorOf({ 'platform-url': `https://x.example.com/?token=${KEY}` })
    expect(message).not.toContain(KEY)
    expect(message).toMatch(/"platform-url".*without credentials, query string or fragment/)
  })
})

describe('parsePlatformUrl', () => {
  it.each([
    ['https://cq.example.com', 'https://cq.example.com/api'],
    ['https://cq.example.com/', 'https://cq.example.com/api'],
    ['https://cq.example.com/api', 'https://cq.example.com/api'],
    ['https://cq.example.com/api/', 'https://cq.example.com/api'],
    ['https://example.com/cloudquery/', 'https://example.com/cloudquery/api'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/api']
  ])('normalises %s', (input, expected) => {
    expect(parsePlatformUrl(input)).toBe(expected)
  })
})

describe('isCleartextRemote', () => {
  it.each([
    ['http://cq.example.com/api', true],
    ['https://cq.example.com/api', false],
    ['http://127.0.0.1:8080/api', false],
    ['http://localhost:8080/api', false],
    ['http://[::1]:8080/api', false]
  ])('%s → %s', (url, expected) => {
    expect(isCleartextRemote(url)).toBe(expected)
  })
})

describe('list', () => {
  it('splits on newlines and commas, trims, drops blanks and duplicates', () => {
    expect(list(' a ,b\n\n c,a ')).toEqual(['a', 'b', 'c'])
  })
})
