// Stage 1: the workflow's inputs, parsed and validated into one typed configuration. Nothing here
// talks to the network, so every bad value fails before the first request.

import { KNOWN_SEVERITIES } from '../lib/severity.js'
import { KNOWN_DOMAINS } from '../platform/types.js'
import {
  InputError,
  type ActionConfig,
  type PolicyConfig,
  type ReportConfig,
  type SyncConfig
} from './config.js'
import { parsePlatformUrl } from './platform-url.js'
import {
  boolean,
  choice,
  duration,
  invalid,
  list,
  listOf,
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
const MAX_SAMPLES = 100

/** Parses every input; throws an InputError naming the first bad one. */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const input: Read = (name) => (read(name) ?? '').trim()
  const apiKey = input('api-key')
  if (apiKey === '')
    throw new InputError('Input "api-key" is required: the CloudQuery Platform API key.')
  // Never quoted: it is the secret. An HTTP header holds printable ASCII only.
  if (!/^[\x21-\x7e]+$/.test(apiKey))
    throw new InputError(
      'Input "api-key" holds a character an API key cannot have (a space, line break, control, zero-width or non-ASCII character): copy the key again, exactly.'
    )
  const apiBaseUrl = parsePlatformUrl(input('platform-url'))
  const sync = parseSyncConfig(input)
  const policies = boolean(input, 'evaluate-policies', true)
    ? parsePolicyConfig(input, (name) => read(name) !== undefined)
    : undefined
  if (!sync && !policies) {
    throw new InputError(
      'Nothing to do: "sync-name" is empty and "evaluate-policies" is false. Name a sync to run, or enable the policy gate.'
    )
  }
  return { apiBaseUrl, apiKey, sync, policies, report: parseReportConfig(input, env) }
}

/** No sync stage when the workflow names no sync (a policies-only gate). */
function parseSyncConfig(input: Read): SyncConfig | undefined {
  const syncName = input('sync-name')
  const syncRunId = input('sync-run-id')
  if (syncName !== '' && !SYNC_NAME_PATTERN.test(syncName)) {
    throw invalid(
      'sync-name',
      syncName,
      'letters, digits, "-" and "_" only (the sync\'s name, not its display name)'
    )
  }
  if (syncRunId !== '' && syncName === '') {
    throw new InputError(
      'Input "sync-run-id" needs "sync-name": the run belongs to a sync, and the API addresses it by both.'
    )
  }
  if (syncRunId !== '' && !UUID_PATTERN.test(syncRunId)) {
    throw invalid(
      'sync-run-id',
      syncRunId,
      'a run id (UUID), e.g. 12345678-1234-1234-1234-1234567890ab'
    )
  }
  if (syncName === '') return undefined
  return {
    name: syncName,
    runId: syncRunId === '' ? undefined : syncRunId.toLowerCase(),
    ifRunning: choice(input, 'if-running', ['attach', 'start', 'fail'], 'attach'),
    wait: boolean(input, 'wait', true),
    timeoutMs: duration(input, 'timeout', '60m'),
    pollIntervalMs: duration(input, 'poll-interval', '15s'),
    cancelOnTimeout: boolean(input, 'cancel-on-timeout', true),
    logs: choice(input, 'sync-logs', ['on-failure', 'always', 'never'], 'on-failure'),
    maxErrors: wholeNumber(input, 'max-sync-errors', '')
  }
}

/** `given`: whether the workflow passed the input at all (an empty critical or high limit is "no limit"). */
function parsePolicyConfig(input: Read, given: (name: string) => boolean): PolicyConfig {
  return {
    groups: list(input('policy-groups')),
    policies: list(input('policies')),
    severities: listOf(input, 'severities', KNOWN_SEVERITIES),
    domains: listOf(input, 'domains', KNOWN_DOMAINS),
    thresholds: {
      critical: wholeNumber(
        input,
        'max-critical-violations',
        given('max-critical-violations') ? '' : '0'
      ),
      high: wholeNumber(input, 'max-high-violations', given('max-high-violations') ? '' : '0'),
      medium: wholeNumber(input, 'max-medium-violations', ''),
      low: wholeNumber(input, 'max-low-violations', ''),
      total: wholeNumber(input, 'max-violations', '')
    },
    gateOn: choice(input, 'gate-on', ['all', 'new'], 'all'),
    evaluation: choice(input, 'policy-evaluation', ['auto', 'wait', 'execute', 'latest'], 'auto'),
    evaluationTimeoutMs: duration(input, 'evaluation-timeout', '10m'),
    samples: wholeNumber(input, 'violation-samples', '5', MAX_SAMPLES) ?? 5
  }
}

function parseReportConfig(input: Read, env: NodeJS.ProcessEnv): ReportConfig {
  const reportFile = input('report-file')
  return {
    softFail: boolean(input, 'soft-fail', false),
    jobSummary: boolean(input, 'job-summary', true),
    annotations: boolean(input, 'annotations', true),
    reportFile: reportFile === '' ? defaultReportFile(env) : reportFile,
    prComment: choice(input, 'pr-comment', ['off', 'always', 'on-failure'], 'off'),
    githubToken: input('github-token'),
    commentTag: input('comment-tag')
  }
}

/** `$RUNNER_TEMP/cloudquery-platform-report.json`: where the report goes unless told otherwise. */
export function defaultReportFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || env.TMPDIR || '/tmp'
  return `${dir}/cloudquery-platform-report.json`
}
