// `baseline-file`: a JSON file with a `baseline` object — the JSON report of an earlier run, or the
// compact file `baseline-write` makes. Read and checked here, before any request, so that a missing
// or foreign file fails the step at once and says what was expected.

import { BASELINE_EXPECTED, MAX_BASELINE_BYTES, parseBaselineText } from '../lib/baseline-format.js'
import { readRegularFile, utf8Text } from '../lib/regular-file.js'
import { messageOf } from '../lib/text.js'
import { InputError, type BaselineFile } from './config.js'

/** `now` (epoch ms) judges the baseline's `createdAt`. */
export function readBaselineFile(path: string, now = Date.now()): BaselineFile {
  let bytes: Buffer | undefined
  try {
    bytes = readRegularFile(path, MAX_BASELINE_BYTES)
  } catch (error) {
    throw problem(path, messageOf(error))
  }
  // Held only while it is parsed: the bytes, then the text, let go before the baseline is built.
  const parsed = parseBaselineText(() => {
    const text = utf8Text(bytes!)
    bytes = undefined
    return text
  }, now)
  if ('problem' in parsed) throw problem(path, parsed.problem)
  return { path, ...parsed.baseline }
}

function problem(path: string, what: string): InputError {
  return new InputError(
    `Input "baseline-file": "${path}" ${what}. Expected ${BASELINE_EXPECTED}. To make one, run the action on the default branch with "baseline-write" (or keep its "report-file") and pass that file here.`
  )
}
