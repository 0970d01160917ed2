// The workflow's inputs, parsed and validated into one typed configuration. Nothing here
// talks to the network, so every bad value fails before the first request.

import { realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { KNOWN_SEVERITIES } from '../lib/severity.js'
import { KNOWN_DOMAINS } from '../platform/types.js'
import {
  type GateOn,
  type IfRunning,
  type ActionConfig,
  type PolicyConfig,
  type ExternalSyncConfig,
  type ReportConfig,
  type SyncConfig
} from './config.js'
import { otherSelectionProblem } from '../lib/baseline-format.js'
import { readBaselineFile } from './read-baseline.js'
import { readExceptionsFile } from './exceptions-file.js'
import { parseScope } from './scope.js'
import { parsePlatformUrl } from './platform-url.js'
import {
  boolean,
  choice,
  duration,
  invalid,
  list,
  listOf,
  Problems,
  wholeNumber,
  type Read
} from './values.js'

/**
 * Reads one input; `undefined` when the input was not given at all. The runner gives every input
 * that action.yml declares (with its default), so an empty string there means the workflow set it
 * empty on purpose — which, for the thresholds, means "no limit".
 */
export type InputReader = (name: string) => string | undefined

/** Reads inputs the way the runner passes them: `INPUT_<NAME>`, hyphens kept. */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]
}

const SYNC_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** The spec's bound on an invocation id (`POST /external-syncs`: 1 to 200 characters). */
const MAX_INVOCATION_ID = 200
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/
const MAX_SAMPLES = 100
/** Syncs one step follows at once: each holds a live log stream and a poll loop. */
const MAX_SYNCS = 50
const MAX_EXCEPTION_DAYS = 3650

/** Where the README says what to do about an empty key. */
const EMPTY_API_KEY_MESSAGE =
  'Input "api-key" is empty: the secret passed to it is not set or not available to this run. ' +
  'Usual reasons: pull requests from forks and Dependabot pull requests get no secrets (Dependabot has its own secret store); ' +
  "the secret's name differs from the one in the workflow (names are exact); " +
  'or it is passed as ${{ vars.NAME }} (a variable) instead of ${{ secrets.NAME }}. ' +
  'See the README\'s Troubleshooting (Input "api-key" is empty) for the fix.'

/**
 * Parses every input, in every mode (an input the mode does not use is still checked), and throws
 * one InputError listing every bad one.
 */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const input: Read = (name) => (read(name) ?? '').trim()
  const problems = new Problems()
  const apiKey = input('api-key')
  if (apiKey === '') problems.add(EMPTY_API_KEY_MESSAGE)
  // Never quoted: it is the secret. An HTTP header holds printable ASCII only.
  else if (!/^[\x21-\x7e]+$/.test(apiKey))
    problems.add(
      'Input "api-key" holds a character an API key cannot have (a space, line break, control, zero-width or non-ASCII character): copy the key again, exactly.'
    )
  const apiBaseUrl = problems.check(() => parsePlatformUrl(input('platform-url')))
  const names = parseSyncNames(input, problems)
  const settings = parseSyncSettings(input, names, problems)
  const syncs = names.map((name) => ({ name, ...settings }))
  const externalSyncs = parseExternalSyncs(input, syncs.length, settings, problems)
  const evaluate = problems.check(() => boolean(input, 'evaluate-policies', true))
  const policies = parsePolicyConfig(input, (name) => read(name) !== undefined, problems)
  const report = parseReportConfig(input, env, problems)
  if (syncs.length === 0 && externalSyncs.length === 0 && evaluate === false) {
    problems.add(
      'Nothing to do: "sync-name" and "external-sync" are empty and "evaluate-policies" is false. Name a sync to run or follow, or enable the policy gate.'
    )
  }
  problems.throwIfAny()
  const policyConfig = evaluate ? policies : undefined
  const { timeoutMs } = settings
  return { apiBaseUrl, apiKey, syncs, externalSyncs, policies: policyConfig, report, timeoutMs }
}

