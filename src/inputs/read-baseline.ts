// `baseline-file`: a JSON file with a `baseline` object — the JSON report of an earlier run, or the
// compact file `baseline-write` makes. Read and checked here, before any request, so that a missing
// or foreign file fails the step at once and says what was expected.

import { readFileSync } from 'node:fs'
import { BASELINE_EXPECTED, parseBaseline } from '../lib/baseline-format.js'
import { messageOf } from '../lib/text.js'
import { InputError, type BaselineFile } from './config.js'

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
  const parsed = parseBaseline(json)
  if ('problem' in parsed) throw problem(path, parsed.problem)
  return { path, ...parsed.baseline }
}

function problem(path: string, what: string): InputError {
  return new InputError(
    `Input "baseline-file": "${path}" ${what}. Expected ${BASELINE_EXPECTED}. To make one, run the action on the default branch with "baseline-write" (or keep its "report-file") and pass that file here.`
  )
}
