// The summary when a stage is missing, skipped, failed or cut short: it still tells what happened.

import { describe, expect, it } from '@jest/globals'
import {
  completedSync,
  failedSync,
  notAwaitedSync,
  passingPolicies,
  policyOutcome,
  RUN_ID,
  runReport,
  syncOutcome,
  timedOutSync,
  WORKFLOW_RUN_URL
} from '../../__fixtures__/report.js'
import { expectValidTables, render } from './helpers.js'

describe('renderSummary: partial states', () => {
  it('only a sync stage: no policy section', () => {
    const out = render(
      runReport({ syncs: [completedSync()], thresholds: undefined, gateOn: undefined })
    )
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).toContain('### 🔄 Sync run of <code>aws-prod</code>')
    expect(out).not.toContain('Policy gate')
  })

  it('only a policy stage: no sync section', () => {
    const out = render(runReport({ syncNames: [], policies: passingPolicies() }))
    expect(out).not.toContain('Sync run')
    expect(out).toContain('### 🛡️ Policy gate')
    expect(out.split('\n')[2]).toBe('13 violations in 2 of 3 policies, all within the thresholds.')
  })

  it('a sync that failed before the policies: the run, its tables with errors, and why policies were skipped', () => {
    const out = render(
      runReport({
        syncs: [failedSync()],
        policiesSkipped: 'the sync run failed, so the policy results would not reflect it'
      })
    )
    expect(out).toContain('**Why:** Run ')
    expect(out).toContain('\\(oom\\_killed\\)')
    expect(out).toContain('**Status:** ❌ <code>failed</code> (<code>oom\\_killed</code>)')
    // Said once: in the banner, not again in the sync section.
    expect(out.match(/ran out of memory/g)).toHaveLength(1)
    expect(out).not.toContain('- ❌ Run ')
    expect(out).toContain('#### Tables with errors')
    expect(out).toContain('| <code>aws\\_ec2\\_instances</code> | aws | 12 | 400 | 0 |')
    expect(out).toContain(
      '### 🛡️ Policy gate\n\nNot evaluated: the sync run failed, so the policy results would not reflect it.'
    )
    expectValidTables(out)
  })

  it('an error before any run was known', () => {
    const out = render(
      runReport({
        errors: [
          { stage: 'sync', message: 'Sync "aws-prod" was not found on the Platform (404).' }
        ],
        policiesSkipped: 'the sync stage did not finish'
      })
    )
    expect(out).toContain(
      '**Why:** Sync stage: Sync "aws-prod" was not found on the Platform \\(404\\).'
    )
    expect(out).toContain('No run was started or followed: see the errors below.')
    expect(out).toContain('### Errors\n\n- **Sync stage:** Sync "aws-prod" was not found')
    expect(out).toContain('Not evaluated: the sync stage did not finish.')
  })

  it('invalid inputs: nothing but the error and the footer', () => {
    const out = render(
      runReport({
        platformUrl: undefined,
        syncNames: [],
        thresholds: undefined,
        gateOn: undefined,
        evaluationMode: undefined,
        finishedAt: '',
        errors: [{ stage: 'inputs', message: 'Input "timeout" is "soon", which is not valid.' }]
      })
    )
    expect(out).toContain('## ❌ CloudQuery Platform: failed')
    expect(out).toContain('**Why:** Inputs: Input "timeout" is "soon", which is not valid.')
    expect(out).not.toContain('Sync run')
    expect(out).not.toContain('Policy gate')
    expect(out).not.toContain('Platform <code>')
    expect(out).toContain(`[Workflow run](${WORKFLOW_RUN_URL})`)
  })

  it('wait: false: the run was started and not awaited', () => {
    const out = render(
      runReport({
        syncs: [notAwaitedSync()],
        policiesSkipped:
          'the run was not awaited (wait: false), so its data is not in the results yet'
      })
    )
    expect(out).toContain('## ✅ CloudQuery Platform: passed')
    expect(out).toContain(
      `Run <code>${RUN_ID}</code> of sync <code>aws-prod</code> was started and not awaited (<code>wait: false</code>).`
    )
    expect(out).toContain('**Status:** ⏳ <code>created</code>')
    expect(out).toContain('- ⏳ Not awaited (<code>wait: false</code>): the run may still be going')
    expect(out).toContain('| — | — | 0 | 0 | 0 |')
    expect(out).not.toContain('| CPU |')
  })

  it('a timeout that cancelled the started run', () => {
    const out = render(
      runReport({ syncs: [timedOutSync()], policiesSkipped: 'the sync run failed' })
    )
    expect(out).toContain('**Why:** Timed out after 1h waiting for run')
    expect(out).toContain('**Status:** 🚫 <code>cancelled</code>')
    expect(out).toContain('- ⏱️ Timed out after 1h. This action cancelled the run.')
  })

  it('a timeout on a run the action did not start leaves it running', () => {
    const sync = syncOutcome({
      ...timedOutSync(),
      run: { ...timedOutSync().run!, status: 'started', completed_at: null },
      startedByAction: false,
      cancelledByAction: false
    })
    const out = render(runReport({ syncs: sync ? [sync] : [] }))
    expect(out).toContain('(followed; not started by this action)')
    expect(out).toContain('- ⏱️ Timed out after 1h. The run was left running.')
  })

  it('a cancelled workflow', () => {
    const sync = syncOutcome({
      ...notAwaitedSync(),
      run: { ...notAwaitedSync().run!, status: 'started' },
      verdict: 'fail'
    })
    const out = render(runReport({ syncs: sync ? [sync] : [], cancelled: true }))
    expect(out).toContain('**Why:** The workflow was cancelled before the action finished.')
    expect(out).toContain('- 🚫 The workflow was cancelled while the action was following this run')
    expect(out).not.toContain('Not awaited')
    expect(out).toContain('Not evaluated: the workflow was cancelled first.')
  })

  it('a policy stage that threw', () => {
    const out = render(
      runReport({
        syncs: [completedSync()],
        errors: [{ stage: 'policies', message: 'GET /policies failed: HTTP 503' }]
      })
    )
    expect(out).toContain('Not evaluated: the policy stage failed \\(see the errors below\\).')
    expect(out).toContain('- **Policy stage:** GET /policies failed: HTTP 503')
  })

  it('no policies selected', () => {
    const out = render(
      runReport({
        syncNames: [],
        policies: policyOutcome([], { warnings: ['No policies matched the selection.'] })
      })
    )
    expect(out).toContain('No policies were selected.')
    expect(out).toContain('No selected policy has violations.')
    expect(out).toContain('- ⚠️ No policies matched the selection.')
  })
})
