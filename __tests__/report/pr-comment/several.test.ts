import { describe, expect, it } from '@jest/globals'
import { outsideCode } from '../summary/helpers.js'
import { createRedactor } from '../../../src/lib/log-safety.js'
import { commentMarker, renderComment } from '../../../src/report/pr-comment/body.js'
import type { SyncOutcome } from '../../../src/sync/outcome.js'
import {
  API_KEY,
  externalSyncOutcome,
  INVOCATION_ID,
  runReport,
  severalSyncs,
  syncOutcome,
  syncRun,
  WORKFLOW_RUN_URL
} from '../../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const reportOf = (syncs: SyncOutcome[], syncNames = syncs.map((sync) => sync.syncName)) =>
  runReport({ syncs, syncNames })
const render = (syncs: SyncOutcome[], tag = '') =>
  renderComment(reportOf(syncs), { workflowRunUrl: WORKFLOW_RUN_URL }, { redact, tag })
const named = (syncName: string): SyncOutcome => syncOutcome({ syncName })

describe('renderComment: several syncs', () => {
  it('has one short line per sync', () => {
    const out = render(severalSyncs())
    expect(out).toContain(
      '- <code>aws-prod</code> · ✅ <code>completed</code> · 12,480 rows · 5m 12s\n' +
        '- <code>gcp-prod</code> · ❌ <code>failed</code> · 12,480 rows · 5m 12s\n' +
        '- <code>azure-prod</code> · ✅ <code>completed</code> · 12,480 rows · 8m 20s'
    )
  })

  it('shows a CLI run among them, and caps the lines', () => {
    const many = [externalSyncOutcome(), ...Array.from({ length: 24 }, (_, i) => named(`s${i}`))]
    const out = render(many)
    expect(out).toContain(`- <code>${INVOCATION_ID}</code> · ✅ <code>completed</code> · 48,000`)
    expect(out).toContain('_…and 5 more syncs, in the job summary._')
    expect(out).not.toContain('<code>s19</code>')
  })

  it('says which sync has no run', () => {
    const lost = syncOutcome({ syncName: 'lost', run: undefined })
    expect(render([lost, ...severalSyncs()])).toContain('- <code>lost</code> · no run\n')
  })

  it('is identified by every sync name, one per line, and differs from a gate of one', () => {
    const marker = commentMarker(reportOf(severalSyncs()), 'prod', redact)
    expect(marker).toBe('<!-- cloudquery-platform-action:aws-prod%0Agcp-prod%0Aazure-prod:prod -->')
    expect(commentMarker(reportOf([named('aws-prod')]), 'prod', redact)).not.toBe(marker)
    // A name with a comma is not two names.
    expect(commentMarker(reportOf([named('a,b')]), '', redact)).not.toBe(
      commentMarker(reportOf([named('a'), named('b')]), '', redact)
    )
  })

  it('keeps one comment for a CLI-run gate, whose invocation id is new with every run', () => {
    const gate = (invocation: string) =>
      commentMarker(
        runReport({ syncs: [], syncNames: [invocation], externalSync: true }),
        '',
        redact
      )
    const first = gate('4c3ea5cd-7f3d-4dfd-8ea8-c0b29eadac69')
    expect(gate('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9')).toBe(first)
    expect(first).toBe('<!-- cloudquery-platform-action:~external-sync: -->')
    // A managed sync named "external-sync" is another gate.
    const named = runReport({ syncs: [], syncNames: ['external-sync'] })
    expect(commentMarker(named, '', redact)).not.toBe(first)
  })

  it('keeps the identity and the heading bounded however many syncs there are', () => {
    const syncs = Array.from({ length: 40 }, (_, i) => named(`sync-${'x'.repeat(80)}-${i}`))
    const marker = commentMarker(reportOf(syncs), 'tag', redact)
    expect(marker.length).toBeLessThan(250)
    const out = render(syncs, 'tag')
    const gate = out.split('\n').find((line) => line.startsWith('<sub>Syncs '))!
    expect(gate).toContain('and 30 more · tag <code>tag</code></sub>')
    expect(gate.length).toBeLessThan(1200)
  })

  it('names all the syncs in the heading when a tag is given', () => {
    expect(render(severalSyncs(), 'prod')).toContain(
      '<sub>Syncs <code>aws-prod</code>, <code>gcp-prod</code>, <code>azure-prod</code> · tag <code>prod</code></sub>'
    )
  })

  it('keeps hostile names and statuses inert, in the lines and the marker', () => {
    const hostile = syncOutcome({
      syncName: `--> <img src=x> @acme/admins #7 ${API_KEY}\n- [x](https://evil.example)`,
      run: syncRun({ status: '<b>done</b> | **x**' })
    })
    const out = render([hostile, ...severalSyncs()], 'tag')
    const [marker, ...body] = out.split('\n')
    expect(marker).toMatch(/^<!-- cloudquery-platform-action:[A-Za-z0-9._%~-]*:tag -->$/)
    const rest = body.join('\n')
    expect(rest).not.toMatch(/<!--|-->|<img|<b>/)
    expect(outsideCode(rest)).not.toMatch(/@acme|#7|evil\.example/)
    expect(out).not.toContain(API_KEY)
  })
})
