// Stage 6: publishing. The one impure part of reporting: it settles the result, then writes the
// JSON report, the outputs, the job summary and the annotations. Each writer takes the redactor,
// and a writer that fails costs only its own output.

import * as core from '@actions/core'
import type { ReportConfig } from '../inputs/parse.js'
import type { Logger } from '../lib/logger.js'
import type { Redactor } from '../lib/log-safety.js'
import { ANNOTATION_LIMIT, planAnnotations } from './annotations.js'
import { writeJsonReport } from './json-report.js'
import { buildResult, type ReportContext, type RunReport } from './model.js'
import { outputsOf } from './outputs.js'
import { publishComment } from './pr-comment.js'
import { renderSummary } from './summary.js'

export type { ReportContext } from './model.js'

export interface PublishDeps {
  redact: Redactor
  log: Logger
}

/** Where and what to publish; when the inputs could not be read, the defaults (no PR comment). */
export type PublishSettings = Pick<ReportConfig, 'reportFile' | 'jobSummary' | 'annotations'> &
  Partial<Pick<ReportConfig, 'prComment' | 'githubToken' | 'commentTag'>>

/** Sets `report.result` and publishes the report, each part even when another fails. */
export async function publishReport(
  report: RunReport,
  context: ReportContext,
  settings: PublishSettings,
  { redact, log }: PublishDeps
): Promise<void> {
  report.result = buildResult(report)
  let reportFile = ''
  try {
    await writeJsonReport(settings.reportFile, report, redact)
    reportFile = settings.reportFile
  } catch (error) {
    report.errors.push({
      stage: 'report',
      message: redact(
        `Could not write the JSON report to "${settings.reportFile}": ${messageOf(error)}`
      )
    })
    report.result = buildResult(report)
  }

  for (const [name, value] of Object.entries(outputsOf(report, redact, reportFile))) {
    core.setOutput(name, value)
  }

  if (settings.jobSummary) {
    try {
      await core.summary.addRaw(renderSummary(report, { redact, context }), true).write()
    } catch (error) {
      log.warning(`Could not write the job summary: ${messageOf(error)}`)
    }
  }

  if (settings.annotations) {
    // The step's own failure message (core.setFailed) or soft-fail warning takes one more.
    const limits = { error: ANNOTATION_LIMIT - 1, warning: ANNOTATION_LIMIT - 1 }
    for (const { level, title, message } of planAnnotations(report, redact, limits)) {
      core[level](message, { title })
    }
  }

  // Last, and best effort: a comment that cannot be posted is a warning, never a verdict.
  if (settings.prComment !== undefined && settings.prComment !== 'off') {
    const { prComment, githubToken = '', commentTag = '' } = settings
    await publishComment(report, context, { prComment, githubToken, commentTag }, { redact, log })
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
