// The summary of several syncs (one table above the gate, then only what needs saying per sync),
// and of a CLI run (an external sync), shown like a managed one.

import { describe, expect, it } from '@jest/globals'
import type { SyncOutcome } from '../../../src/sync/outcome.js'
import {
  API_KEY,
  EXTERNAL_SYNC_ID,
  externalSync,
  externalSyncOutcome,
  INVOCATION_ID,
  passingPolicies,
  runReport,
  severalSyncs,
  syncOutcome,
  syncRun,
  timedOutSync
} from '../../__fixtures__/report.js'
import { expectValidTables, outsideCode, render, section } from './helpers.js'

const renderSyncs = (syncs: SyncOutcome[], extra: Parameters<typeof runReport>[0] = {}) =>
  render(runReport({ syncs, syncNames: syncs.map((sync) => sync.syncName), ...extra }))
const passing = (): SyncOutcome[] =>
  severalSyncs().map((sync) =>
    syncOutcome({
      ...sync,
      verdict: 'pass',
      reasons: [],
      tablesWithErrors: [],
      run: { ...sync.run!, status: 'completed', status_reason: null }
    })
  )

describe('renderSummary: several syncs', () => {
  const out = renderSyncs(severalSyncs(), { policiesSkipped: 'a sync run failed' })
  const syncs = section(out, '### 🔄 Sync runs')

  it('has one row per sync above the gate: kind, status, figures, the run id without a link', () => {
    expect(out.indexOf('### 🔄 Sync runs')).toBeLessThan(out.indexOf('### 🛡️ Policy gate'))
    expect(syncs).toContain('| Sync | Kind | Status | Rows | Errors | Duration | Run | Origin |')
    expect(syncs).toContain(
      '| <code>gcp-prod</code> | managed | ❌ <code>failed</code> | 12,480 | 17 | 5m 12s | <code>run-gcp</code> | started by this action |'
    )
    expect(syncs).toContain(
      '| <code>azure-prod</code> | managed | ✅ <code>completed</code> | 12,480 | 0 | 8m 20s | <code>run-azure</code> | attached |'
    )
    expect(syncs).not.toContain('](')
    expectValidTables(out)
  })

  it('says per sync only what needs saying, under its name', () => {
    expect(syncs).toContain('#### <code>gcp-prod</code>')
    expect(syncs).toContain('**Tables with errors**')
    expect(syncs).not.toContain('#### <code>aws-prod</code>')
    expect(syncs).not.toContain('#### <code>azure-prod</code>')
    // The banner says the one failure already.
    expect(syncs).not.toContain('ran out of memory')
  })

  it('shows reasons the banner does not, and a timed-out run, under each sync', () => {
    const timedOut = { ...timedOutSync(), syncName: 'slow' }
    const text = renderSyncs([...severalSyncs(), timedOut])
    const slow = section(text, '#### <code>slow</code>')
    expect(slow).toContain('⏱️ Timed out after 1h. This action cancelled the run.')
    expect(slow).toContain('❌ Timed out after 1h waiting for run')
    expect(text).toContain('| <code>slow</code> | managed | 🚫 <code>cancelled</code> |')
  })

  it('gives a named sync without a run its row, where the workflow named it', () => {
    const text = render(
      runReport({ syncs: severalSyncs(), syncNames: ['aws-prod', 'x', 'gcp-prod', 'azure-prod'] })
    )
    expect(text).toContain('| <code>x</code> | — | no run |')
    const order = ['aws-prod', 'x', 'gcp-prod', 'azure-prod'].map((name) =>
      text.indexOf(`| <code>${name}</code> |`)
    )
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expectValidTables(text)
  })

  it('reads well in the pass line: how many syncs, and their rows together', () => {
    const text = renderSyncs(passing(), { policies: passingPolicies() })
    expect(text.split('\n')[2]).toBe(
      '3 syncs completed: 37,440 rows. 13 violations in 2 of 3 policies, all within the thresholds.'
    )
    const unknown = severalSyncs().map((sync, index) =>
      syncOutcome({
        ...sync,
        verdict: 'pass',
        reasons: [],
        run: { ...sync.run!, status: 'completed', total_rows: index === 1 ? null : 12_480 }
      })
    )
    expect(renderSyncs(unknown, { thresholds: undefined }).split('\n')[2]).toBe(
      '3 syncs completed.'
    )
  })

  it('says when the runs were not awaited', () => {
    const text = renderSyncs(passing().map((sync) => ({ ...sync, waited: false })))
    expect(text).toContain(
      '3 syncs were started or attached to and not awaited (<code>wait: false</code>).'
    )
    expect(text).toContain('⏳ Not awaited (<code>wait: false</code>)')
  })

  it('points at the errors for a named sync without a run', () => {
    const text = render(
      runReport({
        syncs: passing(),
        syncNames: ['aws-prod', 'gcp-prod', 'azure-prod', 'lost'],
        errors: [{ stage: 'sync', message: 'Sync "lost" was not found.' }]
      })
    )
    expect(text).toContain(
      'Syncs without a run were not started or followed: see the errors below.'
    )
  })

  it('keeps hostile sync names and statuses inert', () => {
    const hostile = syncOutcome({
      syncName: `<img src=x onerror=alert(1)> | @acme/admins #12 ${API_KEY}`,
      run: syncRun({ id: 'r|1 [x](https://evil.example)', status: '**done** | <b>x</b>' })
    })
    const text = renderSyncs([hostile, ...passing()])
    expectValidTables(text)
    expect(text).not.toContain(API_KEY)
    const syncs = section(text, '### 🔄 Sync runs')
    expect(syncs).not.toContain('<img')
    expect(syncs).not.toContain('<b>')
    expect(outsideCode(syncs)).not.toMatch(/@acme|#12|https:/)
    expect(syncs).not.toContain('](')
  })
})

describe('renderSummary: a CLI run (external sync)', () => {
  it('shows it like a managed run, without the figures it does not have', () => {
    const out = render(runReport({ syncs: [externalSyncOutcome()], syncNames: [INVOCATION_ID] }))
    const cli = section(out, `### 🔄 CLI sync run <code>${INVOCATION_ID}</code>`)
    expect(cli).toContain(
      `**Status:** ✅ <code>completed</code> · **External sync:** <code>${EXTERNAL_SYNC_ID}</code> · **Invocation:** <code>${INVOCATION_ID}</code> (run by the CLI; never cancelled by this action)`
    )
    expect(cli).toContain('| Started | Completed | Duration | Rows |\n')
    expect(cli).toContain(
      '| 2026-11-27 10:00:05\u00a0UTC | 2026-11-27 10:04:05\u00a0UTC | 4m | 48,000 |'
    )
    expect(cli).not.toMatch(/Errors|Warnings|CPU/)
    expect(out).toContain(`CLI sync <code>${INVOCATION_ID}</code> completed: 48,000 rows.`)
  })

  it('says when the Platform is still finalizing it', () => {
    const out = render(
      runReport({ syncs: [externalSyncOutcome(externalSync({ status: 'finalizing' }))] })
    )
    // As the Platform said it, not dressed up as a completed run.
    expect(out).toContain('**Status:** ⏳ <code>finalizing</code> · **External sync:**')
  })

  it('lists its tables, the 10 with most rows', () => {
    const progress = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`table_${index}`, index * 100])
    )
    const out = render(
      runReport({ syncs: [externalSyncOutcome(externalSync({ table_progress: progress }))] })
    )
    const tables = section(out, '#### Tables')
    expect(tables.indexOf('table\\_11')).toBeLessThan(tables.indexOf('table\\_10'))
    expect(tables).toContain('| <code>table\\_2</code> | 200 |')
    expect(tables).not.toContain('table\\_1<')
    expect(tables).toContain('_…and 2 more tables._')
  })

  it('counts the tables the Platform reported, beyond those the client kept', () => {
    const progress = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`table_${index}`, index * 100])
    )
    const sync = externalSync({ table_progress: progress, tablesReported: 800_000 })
    const tables = section(render(runReport({ syncs: [externalSyncOutcome(sync)] })), '#### Tables')
    expect(tables).toContain('_…and 799990 more tables._')
  })

  it('shows as a CLI row among several syncs, its errors left empty', () => {
    const out = renderSyncs([externalSyncOutcome(), ...passing()])
    expect(out).toContain(
      `| <code>${INVOCATION_ID}</code> | CLI | ✅ <code>completed</code> | 48,000 |  | 4m | <code>${EXTERNAL_SYNC_ID}</code> | run by the CLI |`
    )
  })
})
