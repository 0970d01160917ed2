// Stage 1: the workflow's inputs, parsed and validated into one typed configuration. Nothing here
// talks to the network, so every bad value fails before the first request.

import { parseDuration } from '../lib/duration.js'
import { KNOWN_DOMAINS, KNOWN_SEVERITIES, type KnownSeverity } from '../platform/types.js'

export type IfRunning = 'attach' | 'start' | 'fail'
export type SyncLogsMode = 'on-failure' | 'always' | 'never'
export type GateOn = 'all' | 'new'
export type PolicyEvaluationMode = 'auto' | 'wait' | 'execute' | 'latest'
export type PrCommentMode = 'off' | 'always' | 'on-failure'

/** Most violations allowed; `undefined` means no limit. */
export type Thresholds = Record<KnownSeverity | 'total', number | undefined>

export interface SyncConfig {
  name: string
  /** Follow this existing run instead of starting one. */
  runId?: string
  ifRunning: IfRunning
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  cancelOnTimeout: boolean
  logs: SyncLogsMode
  maxErrors?: number
}

export interface PolicyConfig {
  groups: string[]
  policies: string[]
  severities: KnownSeverity[]
  domains: string[]
  thresholds: Thresholds
  gateOn: GateOn
  evaluation: PolicyEvaluationMode
  evaluationTimeoutMs: number
  samples: number
}

export interface ReportConfig {
  softFail: boolean
  jobSummary: boolean
  annotations: boolean
  reportFile: string
  prComment: PrCommentMode
  githubToken: string
  commentTag: string
}

export interface ActionConfig {
  /** Base of the API, always ending in `/api` and without a trailing slash. */
  apiBaseUrl: string
  apiKey: string
  /** No sync stage when the workflow names no sync (a policies-only gate). */
  sync?: SyncConfig
  /** No policy stage when `evaluate-policies` is false. */
  policies?: PolicyConfig
  report: ReportConfig
}

export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

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
  const input = (name: string): string => (read(name) ?? '').trim()
  const given = (name: string): boolean => read(name) !== undefined
  const apiKey = input('api-key')
  if (apiKey === '')
    throw new InputError('Input "api-key" is required: the CloudQuery Platform API key.')
  const apiBaseUrl = parsePlatformUrl(input('platform-url'))

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

  const sync: SyncConfig | undefined =
    syncName === ''
      ? undefined
      : {
          name: syncName,
          runId: syncRunId === '' ? undefined : syncRunId.toLowerCase(),
          ifRunning: choice(input, 'if-running', ['attach', 'start', 'fail'], 'attach'),
          wait: boolean(input, 'wait', true),
          timeoutMs: duration(input, 'timeout', '60m'),
          pollIntervalMs: duration(input, 'poll-interval', '15s'),
          cancelOnTimeout: boolean(input, 'cancel-on-timeout', true),
          logs: choice(input, 'sync-logs', ['on-failure', 'always', 'never'], 'on-failure'),
          maxErrors: count(input, 'max-sync-errors', '')
        }

  const policies: PolicyConfig | undefined = boolean(input, 'evaluate-policies', true)
    ? {
        groups: list(input('policy-groups')),
        policies: list(input('policies')),
        severities: listOf(input, 'severities', KNOWN_SEVERITIES),
        domains: listOf(input, 'domains', KNOWN_DOMAINS),
        thresholds: {
          critical: count(
            input,
            'max-critical-violations',
            given('max-critical-violations') ? '' : '0'
          ),
          high: count(input, 'max-high-violations', given('max-high-violations') ? '' : '0'),
          medium: count(input, 'max-medium-violations', ''),
          low: count(input, 'max-low-violations', ''),
          total: count(input, 'max-violations', '')
        },
        gateOn: choice(input, 'gate-on', ['all', 'new'], 'all'),
        evaluation: choice(
          input,
          'policy-evaluation',
          ['auto', 'wait', 'execute', 'latest'],
          'auto'
        ),
        evaluationTimeoutMs: duration(input, 'evaluation-timeout', '10m'),
        samples: count(input, 'violation-samples', '5', MAX_SAMPLES) ?? 5
      }
    : undefined

  if (!sync && !policies) {
    throw new InputError(
      'Nothing to do: "sync-name" is empty and "evaluate-policies" is false. Name a sync to run, or enable the policy gate.'
    )
  }

  const reportFile = input('report-file')
  return {
    apiBaseUrl,
    apiKey,
    sync,
    policies,
    report: {
      softFail: boolean(input, 'soft-fail', false),
      jobSummary: boolean(input, 'job-summary', true),
      annotations: boolean(input, 'annotations', true),
      reportFile: reportFile === '' ? defaultReportFile(env) : reportFile,
      prComment: choice(input, 'pr-comment', ['off', 'always', 'on-failure'], 'off'),
      githubToken: input('github-token'),
      commentTag: input('comment-tag')
    }
  }
}

