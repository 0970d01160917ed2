// The sticky pull-request comment, end to end: the bundled action (dist/index.js, or the build in
// $ACTION_BUNDLE) spawned as the runner spawns it, against the Platform simulator and a local fake
// of GitHub's REST API (GITHUB_API_URL, served under a GHES-style `/api/v3`). Everything stays on
// 127.0.0.1.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUNDLE, ROOT, runAction, type ActionRunResult } from '../../scripts/action-runner.js'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { BOT_LOGIN, startGitHubFake, type GitHubFake } from '../helpers/github-fake.js'

const TOKEN = 'ghs_bundleCommentToken_0123456789'
const EVENT = join(ROOT, '__tests__', '__fixtures__', 'pull-request-event.json')
const PR = 42
const WORKFLOW_RUN_URL = 'https://github.com/octo-org/infra/actions/runs/4242'
const LIST = /^\/repos\/octo-org\/infra\/issues\/42\/comments$/
const UPDATE = /^\/repos\/octo-org\/infra\/issues\/comments\/\d+$/
/** Thresholds the simulator's generated policies (5 critical violations among them) pass or fail. */
const PASS = { 'max-critical-violations': '', 'max-high-violations': '' }
const FAIL = { 'max-violations': '0' }
/**
 * The verdict each gives when the comment is posted or off (the pull_request_target and
 * `pr-comment: off` cases below pin it), which a failure to comment must leave as it is.
 */
const PASSED = { exitCode: 0, result: 'pass' }
const FAILED = { exitCode: 1, result: 'fail' }
const TIMEOUT = 60_000

/** A quick run, and the generated policies evaluated soon after it. */
const SCENARIO = {
  run: { pendingMs: 50, startDelayMs: 50, durationMs: 300, ingestionDelayMs: 50 },
  evaluation: { delayAfterIngestMs: 50 }
}

let dir: string

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`No bundle at ${BUNDLE}: build it first.`)
  dir = mkdtempSync(join(tmpdir(), 'pr-comment-'))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Run {
  inputs?: Record<string, string>
  env?: Record<string, string>
}

/** A Platform simulator and a GitHub fake of a test's own, and the action run against them. */
interface Setting {
  sim: Simulator
  github: GitHubFake
  /** A policies-only gate (unless `sync-name` is given) with `pr-comment: always` on pull #42. */
  run: (options?: Run) => Promise<ActionRunResult>
  /** Neither the token nor the key shows up in what the action wrote or commented. */
  expectNoSecrets: (result: ActionRunResult) => void
}

/**
 * Runs `body` with a setting of its own, so that the tests (each mostly waiting for the action) run
 * side by side without seeing each other's comments or runs.
 */
async function withSetting(body: (setting: Setting) => Promise<void>): Promise<void> {
  const sim = await startSimulator(SCENARIO)
  const github = await startGitHubFake()
  const run = ({ inputs = {}, env = {} }: Run = {}): Promise<ActionRunResult> =>
    runAction({
      inputs: {
        'platform-url': sim.url,
        'api-key': sim.scenario.apiKey,
        'policy-evaluation': 'latest',
        'pr-comment': 'always',
        'github-token': TOKEN,
        ...inputs
      },
      env: {
        GITHUB_API_URL: github.apiUrl,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: EVENT,
        GITHUB_REPOSITORY: 'octo-org/infra',
        RUNNER_DEBUG: '1',
        ...env
      }
    })
  const expectNoSecrets = (result: ActionRunResult): void => {
    const masked = result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const text of [masked, result.stderr, result.summary, result.report]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(sim.scenario.apiKey)
    }
    for (const comment of github.comments) {
      expect(comment.body).not.toContain(TOKEN)
      expect(comment.body).not.toContain(sim.scenario.apiKey)
    }
  }
  try {
    await body({ sim, github, run, expectNoSecrets })
  } finally {
    await github.close()
    await sim.close()
  }
}

const warnings = (result: ActionRunResult): string[] =>
  result.stdout.split('\n').filter((line) => line.startsWith('::warning'))

const commentWarnings = (result: ActionRunResult): string[] =>
  warnings(result).filter((line) => line.includes('pull-request comment'))

const verdictOf = (result: ActionRunResult) => ({
  exitCode: result.exitCode,
  result: result.outputs.result
})

