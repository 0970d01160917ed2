// findBaselineArtifact with the real GitHub client pointed at the local fake of the REST API: the
// cases the bundle tests leave to it (an artifact gone since the listing, an archive that is not a
// baseline, no workflow run to judge from).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { findBaselineArtifact, type BaselineDeps } from '../../src/baseline/stage.js'
import { createOctokit, loadGitHub } from '../../src/lib/github-client.js'
import { createMemoryLogger } from '../../src/lib/logger.js'
import { startActionsFake, zipOf, type ActionsFake } from '../helpers/github-actions-fake.js'

const TOKEN = 'ghs_unitArtifactToken_0123456789'
const NOW = Date.parse('2026-11-27T12:00:00Z')
const at = (hoursAgo: number): string => new Date(NOW - hoursAgo * 3_600_000).toISOString()
const EVERYTHING = { groups: [], policies: [], severities: [], domains: [] }
const BASELINE = JSON.stringify({
  baseline: {
    format: 'cloudquery-platform-baseline',
    version: 1,
    createdAt: at(3),
    selection: EVERYTHING,
    policies: [{ id: 'p1', name: 'Public S3 buckets', resources: ['aws_s3_buckets_a'] }]
  }
})

let github: ActionsFake
let deps: BaselineDeps & { log: ReturnType<typeof createMemoryLogger> }

const request = (runId?: string) => ({
  name: 'cloudquery-baseline',
  selection: EVERYTHING,
  repository: 'octo-org/infra',
  runId,
  docs: 'docs/pr-gate.md'
})

beforeAll(async () => {
  github = await startActionsFake()
})

afterAll(async () => {
  await github.close()
})

beforeEach(async () => {
  github.github.reset()
  github.storageRequests.length = 0
  github.runs.splice(0, Infinity, { id: 9000, createdAt: at(0), event: 'pull_request' })
  github.artifacts.length = 0
  for (const [id, hours] of [
    [1, 5],
    [2, 2]
  ]) {
    github.runs.push({ id: id * 10, createdAt: at(hours + 1) })
    github.artifacts.push({
      id,
      createdAt: at(hours),
      runId: id * 10,
      zip: zipOf({ 'b.json': BASELINE })
    })
  }
  const octokit = createOctokit(await loadGitHub(), TOKEN, github.github.apiUrl, () => undefined)
  deps = { octokit, log: createMemoryLogger(), redact: (text) => text, now: () => NOW }
})

describe('findBaselineArtifact', () => {
  it('passes over an artifact deleted since the listing, for the next newest', async () => {
    github.artifacts[1].gone = true
    const result = await findBaselineArtifact(request('9000'), deps)
    expect('baseline' in result && result.baseline.artifact?.id).toBe(1)
    expect('baseline' in result && [...result.baseline.policies.keys()]).toEqual(['p1'])
    expect(deps.log.lines).toContain(
      'Baseline: passed over artifact "cloudquery-baseline" (id 2): it expired or was deleted since it was listed.'
    )
  })

  it('says which artifact is not a baseline, and stops there rather than take an older one', async () => {
    github.artifacts[1].zip = zipOf({ 'b.json': '{"baseline": {"format": "other"}}' })
    const result = await findBaselineArtifact(request('9000'), deps)
    expect(result).toEqual({
      problem: {
        kind: 'not-a-baseline',
        message: expect.stringMatching(
          /^Input "baseline-artifact": artifact "cloudquery-baseline" \(id 2\) of run 20 is not a baseline: it has "format": "other"/
        ) as unknown as string
      }
    })
    expect(github.storageRequests.map((r) => r.path)).toEqual(['/blobs/2?sig=signed-2'])
  })

  it('outside a workflow run, says what is missing without a request', async () => {
    const result = await findBaselineArtifact(request(), deps)
    expect(result).toEqual({
      problem: {
        kind: 'unavailable',
        message:
          'Input "baseline-artifact": it works in a GitHub Actions workflow run only: GITHUB_REPOSITORY and GITHUB_RUN_ID, which the runner sets, are missing.'
      }
    })
    expect(github.github.requests).toHaveLength(0)
  })
})