/** The syncs `sync-name` lists (none for an external sync or a policies-only gate). */
function parseSyncNames(input: Read, problems: Problems): string[] {
  const names = list(input('sync-name'))
  const badNames = names.filter((name) => !SYNC_NAME_PATTERN.test(name))
  if (badNames.length > 0) {
    problems.add(
      invalid(
        'sync-name',
        badNames.join(', '),
        'sync names of letters, digits, "-" and "_" only (the sync\'s name, not its display name), one per line'
      ).message
    )
  }
  if (names.length > MAX_SYNCS) {
    problems.add(
      invalid(
        'sync-name',
        `${names.length} syncs`,
        `at most ${MAX_SYNCS} syncs in one step; split them over several steps or jobs`
      ).message
    )
  }
  return names
}

/** What every sync of the step shares; checked even when no sync is named. */
function parseSyncSettings(
  input: Read,
  names: string[],
  problems: Problems
): Omit<SyncConfig, 'name'> {
  const syncRunId = input('sync-run-id')
  if (syncRunId !== '' && names.length !== 1) {
    problems.add(
      names.length === 0
        ? 'Input "sync-run-id" needs "sync-name": the run belongs to a sync, and the API addresses it by both.'
        : `Input "sync-run-id" is a run of one sync, but "sync-name" lists ${names.length} (${names.join(', ')}). Name only that run's sync, or leave "sync-run-id" empty.`
    )
  }
  if (syncRunId !== '' && !UUID_PATTERN.test(syncRunId)) {
    problems.add(
      invalid(
        'sync-run-id',
        syncRunId,
        'a run id (UUID), e.g. 12345678-1234-1234-1234-1234567890ab'
      ).message
    )
  }
  const c = <T>(reader: () => T): T => problems.check(reader)
  const ifRunning = c(() =>
    choice<IfRunning>(input, 'if-running', ['attach', 'start', 'fail', 'queue'], 'attach')
  )
  if (ifRunning === 'queue' && syncRunId !== '') {
    problems.add(
      'Input "if-running" is "queue", which starts a run of this action\'s own once no other is going, but "sync-run-id" names a run to follow. Give one of them.'
    )
  }
  return {
    runId: syncRunId === '' ? undefined : syncRunId.toLowerCase(),
    ifRunning,
    wait: c(() => boolean(input, 'wait', true)),
    timeoutMs: c(() => duration(input, 'timeout', '60m')),
    pollIntervalMs: c(() => duration(input, 'poll-interval', '15s')),
    cancelOnTimeout: c(() => boolean(input, 'cancel-on-timeout', true)),
    logs: c(() => choice(input, 'sync-logs', ['on-failure', 'always', 'never'], 'on-failure')),
    maxErrors: c(() => wholeNumber(input, 'max-sync-errors', ''))
  }
}

/**
 * `external-sync`: syncs the CLI ran (one, or one per shard). The action only follows them, so the
 * inputs about starting, cancelling or judging a managed run's errors cannot apply to them.
 */
