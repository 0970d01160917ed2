// The external-sync stage's requests, and the simulator's answers to them (every status, a 404
// while the CLI run has not appeared, an older one asked for by id), against the published spec.

import { beforeAll, expect, it } from '@jest/globals'
import { createMemoryLogger } from '../../src/lib/logger.js'
import { followExternalSync } from '../../src/sync/external.js'
import { contractViolations, loadSpec, type ContractSpec } from '../../simulator/contract.js'
import { externalObserver } from '../helpers/observers.js'
import { withSimulator, redactKey } from '../helpers/platform.js'
import { contractSpec } from '../helpers/spec.js'

const { specPath, describeContract } = contractSpec('external-sync contract tests')
const INVOCATION = '4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69'
const OLD_ID = '0d4b3c1e-2f6a-4b7c-8d9e-0f1a2b3c4d5e'

describeContract('following external syncs against the Platform OpenAPI spec', () => {
  let spec: ContractSpec
  beforeAll(() => {
    spec = loadSpec(specPath as string)
  })

  it('sends and receives only what the spec defines', async () => {
    const scenario = {
      olderExternalSyncs: 120,
      externalSyncs: [
        { invocationId: INVOCATION, appearAfterMs: 5_000, startedMs: 40_000, finalizingMs: 3_000 },
        { invocationId: OLD_ID, id: OLD_ID, ageMs: 2_000 * 3_600_000 },
        {
          invocationId: '11111111-2222-4333-8444-555555555555',
          finalStatus: 'failed' as const,
          appearAfterMs: 1_000
        }
      ]
    }
    await withSimulator(scenario, async (sim, client, clock) => {
      const deps = { client, clock, log: createMemoryLogger(), redact: redactKey }
      const config = { timeoutMs: 600_000, pollIntervalMs: 15_000 }
      expect(
        (await followExternalSync({ ...config, id: INVOCATION }, deps, externalObserver())).verdict
      ).toBe('pass')
      expect(
        (await followExternalSync({ ...config, id: OLD_ID }, deps, externalObserver())).verdict
      ).toBe('pass')
      const statuses = new Set(sim.requests.map((r) => r.status))
      expect([...statuses].sort()).toEqual([200, 404])
      expect(contractViolations(spec, sim.requests)).toEqual([])
    })
  })
})
