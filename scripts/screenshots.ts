// `npm run screenshots`: the README's pictures, from the real thing. Runs the built action against
// the simulator's demo scenario (as `npm run demo` does) with a sticky PR comment posted to a local
// fake of GitHub's API, renders the job summary and the comment as GitHub would (scripts/
// screenshots/page.ts), and photographs each page with headless Chromium into docs/. Nothing
// leaves 127.0.0.1: the pages are local files, and Chromium resolves no host name.
//
//   apt-get install -y chromium   # Debian's package; or set CHROMIUM to another binary
//   npm run screenshots

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubFake } from '../__tests__/helpers/github-fake.js'
import { preset } from '../simulator/presets.js'
import { startSimulator } from '../simulator/server.js'
import { ROOT, runAction } from './action-runner.js'
import { demoInputs } from './demo-inputs.js'
import { githubPage } from './screenshots/page.js'

const CHROMIUM = process.env.CHROMIUM ?? 'chromium'
const WIDTH = 912
const EVENT = join(ROOT, '__tests__', '__fixtures__', 'pull-request-event.json')

/** The demo's job summary and PR comment, as the action wrote them. */
async function demoOutput(): Promise<{ summary: string; comment: string }> {
  const sim = await startSimulator(preset('demo'))
  const github = await startGitHubFake()
  try {
    const result = await runAction({
      inputs: { ...demoInputs(sim), 'pr-comment': 'always', 'github-token': 'ghs_screenshots' },
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: EVENT,
        GITHUB_REPOSITORY: 'octo-org/infra',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242'
      }
    })
    const comment = github.comments[0]?.body
    if (result.summary === '' || comment === undefined) {
      throw new Error(`the demo wrote no summary or no comment (exit code ${result.exitCode})`)
    }
    return { summary: result.summary, comment }
  } finally {
    await github.close()
    await sim.close()
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

const { summary, comment } = await demoOutput()
photograph('job-summary', 'Job summary · CloudQuery Platform gate', summary)
photograph('pr-comment', 'github-actions bot commented', comment)