function parseExternalSyncs(
  input: Read,
  syncCount: number,
  { timeoutMs, pollIntervalMs, wait, ifRunning }: Omit<SyncConfig, 'name'>,
  problems: Problems
): ExternalSyncConfig[] {
  const ids = externalSyncIds(input('external-sync'))
  if (ids.length === 0) return []
  const bad = ids.filter((id) => [...id].length > MAX_INVOCATION_ID || CONTROL.test(id))
  if (bad.length > 0) {
    problems.add(
      invalid(
        'external-sync',
        // Escaped, so that a control character shows as what it is; cut, so that a long one does not flood.
        bad.map((id) => JSON.stringify(id).slice(1, -1).slice(0, 80)).join(', '),
        `the CLI's invocation id (what \`cloudquery sync --invocation-id\` was given: any text of 1 to ${MAX_INVOCATION_ID} characters without control characters, usually a UUID) or an external sync id (a UUID); several, one per line, for a sharded sync`
      ).message
    )
  }
  if (ids.length > MAX_SYNCS) {
    problems.add(
      invalid('external-sync', `${ids.length} ids`, `at most ${MAX_SYNCS} in one step`).message
    )
  }
  if (syncCount > 0) {
    problems.add(
      'Inputs "external-sync" and "sync-name" cannot be used together: "external-sync" follows a sync the CloudQuery CLI ran, "sync-name" starts syncs the Platform runs. Use one step for each.'
    )
  }
  if (wait === false) {
    problems.add(
      'Input "wait" is "false", but "external-sync" only follows a sync the CLI runs: there is nothing to start, so nothing to do without waiting. Leave "wait" at "true".'
    )
  }
  if (ifRunning === 'queue') {
    problems.add(
      'Input "if-running" is "queue", but "external-sync" only follows a sync the CLI runs: this action starts no run, so it has none to queue. Leave "if-running" out.'
    )
  }
  if (input('max-sync-errors') !== '') {
    problems.add(
      'Input "max-sync-errors" cannot be used with "external-sync": the Platform reports no error count for a sync the CLI ran (the CLI\'s own exit code does). Leave it empty.'
    )
  }
  return ids.map((id) => ({ id, timeoutMs, pollIntervalMs }))
}

/**
 * The ids `external-sync` lists, one per line, as written (a UUID in lower case: it is one however
 * it is written). An invocation id is any text, commas included, so a line is split on commas only
 * when every part is a UUID (the form the docs once gave for shards).
 */
function externalSyncIds(value: string): string[] {
  const ids = value.split(/\r?\n/).flatMap((line) => {
    const parts = line.split(',').map((part) => part.trim())
    const uuids = parts.length > 1 && parts.every((part) => UUID_PATTERN.test(part))
    return uuids ? parts : [line.trim()]
  })
  const normalised = ids
    .filter((id) => id !== '')
    .map((id) => (UUID_PATTERN.test(id) ? id.toLowerCase() : id))
  return [...new Set(normalised)]
}

/** `given`: whether the workflow passed the input at all (an empty critical or high limit is "no limit"). */
function parsePolicyConfig(
  input: Read,
  given: (name: string) => boolean,
  problems: Problems
): PolicyConfig {
  const c = <T>(reader: () => T): T => problems.check(reader)
  const limit = (name: string, fallback: string): number | undefined =>
    c(() => wholeNumber(input, name, given(name) ? '' : fallback))
  const gateOn = c(() => choice<GateOn>(input, 'gate-on', ['all', 'new'], 'all'))
  const baselineArtifact = parseBaselineArtifact(input, gateOn, problems)
  const baselineFile = input('baseline-file')
  const exceptionsFile = input('exceptions-file')
  const selection = {
    groups: list(input('policy-groups')),
    policies: list(input('policies')),
    severities: c(() => listOf(input, 'severities', KNOWN_SEVERITIES)),
    domains: c(() => listOf(input, 'domains', KNOWN_DOMAINS))
  }
  const baseline = baselineFile === '' ? undefined : c(() => readBaselineFile(baselineFile))
  const otherSelection =
    baseline && otherSelectionProblem('baseline-file', `"${baselineFile}"`, baseline, selection)
  if (otherSelection) problems.add(otherSelection)
  return {
    ...selection,
    thresholds: {
      critical: limit('max-critical-violations', '0'),
      high: limit('max-high-violations', '0'),
      medium: limit('max-medium-violations', ''),
      low: limit('max-low-violations', ''),
      total: limit('max-violations', '')
    },
    gateOn,
    evaluation: c(() =>
      choice(input, 'policy-evaluation', ['auto', 'wait', 'execute', 'latest'], 'auto')
    ),
    evaluationTimeoutMs: c(() => duration(input, 'evaluation-timeout', '10m')),
    tableErrors: c(() => choice(input, 'table-errors', ['fail', 'warn'], 'fail')),
    samples: c(() => wholeNumber(input, 'violation-samples', '5', MAX_SAMPLES) ?? 5),
    maxExceptionDays: c(() => positive(input, 'max-exception-days', '90')),
    baselineMaxAgeDays: c(() => positive(input, 'baseline-max-age-days', '30')),
    recordBaseline: input('baseline-write') !== '',
    baseline,
    baselineArtifact,
    exceptions: exceptionsFile === '' ? undefined : c(() => readExceptionsFile(exceptionsFile)),
    scope: c(() => parseScope(input('scope')))
  }
}

