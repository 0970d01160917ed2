// What is wrong with a job summary that holds hostile text, as GitHub would render it: the checks
// the hostile bundle tests run on every summary.

/** Tags the summary writes itself; any other tag is HTML that came from somewhere else. */
const SUMMARY_TAGS = new Set(['code', 'details', 'summary', 'sub', 'sup', 'br', 'b', 'strong', 'p'])

/**
 * What is wrong with a job summary holding hostile text: raw HTML beyond the action's own tags,
 * links or images other than `allowedLinks`, bare URLs GitHub would link, `@mentions`, and tables
 * whose rows do not have as many cells as their header.
 */
export function summaryProblems(summary: string, allowedLinks: readonly string[] = []): string[] {
  const problems: string[] = []
  for (const match of summary.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) {
    if (!SUMMARY_TAGS.has(match[1].toLowerCase())) problems.push(`raw HTML: ${match[0]}`)
  }
  if (/javascript:/i.test(summary)) problems.push('a javascript: URL')
  let rest = summary
  for (const match of summary.matchAll(/(?<!\\)!?(?<!\\)\[[^\]\n]*(?<!\\)\]\(([^)\s]*)\)/g)) {
    if (match[0].startsWith('!')) problems.push(`an image: ${match[0]}`)
    else if (!allowedLinks.includes(match[1])) problems.push(`a link: ${match[0]}`)
    rest = rest.replace(match[0], '')
  }
  // GitHub links and mentions nothing inside <code>.
  const outsideCode = (text: string): string => text.replace(/<code>.*?<\/code>/g, '')
  for (const match of outsideCode(rest).matchAll(/\bhttps?:\/\/\S+|\bwww\.\S+/gi)) {
    problems.push(`a bare URL GitHub would link: ${match[0]}`)
  }
  for (const match of outsideCode(summary).matchAll(/(?<![\w`])@[\w-]+/g)) {
    problems.push(`a mention: ${match[0]}`)
  }
  for (const match of summary.matchAll(/[\u200b-\u200f\u2060\ufeff]/g)) {
    problems.push(`an invisible character U+${match[0].charCodeAt(0).toString(16)}`)
  }
  problems.push(...tableProblems(summary))
  return problems
}

function cellCount(row: string): number {
  // Leading and trailing pipes delimit the row; escaped pipes are text.
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/).length
}

function tableProblems(markdown: string): string[] {
  const problems: string[] = []
  let header: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.trim().startsWith('|')) {
      header = undefined
      continue
    }
    const cells = cellCount(line)
    if (header === undefined) header = cells
    else if (cells !== header) {
      problems.push(`a table row with ${cells} cells under a header of ${header}: ${line}`)
    }
  }
  return problems
}