/** `$RUNNER_TEMP/cloudquery-platform-report.json`: where the report goes unless told otherwise. */
export function defaultReportFile(env: NodeJS.ProcessEnv): string {
  const dir = env.RUNNER_TEMP || env.TMPDIR || '/tmp'
  return `${dir}/cloudquery-platform-report.json`
}

/** Accepts the deployment's URL with or without a trailing `/api` or `/`. */
export function parsePlatformUrl(value: string): string {
  if (value === '')
    throw new InputError(
      'Input "platform-url" is required: the URL of your CloudQuery Platform deployment, e.g. https://cloudquery.example.com'
    )
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(
      'platform-url',
      value,
      'an absolute http(s) URL, e.g. https://cloudquery.example.com'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('platform-url', value, 'an http:// or https:// URL')
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw invalid(
      'platform-url',
      redactUrl(url),
      'a URL without credentials, query string or fragment; pass the key in "api-key"'
    )
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')
  return `${url.origin}${path}/api`
}

/** True when the key would cross a network in clear text (plain http to a host other than this one). */
export function isCleartextRemote(apiBaseUrl: string): boolean {
  const url = new URL(apiBaseUrl)
  if (url.protocol !== 'http:') return false
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return !(host === 'localhost' || host === '::1' || /^127\./.test(host))
}

function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search || url.hash ? ' (query string and fragment not shown)' : ''}`
}

function invalid(name: string, value: string, accepted: string): InputError {
  return new InputError(`Input "${name}" is "${value}", which is not valid: expected ${accepted}.`)
}

type Read = (name: string) => string

function valueOr(read: Read, name: string, fallback: string): string {
  const value = read(name)
  return value === '' ? fallback : value
}

function choice<T extends string>(read: Read, name: string, allowed: readonly T[], fallback: T): T {
  const value = valueOr(read, name, fallback).toLowerCase()
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw invalid(name, read(name), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`)
}

// Same spellings as YAML 1.2's core schema, which is what core.getBooleanInput accepts.
function boolean(read: Read, name: string, fallback: boolean): boolean {
  const value = read(name)
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(name, value, '"true" or "false"')
}

function duration(read: Read, name: string, fallback: string): number {
  const value = valueOr(read, name, fallback)
  const ms = parseDuration(value)
  if (ms === undefined || ms <= 0) {
    throw invalid(
      name,
      value,
      'a positive duration such as "90s", "45m", "1h30m", or a number of seconds'
    )
  }
  return ms
}

/** A whole number ≥ 0; empty (after the default) means no limit. */
function count(read: Read, name: string, fallback: string, max?: number): number | undefined {
  const value = read(name) === '' ? fallback : read(name)
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || (max !== undefined && Number(value) > max)) {
    const accepted =
      max === undefined
        ? 'a whole number ≥ 0, or empty for no limit'
        : `a whole number from 0 to ${max}`
    throw invalid(name, value, accepted)
  }
  return Number(value)
}

/** Newline- or comma-separated, blanks dropped, duplicates removed. */
export function list(value: string): string[] {
  const items = value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return [...new Set(items)]
}

function listOf<T extends string>(read: Read, name: string, allowed: readonly T[]): T[] {
  const items = list(read(name)).map((item) => item.toLowerCase())
  const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item))
  if (unknown.length > 0) {
    throw invalid(
      name,
      read(name),
      `a list of ${allowed.join(', ')} (unknown: ${unknown.join(', ')})`
    )
  }
  return items as T[]
}
