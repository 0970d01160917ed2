// `baseline-write`: a compact baseline, the JSON report's `baseline` object alone, for a workflow
// that commits it (or uploads it) for pull requests to compare against.

import type { Redactor } from '../../lib/log-safety.js'
import { writeJsonFile, type WritePlaces } from './write-file.js'
import { toJsonReport } from './report.js'
import type { RunReport } from '../model.js'

/** Writes the compact baseline; throws when this run read no resources (nothing to write). */
export async function writeBaselineFile(
  path: string,
  report: RunReport,
  redact: Redactor,
  places: WritePlaces
): Promise<void> {
  const { baseline } = toJsonReport(report, redact)
  if (!baseline) {
    throw new Error(
      'this run read no violating resources (the policy stage did not finish, or no policy is counted by a threshold)'
    )
  }
  await writeJsonFile(path, JSON.stringify({ baseline }), redact, places)
}
