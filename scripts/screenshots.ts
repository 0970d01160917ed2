// `npm run screenshots`: the README's pictures, from the real thing. Plays the pull-request gate's
// story against the simulator (scripts/pr-gate-story.ts, as `npm run demo -- --scenario pr-gate`
// does: a baseline artifact, a gate scoped to staging with an exceptions file, its sticky comment
// posted to a local fake of GitHub's API), renders the gate's job summary and comment as GitHub
// would (scripts/screenshots/page.ts), and photographs each page with headless Chromium into
// docs/. The simulator's address is shown as a neutral Platform URL (DISPLAY_URL), to which nothing
// is ever sent. Nothing leaves 127.0.0.1: the pages are local files, and Chromium resolves no host.
//
//   apt-get install -y chromium fonts-noto-color-emoji   # or set CHROMIUM to another binary
//   npm run screenshots

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './action-runner.js'
import { runPrGateStory, verdictDifferences, withDisplayUrl } from './pr-gate-story.js'
import { githubPage } from './screenshots/page.js'

const CHROMIUM = process.env.CHROMIUM ?? 'chromium'
const WIDTH = 912

/** The gate's job summary and PR comment, as the action wrote them, with the display URL. */
async function gateOutput(): Promise<{ summary: string; comment: string }> {
  const story = await runPrGateStory()
  const differences = verdictDifferences(story.gate, story.rerun)
  if (differences.length > 0)
    throw new Error(`the re-run's verdict differs: ${differences.join('; ')}`)
  if (story.gate.summary === '' || story.comment === '') {
    throw new Error(`the gate wrote no summary or no comment (exit code ${story.gate.exitCode})`)
  }
  return {
    summary: withDisplayUrl(story.gate.summary, story.platformUrl),
    comment: withDisplayUrl(story.comment, story.platformUrl)
  }
}

/** Headless Chromium, kept off the network: no host resolves, nothing runs in the background. */
function chromium(profile: string, args: string[]): string {
  return execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${profile}`,
      ...args
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }
  )
}

/** The page's height, measured by Chromium itself, so the picture holds all of it. */
function pageHeight(profile: string, page: string): number {
  const measuring = page.replace(
    '</body>',
    '<script>document.body.dataset.height = String(document.documentElement.scrollHeight)</script></body>'
  )
  const file = join(profile, 'measure.html')
  writeFileSync(file, measuring)
  const dom = chromium(profile, [`--window-size=${WIDTH},800`, '--dump-dom', `file://${file}`])
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1])
  if (!Number.isFinite(height) || height <= 0) throw new Error('could not measure the page')
  return height
}

function photograph(name: string, title: string, markdown: string): void {
  const profile = mkdtempSync(join(tmpdir(), 'cq-screenshots-'))
  try {
    const page = githubPage(title, markdown)
    const height = pageHeight(profile, page)
    const file = join(profile, `${name}.html`)
    writeFileSync(file, page)
    const out = join(ROOT, 'docs', `${name}.png`)
    chromium(profile, [`--window-size=${WIDTH},${height}`, `--screenshot=${out}`, `file://${file}`])
    console.log(`docs/${name}.png (${WIDTH}×${height})`)
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

const { summary, comment } = await gateOutput()
photograph('job-summary', 'Job summary · CloudQuery Platform gate', summary)
photograph('pr-comment', 'github-actions bot commented', comment)
