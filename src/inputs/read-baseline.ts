// `baseline-file`: a JSON file with a `baseline` object — the JSON report of an earlier run, or the
// compact file `baseline-write` makes. Read and checked here, before any request, so that a missing
// or foreign file fails the step at once and says what was expected.

import { readFileSync } from 'node:fs'
import { messageOf } from '../lib/text.js'
import { BASELINE_FORMAT, BASELINE_VERSION, InputError, type BaselineFile } from './config.js'

const EXPECTED = `the JSON report of an earlier run (report-file) or a file written by "baseline-write": a JSON object whose "baseline" has "format": "${BASELINE_FORMAT}", "version": ${BASELINE_VERSION}, "createdAt" and "policies": [{ "id", "resources": [...] }]`

export function readBaselineFile(path: string): BaselineFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw problem(path, `cannot be read (${messageOf(error)})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw problem(path, `is not JSON (${messageOf(error)})`)
  }
  return { path, ...baselineOf(json, path) }
}

function baselineOf(json: unknown, path: string): Omit<BaselineFile, 'path'> {
  const baseline = field(json, 'baseline')
  if (!isObject(baseline)) {
    throw problem(
      path,
      `has no "baseline" object (a report of a run that read no resources has "baseline": null)`
    )
  }
  const { format, version, createdAt, policies } = baseline
  if (format !== BASELINE_FORMAT || version !== BASELINE_VERSION) {
    throw problem(
      path,
      `has "format": ${JSON.stringify(format)}, "version": ${JSON.stringify(version)}`
    )
  }
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw problem(path, `has "createdAt": ${JSON.stringify(createdAt)}, not a date-time`)
  }
  if (!Array.isArray(policies)) throw problem(path, 'has no "policies" list')
  const byId = new Map<string, Set<string>>()
  policies.forEach((policy: unknown, index) => {
    const id = field(policy, 'id')
    const resources = field(policy, 'resources')
    if (typeof id !== 'string' || !isStringList(resources)) {
      throw problem(
        path,
        `has policies[${index}] without a string "id" and a "resources" list of strings`
      )
    }
    byId.set(id, new Set(resources))
  })
  return { createdAt, policies: byId }
}

function problem(path: string, what: string): InputError {
  return new InputError(
    `Input "baseline-file": "${path}" ${what}. Expected ${EXPECTED}. To make one, run the action on the default branch with "baseline-write" (or keep its "report-file") and pass that file here.`
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
