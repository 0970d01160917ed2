// The simulator's hostile options, used by the bundle tests: a server that quotes the key back in
// its error bodies, fault bodies with a message of the test's choosing, and violating resources with
// the names and tags a test gives them.

import { afterEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../simulator/server.js'
import { client } from './client.js'

let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

describe('hostile simulator options', () => {
  it('quotes the Authorization header back in error bodies with echoKeyInErrors', async () => {
    sim = await startSimulator({ echoKeyInErrors: true })
    const api = client(sim)
    const wrong = await api('GET', '/syncs', { apiKey: 'cqk_live_leaked' })
    expect(wrong.body).toEqual({
      message: 'invalid API key (Authorization: Bearer cqk_live_leaked)',
      status: 401
    })
    const missing = await api('GET', '/syncs/nope/runs')
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBe('sync not found (Authorization: Bearer test-api-key)')
    // Successful answers are untouched.
    expect((await api('GET', '/syncs')).status).toBe(200)
  })

  it('leaves error bodies alone by default', async () => {
    sim = await startSimulator({})
    const wrong = await client(sim)('GET', '/syncs', { apiKey: 'cqk_live_leaked' })
    expect(wrong.body).toEqual({ message: 'invalid API key', status: 401 })
  })

  it('answers 429 and 503 faults with the given message', async () => {
    sim = await startSimulator({
      faults: [
        { match: { path: '/syncs' }, kind: '429', retryAfter: 0, message: '::error::hostile' },
        { match: { path: '/policies' }, kind: '503', message: '<script>x</script>' }
      ]
    })
    const api = client(sim)
    expect((await api('GET', '/syncs')).body).toEqual({ message: '::error::hostile', status: 429 })
    expect((await api('GET', '/policies')).body).toEqual({
      message: '<script>x</script>',
      status: 503
    })
  })

  it('gives the first violating resources the fields a policy names', async () => {
    sim = await startSimulator({
      policies: [
        {
          name: 'Hostile',
          severity: 'high',
          violationCount: 2,
          resources: [{ name: '::set-output name=x::y', tags: ['@octocat'], accountName: '|' }]
        }
      ]
    })
    const api = client(sim)
    const [policy] = (await api('GET', '/policies')).body.items
    const { items } = (await api('GET', `/policies/${policy.id}/violations`)).body
    expect(items).toHaveLength(2)
    expect(items[0]).toMatchObject({
      name: '::set-output name=x::y',
      tags: ['@octocat'],
      _cq_account_name: '|'
    })
    // Only the fields given change; the second resource is generated as usual.
    expect(items[0].region).toEqual(expect.any(String))
    expect(items[1].name).toMatch(/-000002$/)
  })
})
