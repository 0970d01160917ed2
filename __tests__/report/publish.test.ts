// publishReport through @actions/core's real file commands: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
// workflow commands on stdout, as the runner reads them.

import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ActionConfig } from '../../src/inputs/config.js'
import { parseInputs } from '../../src/inputs/parse.js'
import { createRedactor } from '../../src/lib/log-safety.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import { publishReport } from '../../src/report/publish.js'
import type { ReportError, RunReport } from '../../src/report/model.js'
import {
  API_KEY,
  completedSync,
  failingPolicies,
  passingPolicies,
  policy,
  policyOutcome,
  runReport,
  WORKFLOW_RUN_URL
} from '../__fixtures__/report.js'

const dir = await mkdtemp(join(tmpdir(), 'publish-'))
const outputFile = join(dir, 'output')
const summaryFile = join(dir, 'summary.md')
// core.summary remembers the summary path the first time it writes, so it is set once for all.
process.env.GITHUB_STEP_SUMMARY = summaryFile
process.env.GITHUB_OUTPUT = outputFile
const redact = createRedactor([API_KEY])

function config(inputs: Record<string, string> = {}): ActionConfig {
  const values: Record<string, string> = {
    'api-key': API_KEY,
    'platform-url': 'https://cloudquery.example.com',
    'sync-name': 'aws-prod',
    'report-file': join(dir, 'out', 'report.json'),
    ...inputs
  }
  return parseInputs((name) => values[name] ?? '', {})
}

interface Published {
  outputs: Record<string, string>
  summary: string
  stdout: string
  log: string[]
  /** What publishReport returned: the parts it could not write. */
  problems: ReportError[]
}

async function publish(report: RunReport, actionConfig?: ActionConfig): Promise<Published> {
  const written: string[] = []
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
  const log = createMemoryLogger()
  let problems: ReportError[] = []
  try {
    const settings = actionConfig?.report ?? {
      reportFile: join(dir, 'default-report.json'),
      jobSummary: true,
      annotations: true,
      writePlaces: [dir]
    }
    problems = await publishReport(report, { workflowRunUrl: WORKFLOW_RUN_URL }, settings, {
      redact,
      log
    })
  } finally {
    stdout.mockRestore()
  }
  const outputs: Record<string, string> = {}
  const text = await readFile(outputFile, 'utf8')
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1]] = match[3]
  }
  return {
    outputs,
    summary: await readFile(summaryFile, 'utf8'),
    stdout: written.join(''),
    problems,
    log: log.lines
  }
}

beforeEach(async () => {
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('publishReport', () => {
  it('writes the decided verdict to the report, outputs, summary and annotations', async () => {
    const actionConfig = config()
    const report = runReport({ syncs: [completedSync()], policies: failingPolicies() })
    const published = await publish(report, actionConfig)

    expect(published.problems).toEqual([])
    const file = actionConfig.report.reportFile
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ result: 'fail' })
    expect(published.outputs).toMatchObject({
      result: 'fail',
      'report-file': file,
      'critical-violations': '3'
    })
    expect(published.summary).toContain('## ❌ CloudQuery Platform: failed')
    expect(published.summary).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
    expect(published.stdout).toContain(
      '::error title=Too many critical violations::3 critical violations; at most 0 allowed (max-critical-violations)'
    )
  })

  it('leaves one error annotation for the step’s own failure message', async () => {
    const many = Array.from({ length: 30 }, (_, index) =>
      policy({ name: `P${index}`, severity: 'critical', violations: 1 })
    )
    const published = await publish(runReport({ policies: policyOutcome(many) }), config())
    expect(published.stdout.match(/^::error /gm)).toHaveLength(9)
  })

  it('a report file that cannot be written is returned and shown, and leaves the verdict alone', async () => {
    await writeFile(join(dir, 'a-file'), '')
    const report = runReport({ policies: passingPolicies() })
    const published = await publish(
      report,
      config({ 'report-file': join(dir, 'a-file', 'report.json') })
    )
    expect(published.problems).toEqual([
      { stage: 'report', message: expect.stringContaining('Could not write the JSON report to') }
    ])
    expect(report.errors).toEqual([])
    expect(report.verdict.result).toBe('pass')
    expect(published.outputs).toMatchObject({ result: 'pass', 'report-file': '' })
    expect(published.summary).toContain('- **Report:** Could not write the JSON report')
  })

  it('honours job-summary: false and annotations: false', async () => {
    const published = await publish(
      runReport({ policies: failingPolicies() }),
      config({ 'job-summary': 'false', annotations: 'false' })
    )
    expect(published.summary).toBe('')
    expect(published.stdout).not.toContain('::error')
    expect(published.outputs.result).toBe('fail')
  })

  it('without a configuration (bad inputs) still writes the summary, outputs and report file', async () => {
    const report = runReport({
      platformUrl: undefined,
      syncNames: [],
      thresholds: undefined,
      errors: [{ stage: 'inputs', message: 'Input "timeout" is bad.' }]
    })
    const published = await publish(report)
    expect(published.outputs).toMatchObject({
      result: 'fail',
      'report-file': join(dir, 'default-report.json')
    })
    expect(JSON.parse(await readFile(join(dir, 'default-report.json'), 'utf8'))).toMatchObject({
      result: 'fail'
    })
    expect(published.summary).toContain('**Why:** Inputs: Input "timeout" is bad.')
    expect(published.stdout).toContain('::error title=Inputs error::Input "timeout" is bad.')
  })

  it('never lets the key out', async () => {
    const leaky = `server said: ${API_KEY}`
    const report = runReport({
      policies: policyOutcome([policy({ name: leaky, severity: 'critical', violations: 1 })]),
      errors: [{ stage: 'policies', message: leaky }]
    })
    const actionConfig = config()
    const published = await publish(report, actionConfig)
    for (const text of [
      published.summary,
      published.stdout,
      JSON.stringify(published.outputs),
      await readFile(actionConfig.report.reportFile, 'utf8')
    ]) {
      expect(text.replace(/\\/g, '')).not.toContain(API_KEY)
    }
  })
})
