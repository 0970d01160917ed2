// The pull-request gate end to end, as docs/pr-gate.md sets it up, against the simulator's
// `pr-gate` scenario and a local fake of GitHub's API (its Actions artifacts and comments): the
// default branch's baseline workflow writes the baseline and uploads it as an artifact; the
// Platform's schedule starts a run of the shared staging sync; pull request 42's gate queues behind
// that run (`if-running: queue`), syncs its own deploy, finds the baseline artifact, judges only the
// staging account (`scope`) with an exceptions file, fails on the one violating resource the pull
// request added and counts the production one apart; a re-run of the job gives the same verdict.
// Shared by `npm run demo -- --scenario pr-gate` and `npm run screenshots`. Everything listens on
// 127.0.0.1: it works offline.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startActionsFake, zipOf } from '../__tests__/helpers/github-actions-fake.js'
import { preset } from '../simulator/presets.js'
import { startSimulator, type Simulator } from '../simulator/server.js'
import { ROOT, runAction, type ActionRunResult } from './action-runner.js'

const SYNC = 'aws-staging'
const ARTIFACT = 'cloudquery-baseline'
const EXCEPTIONS = '.github/cloudquery-exceptions.yml'
const EVENT = join(ROOT, '__tests__', '__fixtures__', 'pull-request-event.json')
const BASELINE_RUN = 7001
const PULL_REQUEST_RUN = 7002
const DAY = 86_400_000
/** How long the scheduled run lasts, and the action's own runs, at each pace. */
const PACES = {
  demo: { scheduledRunMs: 8_000, run: undefined },
  // Still long enough to be going when the gate looks, however late a busy machine starts it.
  quick: {
    scheduledRunMs: 5_000,
    run: { pendingMs: 50, startDelayMs: 50, durationMs: 300, ingestionDelayMs: 100 }
  }
} as const

/** The outputs a re-run must give again, for the same verdict on the same data and baseline. */
export const VERDICT_OUTPUTS = [
  'result',
  'critical-violations',
  'high-violations',
  'medium-violations',
  'new-violations',
  'out-of-scope-violations',
  'suppressed-violations',
  'counted-violations'
] as const

export interface StoryStep {
  title: string
  /** What happens in it, in a sentence. */
  about: string
}

export interface Story {
  baseline: ActionRunResult
  gate: ActionRunResult
  rerun: ActionRunResult
  /** The sticky comment on pull request 42, as the re-run left it. */
  comment: string
  /** The simulator's address, which every surface names as the Platform's. */
  platformUrl: string
}

export interface StoryOptions {
  /**
   * `quick`: the runs take a fraction of a second and the scheduled run a few seconds, for the
   * tests; the demo's pace (the default) lets a reader follow the runs in the log.
   */
  pace?: 'demo' | 'quick'
  /** Hears of each step before it runs. */
  onStep?: (step: StoryStep) => void
  /** Each chunk of the action's stdout, of every step. */
  onStdout?: (chunk: string) => void
  /** Hears of what happens between the steps. */
  onNote?: (note: string) => void
}

export async function runPrGateStory(options: StoryOptions = {}): Promise<Story> {
  const pace = PACES[options.pace ?? 'demo']
  const scenario = preset('pr-gate')
  const sim = await startSimulator(
    pace.run
      ? {
          ...scenario,
          run: { ...scenario.run, ...pace.run },
          evaluation: { delayAfterIngestMs: 100 }
        }
      : scenario
  )
  const github = await startActionsFake()
  const workspace = mkdtempSync(join(tmpdir(), 'cq-pr-gate-'))
  const run = (inputs: Record<string, string>, env: Record<string, string>) =>
    runAction({
      inputs: { 'platform-url': sim.url, 'api-key': sim.scenario.apiKey, ...inputs },
      env,
      cwd: workspace,
      onStdout: options.onStdout
    })
  try {
    writeExceptions(workspace)
    options.onStep?.({
      title: '1. Baseline workflow (default branch, nightly)',
      about: `Syncs ${SYNC} at the default branch's state, writes baseline.json and uploads it as the artifact "${ARTIFACT}".`
    })
    github.runs.push({ id: BASELINE_RUN, createdAt: isoAgo(10 * 60_000), event: 'schedule' })
    const baseline = await run(BASELINE_INPUTS, github.env(BASELINE_RUN))
    github.artifacts.push({
      id: 701,
      name: ARTIFACT,
      createdAt: isoAgo(60_000),
      runId: BASELINE_RUN,
      zip: zipOf({ 'baseline.json': readFileSync(join(workspace, 'baseline.json')) })
    })

    const scheduled = await startScheduledRun(sim, pace.scheduledRunMs)
    options.onNote?.(
      `The Platform's own schedule starts run ${scheduled} of ${SYNC}: it began before pull request 42's deploy, so its data cannot show that pull request's change.`
    )

    github.runs.push({
      id: PULL_REQUEST_RUN,
      createdAt: new Date().toISOString(),
      event: 'pull_request',
      headBranch: 'tighten-s3'
    })
    const gateEnv = { ...github.env(PULL_REQUEST_RUN), ...PULL_REQUEST_EVENT }
    options.onStep?.({
      title: '2. Policy gate of pull request 42',
      about: `Its deploy added an unencrypted bucket to staging; overnight, an IAM user without MFA appeared in production. The gate waits for the scheduled run, syncs its own, and judges the staging account against the baseline artifact.`
    })
    const gate = await run(GATE_INPUTS, gateEnv)
    options.onStep?.({
      title: "3. Re-run of the pull request's job",
      about: 'The same baseline artifact, the same data: the same verdict.'
    })
    const rerun = await run(GATE_INPUTS, { ...gateEnv, GITHUB_RUN_ATTEMPT: '2' })
    const comment = github.github.comments.at(-1)?.body ?? ''
    return { baseline, gate, rerun, comment, platformUrl: sim.url }
  } finally {
    await github.close()
    await sim.close()
    rmSync(workspace, { recursive: true, force: true })
  }
}