// One describe block: Jest runs `it.concurrent` cases together only within one (the
// blocks of a file run one after another), and these mostly wait on real time.
describe('pr-comment', () => {
  it.concurrent(
    'always: creates the comment on the first run and updates that same comment on the next',
    () =>
      withSetting(async ({ github, run, expectNoSecrets }) => {
        // Four comments by people before the first run, so that with two per page the action's
        // comment is on page 3 of the second run's listing, next to a reviewer quoting it.
        for (let i = 1; i <= 4; i++) github.seed(PR, `Comment ${i}`)
        const first = await run({ inputs: { 'sync-name': 'aws-prod', ...FAIL } })
        expect(first.exitCode).toBe(1)
        expect(first.outputs.result).toBe('fail')
        expect(github.requestsTo('GET', LIST)).toHaveLength(1)
        const [create] = github.requestsTo('POST', LIST)
        expect(create.status).toBe(201)
        expect(create.headers.authorization).toBe(`token ${TOKEN}`)
        const own = github.commentsOn(PR).filter((c) => c.user.login === BOT_LOGIN)
        expect(own).toHaveLength(1)
        const body = own[0].body
        expect(body.split('\n')[0]).toBe('<!-- cloudquery-platform-action:aws-prod: -->')
        expect(body).toContain('## ❌ CloudQuery Platform: failed')
        expect(body).toMatch(
          /\*\*Sync <code>aws-prod<\/code>\*\* · \*\*Status:\*\* ✅ <code>completed<\/code>/
        )
        expect(body).toContain('| Severity | Violations | Allowed | Status |')
        expect(body).toContain('#### Violating policies (5)')
        expect(body).toContain(`[this workflow run](${WORKFLOW_RUN_URL})`)
        expect(first.stdout).toContain(
          `Commented on pull request #42: https://github.example.com/octo-org/infra/pull/42#issuecomment-${own[0].id}`
        )

        github.seed(PR, `> ${body.split('\n')[0]}\n> Why did this fail?`)
        github.pageSize = 2
        const second = await run({ inputs: { 'sync-name': 'aws-prod', ...FAIL } })
        expect(second.exitCode).toBe(1)
        const listings = github.requestsTo('GET', LIST)
        expect(listings.map((r) => r.query.page ?? '1')).toEqual(['1', '1', '2', '3'])
        expect(github.requestsTo('POST', LIST)).toHaveLength(1)
        const [update] = github.requestsTo('PATCH', UPDATE)
        expect(update.path).toBe(`/repos/octo-org/infra/issues/comments/${own[0].id}`)
        expect(update.status).toBe(200)
        expect(github.commentsOn(PR).filter((c) => c.user.login === BOT_LOGIN)).toHaveLength(1)
        expect(second.stdout).toContain('Updated the comment on pull request #42')
        expect(commentWarnings(first)).toEqual([])
        expect(commentWarnings(second)).toEqual([])
        expectNoSecrets(first)
        expectNoSecrets(second)
      }),
    TIMEOUT
  )

  it.concurrent(
    'always: keeps a separate comment for each comment-tag',
    () =>
      withSetting(async ({ github, run }) => {
        await run({ inputs: FAIL })
        await run({ inputs: { ...FAIL, 'comment-tag': 'staging' } })
        const comments = github.commentsOn(PR)
        expect(comments.map((c) => c.body.split('\n')[0])).toEqual([
          '<!-- cloudquery-platform-action:policies: -->',
          '<!-- cloudquery-platform-action:policies:staging -->'
        ])
        await run({ inputs: { ...PASS, 'comment-tag': 'staging' } })
        expect(github.commentsOn(PR)).toHaveLength(2)
        const [patch] = github.requestsTo('PATCH', UPDATE)
        expect(patch.path).toBe(`/repos/octo-org/infra/issues/comments/${comments[1].id}`)
        expect(github.commentsOn(PR)[0].body).toContain('## ❌ CloudQuery Platform: failed')
        expect(github.commentsOn(PR)[1].body).toContain('## ✅ CloudQuery Platform: passed')
      }),
    TIMEOUT
  )

  it.concurrent(
    'always: comments on pull_request_target too',
    () =>
      withSetting(async ({ github, run }) => {
        const result = await run({
          inputs: PASS,
          env: { GITHUB_EVENT_NAME: 'pull_request_target' }
        })
        expect(verdictOf(result)).toEqual(PASSED)
        expect(github.commentsOn(PR)).toHaveLength(1)
        expect(github.commentsOn(PR)[0].body).toContain('## ✅ CloudQuery Platform: passed')
      }),
    TIMEOUT
  )

  it.concurrent(
    'failures to comment never change the verdict: a 403 (a read-only token) is a warning that explains the permission; the exit code is unchanged',
    () =>
      withSetting(async ({ github, run, expectNoSecrets }) => {
        for (const [thresholds, verdict] of [
          [PASS, PASSED],
          [FAIL, FAILED]
        ] as const) {
          github.reset()
          github.failure = { status: 403 }
          const refused = await run({ inputs: thresholds })
          expect(github.requests.length).toBeGreaterThan(0)
          expect(verdictOf(refused)).toEqual(verdict)
          const [warning] = commentWarnings(refused)
          expect(warning).toContain(
            'GitHub refused it (403: Resource not accessible by integration'
          )
          expect(warning).toContain('`pull-requests: write`')
          expect(warning).toContain('forks get a read-only token')
          expect(warning).toContain("The gate's verdict is not affected.")
          expectNoSecrets(refused)
        }
      }),
    TIMEOUT
  )

  it.concurrent(
    'failures to comment never change the verdict: names the fork when the pull request comes from one',
    () =>
      withSetting(async ({ github, run }) => {
        const event = JSON.parse(readFileSync(EVENT, 'utf8')) as {
          pull_request: { head: { repo: { full_name: string; fork: boolean } } }
        }
        event.pull_request.head.repo = { full_name: 'someone/infra', fork: true }
        const forkEvent = join(dir, 'fork-event.json')
        writeFileSync(forkEvent, JSON.stringify(event))
        github.failure = { status: 403, methods: ['POST', 'PATCH'] }
        const result = await run({ inputs: PASS, env: { GITHUB_EVENT_PATH: forkEvent } })
        expect(result.exitCode).toBe(0)
        expect(commentWarnings(result)[0]).toContain('This pull request comes from a fork')
      }),
    TIMEOUT
  )

  it.concurrent(
    'failures to comment never change the verdict: a 404 and an unreachable API are warnings too',
    () =>
      withSetting(async ({ github, run }) => {
        github.failure = { status: 404 }
        const notFound = await run({ inputs: FAIL })
        expect(notFound.exitCode).toBe(1)
        expect(commentWarnings(notFound)[0]).toContain('GitHub answered 404')

        const closed = createServer()
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
        const { port } = closed.address() as AddressInfo
        await new Promise((resolve) => closed.close(resolve))
        const unreachable = await run({
          inputs: PASS,
          env: { GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3` }
        })
        expect(unreachable.exitCode).toBe(0)
        expect(commentWarnings(unreachable)[0]).toContain(
          `no answer from the GitHub API at http://127.0.0.1:${port}/api/v3`
        )
      }),
    TIMEOUT
  )

  it.concurrent(
    'when it does nothing: on a push event it sends nothing and says why at debug level',
    () =>
      withSetting(async ({ github, run }) => {
        const result = await run({ inputs: FAIL, env: { GITHUB_EVENT_NAME: 'push' } })
        expect(result.exitCode).toBe(1)
        expect(github.requests).toHaveLength(0)
        expect(result.stdout).toContain(
          '::debug::Pull-request comment: nothing posted, because the workflow was triggered by "push", not by pull_request or pull_request_target.'
        )
        expect(commentWarnings(result)).toEqual([])
      }),
    TIMEOUT
  )

  it.concurrent(
    'when it does nothing: pr-comment: off sends nothing even on a pull request',
    () =>
      withSetting(async ({ github, run }) => {
        const result = await run({ inputs: { ...FAIL, 'pr-comment': 'off' } })
        expect(github.requests).toHaveLength(0)
        expect(verdictOf(result)).toEqual(FAILED)
      }),
    TIMEOUT
  )

  it.concurrent(
    'on-failure: a passing gate with no earlier comment creates nothing',
    () =>
      withSetting(async ({ github, run }) => {
        const result = await run({ inputs: { ...PASS, 'pr-comment': 'on-failure' } })
        expect(result.exitCode).toBe(0)
        expect(github.requestsTo('GET', LIST)).toHaveLength(1)
        expect(github.requestsTo('POST', LIST)).toHaveLength(0)
        expect(github.comments).toHaveLength(0)
        expect(result.stdout).toContain(
          '::debug::Pull-request comment: nothing posted, because the gate passed, "pr-comment" is "on-failure", and there is no earlier comment.'
        )
      }),
    TIMEOUT
  )

  it.concurrent(
    'on-failure: a failing gate comments; a later pass updates that comment instead of leaving it stale',
    () =>
      withSetting(async ({ github, run }) => {
        const failing = await run({ inputs: { ...FAIL, 'pr-comment': 'on-failure' } })
        expect(failing.exitCode).toBe(1)
        const [comment] = github.commentsOn(PR)
        expect(comment.body).toContain('## ❌ CloudQuery Platform: failed')

        const passing = await run({ inputs: { ...PASS, 'pr-comment': 'on-failure' } })
        expect(passing.exitCode).toBe(0)
        expect(github.commentsOn(PR)).toHaveLength(1)
        const [patch] = github.requestsTo('PATCH', UPDATE)
        expect(patch.path).toBe(`/repos/octo-org/infra/issues/comments/${comment.id}`)
        const updated = github.commentsOn(PR)[0].body
        expect(updated).toContain('## ✅ CloudQuery Platform: passed')
        expect(updated).toContain(
          'An earlier run of this gate on this pull request failed; this run passes.'
        )
        expect(updated).not.toContain('❌ CloudQuery Platform: failed')
      }),
    TIMEOUT
  )
})
