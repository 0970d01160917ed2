// The summary tests' shared rendering and table checks, so each test file asserts the same way.

import { expect } from '@jest/globals'
import { createRedactor } from '../../../src/lib/log-safety.js'
import type { RunReport } from '../../../src/report/model.js'
import { renderSummary } from '../../../src/report/summary/summary.js'
import { API_KEY, WORKFLOW_RUN_URL } from '../../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
export const render = (report: RunReport): string =>
  renderSummary(report, { redact, context: { workflowRunUrl: WORKFLOW_RUN_URL } })

/** Each table: its lines, so tests can check that the structure holds. */
function tablesOf(markdown: string): string[][] {
  const tables: string[][] = []
  let current: string[] = []
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) current.push(line)
    else if (current.length > 0) {
      tables.push(current)
      current = []
    }
  }
  if (current.length > 0) tables.push(current)
  return tables
}

const structuralPipes = (line: string): number => line.match(/(?<!\\)(?:\\\\)*\|/g)?.length ?? 0

export function expectValidTables(markdown: string): void {
  for (const lines of tablesOf(markdown)) {
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[1]).toMatch(/^\|( :?---:? \|)+$/)
    const width = structuralPipes(lines[0])
    for (const line of lines) expect(structuralPipes(line)).toBe(width)
  }
}

/** The text GitHub could turn into links or mentions: everything but what is inside `<code>`. */
export function outsideCode(markdown: string): string {
  return markdown.replace(/<code>.*?<\/code>/g, '')
}

export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading)
  expect(start).toBeGreaterThanOrEqual(0)
  const next = markdown.indexOf('\n### ', start + heading.length)
  return markdown.slice(start, next === -1 ? undefined : next)
}