/**
 * `baseline-artifact`: checked here, found by the preflight. It replaces `baseline-file`, and
 * `gate-on: new` needs one of the two.
 */
function parseBaselineArtifact(
  input: Read,
  gateOn: GateOn | undefined,
  problems: Problems
): string | undefined {
  const name = input('baseline-artifact')
  const file = input('baseline-file')
  if (gateOn === 'new' && file === '' && name === '') {
    problems.add(
      'Input "gate-on" is "new", which needs "baseline-artifact" or "baseline-file": new violations are judged per resource against a fixed baseline of the default branch. Name the artifact your baseline workflow uploads ("baseline-artifact: cloudquery-baseline", see docs/pr-gate.md), or pass a file made with "baseline-write" as "baseline-file"; or use "gate-on: all".'
    )
  }
  if (name === '') return undefined
  if (file !== '') {
    problems.add(
      `Inputs "baseline-artifact" and "baseline-file" cannot be used together: each names the baseline to judge against. Keep "baseline-artifact" to find the default branch's newest baseline artifact, or "baseline-file" for a file in the workspace.`
    )
  }
  if (/[":<>|*?\\/\r\n]/.test(name)) {
    problems.add(
      invalid(
        'baseline-artifact',
        name,
        'the name of an artifact, as given to actions/upload-artifact (no " : < > | * ? \\ / or line break)'
      ).message
    )
  }
  if (input('github-token') === '') {
    problems.add(
      'Input "baseline-artifact" needs "github-token": the artifact is found and downloaded through the GitHub API. Leave "github-token" at its default (${{ github.token }}) and give the job the `actions: read` permission.'
    )
  }
  return name
}

function parseReportConfig(input: Read, env: NodeJS.ProcessEnv, problems: Problems): ReportConfig {
  const reportFile = input('report-file')
  const c = <T>(reader: () => T): T => problems.check(reader)
  return {
    softFail: c(() => boolean(input, 'soft-fail', false)),
    jobSummary: c(() => boolean(input, 'job-summary', true)),
    annotations: c(() => boolean(input, 'annotations', true)),
    reportFile: reportFile === '' ? defaultReportFile(env) : reportFile,
    prComment: c(() => choice(input, 'pr-comment', ['off', 'always', 'on-failure'], 'off')),
    githubToken: input('github-token'),
    commentTag: input('comment-tag'),
    baselineWrite: input('baseline-write'),
    writePlaces: writePlaces(env)
  }
}

/**
 * The workspace and the runner's temp folder (GITHUB_WORKSPACE, RUNNER_TEMP; off a runner, the
 * working directory and the system's temp folder), as real paths, for symlinks to be judged by.
 */
export function writePlaces(env: NodeJS.ProcessEnv): string[] {
  const places = [env.GITHUB_WORKSPACE || process.cwd(), env.RUNNER_TEMP || tmpdir()]
  return [...new Set(places.map((place) => realOrResolved(place)))]
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

/** A whole number of days from 1 to 3650. */
function positive(input: Read, name: string, fallback: string): number {
  const days = wholeNumber(input, name, fallback, MAX_EXCEPTION_DAYS)
  if (days === undefined || days === 0)
    throw invalid(name, input(name), 'a whole number of days from 1 to 3650')
  return days
}

/** `$RUNNER_TEMP/cloudquery-platform-report.json`: where the report goes unless told otherwise. */
export function defaultReportFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || env.TMPDIR || '/tmp'
  return `${dir}/cloudquery-platform-report.json`
}
