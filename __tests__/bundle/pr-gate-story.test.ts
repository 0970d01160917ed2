// `npm run demo -- --scenario pr-gate` and `npm run screenshots` play one story through the built
// bundle (scripts/pr-gate-story.ts): a baseline written by a first run and uploaded as an artifact,
// a scheduled run the gate queues behind, a pull request that adds one violating resource in scope
// while another appears outside it, an exception with its reason, owner and expiry, and a re-run
// with the same verdict. The pictures show what these surfaces hold, under a neutral Platform URL.

import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  DISPLAY_URL,
  runPrGateStory,
  verdictDifferences,
  withDisplayUrl,
  type Story
} from '../../scripts/pr-gate-story.js'
import { assertBundleExists } from '../helpers/bundle.js'

let story: Story

beforeAll(async () => {
  assertBundleExists()
  story = await runPrGateStory({ pace: 'quick' })
}, 90_000)

describe('the pull-request gate story', () => {
  it('writes the baseline on the default branch without gating', () => {
    expect(story.baseline.exitCode).toBe(0)
    expect(story.baseline.stdout).toContain('Started run')
  })

  it('queues behind the scheduled run, then fails on the one new resource in scope', () => {
    const { gate } = story
    expect(gate.stdout).toMatch(/already has an active run .*if-running: queue/)
    expect(gate.exitCode).toBe(1)
    expect(gate.outputs).toMatchObject({
      result: 'fail',
      'new-violations': '1',
      'out-of-scope-violations': '2',
      'suppressed-violations': '1',
      'counted-violations': '1'
    })
    // The new-resources table says whose it is; the exception its reason, owner and expiry.
    expect(gate.summary).toContain('pr-42-uploads \\(staging, eu-west-1\\)')
    expect(gate.summary).toMatch(
      /\| Unattached EBS volumes \| 1 \| line 2 \| Kept for the quarterly restore drill \| <code>@acme\/platform<\/code> \| \d{4}-\d{2}-\d{2} \|/
    )
    expect(gate.summary).toContain(
      '**Scope:** accounts <code>staging</code> — 2 violations outside it'
    )
    expect(gate.summary).toContain('Baseline artifact <code>cloudquery-baseline</code>')
  })

  it('gives the same verdict on a re-run, and leaves its sticky comment', () => {
    expect(verdictDifferences(story.gate, story.rerun)).toEqual([])
    expect(story.rerun.exitCode).toBe(1)
    expect(story.comment).toContain('pr-42-uploads \\(staging, eu-west-1\\)')
  })

  it("shows a neutral Platform URL, not the simulator's", () => {
    expect(story.gate.summary).toContain(story.platformUrl)
    const shown = withDisplayUrl(story.gate.summary, story.platformUrl)
    expect(shown).toContain(`Platform <code>${DISPLAY_URL}/api</code>`)
    expect(shown).not.toMatch(/127\.0\.0\.1/)
    expect(() => withDisplayUrl('at http://127.0.0.1:9/api', story.platformUrl)).toThrow(
      /still shown/
    )
  })
})
