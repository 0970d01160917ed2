// Publishing: the one impure part of reporting. It writes the JSON report, the outputs, the job
// summary, the annotations and the PR comment from a report whose verdict is already decided. A
// part that cannot be written costs only itself, is shown in the parts that follow, and is returned
// so that the caller can act on it; the verdict is never changed here.

import * as core from '@actions/core'
import type { ReportConfig } from '../inputs/config.js'
import type { Logger } from '../lib/logger.js'
import type { Redactor } from '../lib/log-safety.js'
import { messageOf } from '../lib/text.js'
import { ANNOTATION_LIMIT, planAnnotations } from './annotations.js'
import { writeBaselineFile } from './json/write-baseline.js'
import { writeJsonReport } from './json/report.js'
import { withoutResources, type ReportContext, type ReportError, type RunReport } from './model.js'
import { outputsOf } from './outputs.js'
import { publishComment } from './pr-comment/post.js'
import { coverageSentence, gateColumns, gateLogLine } from './render/wording.js'
import { renderSummary } from './summary/summary.js'

export interface PublishDeps {
  redact: Redactor
  log: Logger
}

/** Where and what to publish; when the inputs could not be read, the defaults (no PR comment). */
export type PublishSettings = Pick<
  ReportConfig,
  'reportFile' | 'jobSummary' | 'annotations' | 'writePlaces'
> &
  Partial<Pick<ReportConfig, 'prComment' | 'githubToken' | 'commentTag' | 'baselineWrite'>>

/**
 * The JSON report and the compact baseline, each even when the other fails; returns the path of
 * the report when it was written ('' when not).
 */
async function writeFiles(
  report: RunReport,
  settings: PublishSettings,
  redact: Redactor,
  unwritten: (what: string, error: unknown) => void
): Promise<string> {
  let reportFile = ''
  try {
    await writeJsonReport(settings.reportFile, report, redact, settings.writePlaces)
    reportFile = settings.reportFile
  } catch (error) {
    unwritten(`Could not write the JSON report to "${settings.reportFile}" (report-file)`, error)
  }
  if (settings.baselineWrite) {
    try {
      await writeBaselineFile(settings.baselineWrite, report, redact, settings.writePlaces)
    } catch (error) {
      unwritten(
        `Could not write the baseline to "${settings.baselineWrite}" (baseline-write)`,
        error
      )
    }
  }
  return reportFile
}

/** Publishes every part, each even when another fails; returns what could not be written. */
export async function publishReport(
  report: RunReport,
  context: ReportContext,
  settings: PublishSettings,
  { redact, log }: PublishDeps
): Promise<ReportError[]> {
  const problems: ReportError[] = []
  const unwritten = (what: string, error: unknown): void => {
    problems.push({ stage: 'report', message: redact(`${what}: ${messageOf(error)}`) })
  }
  const reportFile = await writeFiles(report, settings, redact, unwritten)
  const { gate } = report.verdict
  if (gate) log.info(gateLogLine(gate, gateColumns(report.verdict.resources)))
  if (gate?.coverage) log.info(`Coverage: ${coverageSentence(gate.coverage)}`)
  // What follows needs no resource lists (up to hundreds of thousands), which every renderer
  // would copy.
  const slim = withoutResources(report)
  try {
    const withProblems: RunReport = { ...slim, errors: [...report.errors, ...problems] }
    for (const [name, value] of Object.entries(outputsOf(withProblems, redact, reportFile))) {
      core.setOutput(name, value)
    }
  } catch (error) {
    unwritten('Could not write the step outputs (GITHUB_OUTPUT)', error)
  }
  // The summary and annotations show what could not be written, beside the stages' errors.
  const shown: RunReport = { ...slim, errors: [...report.errors, ...problems] }

  if (settings.jobSummary) {
    try {
      await core.summary.addRaw(renderSummary(shown, { redact, context }), true).write()
    } catch (error) {
      log.warning(`Could not write the job summary: ${messageOf(error)}`)
    }
  }

  if (settings.annotations) {
    // The step's own failure message (core.setFailed) or soft-fail warning takes one more.
    const limits = { error: ANNOTATION_LIMIT - 1, warning: ANNOTATION_LIMIT - 1 }
    for (const { level, message, ...properties } of planAnnotations(shown, redact, limits)) {
      core[level](message, properties)
    }
  }

  // Last, and best effort: a comment that cannot be posted is a warning, never a verdict.
  if (settings.prComment !== undefined && settings.prComment !== 'off') {
    const { prComment, githubToken = '', commentTag = '' } = settings
    await publishComment(shown, context, { prComment, githubToken, commentTag }, { redact, log })
  }
  return problems
}