/**
 * The Platform's address as pictures show it (`npm run screenshots`): an example, never contacted.
 * The simulator's own address (127.0.0.1 and a port) means nothing to a reader.
 */
export const DISPLAY_URL = 'https://cloudquery.example.com'

/** `markdown` with the simulator's address shown as DISPLAY_URL; throws if any other remains. */
export function withDisplayUrl(markdown: string, platformUrl: string): string {
  const shown = markdown.replaceAll(platformUrl, DISPLAY_URL)
  if (/127\.0\.0\.1|localhost/.test(shown))
    throw new Error("the simulator's address is still shown")
  return shown
}

/** What differs between the gate and its re-run, among the outputs that say the verdict. */
export function verdictDifferences(gate: ActionRunResult, rerun: ActionRunResult): string[] {
  const differences = VERDICT_OUTPUTS.filter((name) => gate.outputs[name] !== rerun.outputs[name])
  const described = differences.map(
    (name) => `${name}: ${gate.outputs[name] ?? '(none)'} → ${rerun.outputs[name] ?? '(none)'}`
  )
  return gate.exitCode === rerun.exitCode
    ? described
    : [`exit code: ${gate.exitCode} → ${rerun.exitCode}`, ...described]
}

const BASELINE_INPUTS: Record<string, string> = {
  'sync-name': SYNC,
  'if-running': 'queue',
  'baseline-write': 'baseline.json',
  // The baseline job records, it does not gate.
  'max-critical-violations': '',
  'max-high-violations': ''
}

const GATE_INPUTS: Record<string, string> = {
  'sync-name': SYNC,
  'if-running': 'queue',
  scope: 'accounts: [staging]',
  'gate-on': 'new',
  'baseline-artifact': ARTIFACT,
  'exceptions-file': EXCEPTIONS,
  'max-critical-violations': '0',
  'max-high-violations': '0',
  'max-medium-violations': '0',
  'pr-comment': 'on-failure',
  'github-token': 'ghs_demoToken'
}

const PULL_REQUEST_EVENT = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: EVENT,
  GITHUB_RUN_ATTEMPT: '1'
}

/** The repository's exceptions file: one accepted finding, with its reason, owner and expiry. */
function writeExceptions(workspace: string): void {
  const expires = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10)
  mkdirSync(join(workspace, '.github'), { recursive: true })
  writeFileSync(
    join(workspace, EXCEPTIONS),
    [
      'exceptions:',
      '  - policy: Unattached EBS volumes',
      '    resources: [vol-restore-drill]',
      '    accounts: [staging]',
      '    reason: Kept for the quarterly restore drill',
      '    owner: "@acme/platform"',
      `    expires: ${expires}`,
      ''
    ].join('\n')
  )
}

/**
 * A run of the sync started by someone else than the action: the Platform's schedule. A longer one
 * than the action's own, so that it is still going when the gate looks, even on a busy machine.
 */
async function startScheduledRun(sim: Simulator, durationMs: number): Promise<string> {
  const own = { ...sim.scenario.run }
  sim.setScenario({ run: { durationMs } })
  const response = await fetch(`${sim.url}/api/syncs/${SYNC}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.scenario.apiKey}` }
  }).finally(() => sim.setScenario({ run: own }))
  const run = (await response.json()) as { id?: string }
  if (!response.ok || !run.id)
    throw new Error(`the scheduled run did not start (${response.status})`)
  return run.id
}

function isoAgo(ms: number): string {
  return new Date(Date.now() - ms).toISOString()
}
