import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../src/lib/log-safety.js'
import { ANNOTATION_LIMIT, planAnnotations, type Annotation } from '../../src/report/annotations.js'
import {
  API_KEY,
  comparedPolicies,
  completedSync,
  coverageReport,
  exceptionEntry,
  DEFAULT_THRESHOLDS,
  failedSync,
  failingPolicies,
  manyPolicies,
  notAwaitedSync,
  partialSync,
  passingPolicies,
  policy,
  policyOutcome,
  runReport,
  timedOutSync
} from '../__fixtures__/report.js'

const redact = createRedactor([API_KEY])
const ofLevel = (annotations: Annotation[], level: Annotation['level']): Annotation[] =>
  annotations.filter((annotation) => annotation.level === level)

describe('planAnnotations', () => {
  it('says nothing about a clean pass', () => {
    const clean = policyOutcome([policy({ name: 'Root MFA', severity: 'critical' })])
    expect(
      planAnnotations(runReport({ syncs: [completedSync()], policies: clean }), redact)
    ).toEqual([])
  })

  it('an error per breached threshold, naming the policies; a warning for the rest', () => {
    const annotations = planAnnotations(
      runReport({ syncs: [completedSync()], policies: failingPolicies() }),
      redact
    )
    const errors = ofLevel(annotations, 'error')
    expect(errors.map((error) => error.title)).toEqual([
      'Too many critical violations',
      'Too many high violations',
      'Stale policy results',
      'Policy violated: Public S3 buckets',
      'Policy violated: Open security groups'
    ])
    expect(errors[0].message).toBe(
      '3 critical violations; at most 0 allowed (max-critical-violations). Policies: "Public S3 buckets (3)".'
    )
    expect(errors[2].message).toBe(
      '1 policy was not evaluated after the sync run and may be out of date: "Old access keys".'
    )
    expect(errors[3].message).toBe(
      'critical security policy with 3 violations; evaluated at 2026-11-27 10:06:00 UTC.'
    )
    const warnings = ofLevel(annotations, 'warning')
    expect(warnings).toEqual([
      {
        level: 'warning',
        title: 'Violations within the thresholds',
        message:
          '9 violations in 2 policies did not fail the gate (medium 2, low 7). Policies: "Old access keys (2)", "Untagged resources (7)".'
      }
    ])
  })

  it('says one violation in the singular, in the message and in a merged annotation', () => {
    const one = policyOutcome([policy({ name: 'Open ports', severity: 'high', violations: 1 })])
    const [breach] = ofLevel(planAnnotations(runReport({ policies: one }), redact), 'error')
    expect(breach.title).toBe('Too many high violations')
    expect(breach.message).toMatch(/^1 high violation; at most 0 allowed/)
    // Merged into the last annotation when more than fit: the brief is singular too.
    const many = policyOutcome(
      Array.from({ length: 12 }, (_, i) =>
        policy({ name: `p${i}`, severity: 'high', violations: 1 })
      )
    )
    const merged = ofLevel(
      planAnnotations(runReport({ policies: many }), redact, { error: 1 }),
      'error'
    )
    expect(merged[0].message).toContain('12 high violations (at most 0)')
    const single = ofLevel(
      planAnnotations(runReport({ policies: one }), redact, { error: 1 }),
      'error'
    )
    expect(single[0].message).toContain('1 high violation (at most 0)')
  })

  it('under gate-on: new, judges and names new violations only', () => {
    const { policies, resources } = comparedPolicies()
    const annotations = planAnnotations(
      runReport({ policies, resources, gateOn: 'new', syncNames: [] }),
      redact
    )
    const errors = ofLevel(annotations, 'error')
    expect(errors[0]).toEqual({
      level: 'error',
      title: 'Too many new critical violations',
      message:
        '2 new critical violations; at most 0 allowed (max-critical-violations). Policies: "Public S3 buckets (2)".'
    })
    expect(errors.map((error) => error.title)).not.toContain('Too many new high violations')
    expect(
      errors.find((error) => error.title === 'Policy violated: Public S3 buckets')?.message
    ).toBe(
      'critical security policy with 3 violations (2 new); evaluated at 2026-11-27 10:06:00 UTC.'
    )
    // Open security groups has 5 violations, none new: within the gate.
    expect(ofLevel(annotations, 'warning')[0].message).toContain('"Open security groups (5)"')
  })

  it('puts exception entries on their line of the exceptions file, within the cap', () => {
    const { policies, resources } = comparedPolicies()
    const file = '.github/cloudquery-exceptions.yml'
    const entries = [
      exceptionEntry({ line: 3, policy: 'Public S3 buckets', resources: ['c'] }),
      exceptionEntry({ line: 8, policy: 'Public S3 buckets', expires: '2026-01-01' }),
      exceptionEntry({ line: 13, policy: 'Public S3 buckets', expires: '2027-06-01' }),
      exceptionEntry({ line: 18, policy: 'Public S3 buckets', problems: ['no "reason"'] }),
      exceptionEntry({ line: 23, policy: 'Open security groups', regions: ['nowhere'] }),
      exceptionEntry({
        line: 28,
        policy: 'Public S3 buckets',
        expires: '2026-12-01',
        resources: ['a']
      })
    ]
    const report = runReport({
      policies,
      gateOn: 'new',
      syncNames: [],
      resources: { ...resources, exceptions: { path: file, entries } }
    })
    const onFile = planAnnotations(report, redact).filter((a) => a.file === file)
    expect(onFile.map(({ level, title, startLine }) => ({ level, title, startLine }))).toEqual([
      { level: 'error', title: 'Exception too long: suppresses nothing', startLine: 13 },
      { level: 'error', title: 'Exception invalid: suppresses nothing', startLine: 18 },
      { level: 'warning', title: 'Exception expired: suppresses nothing', startLine: 8 },
      { level: 'warning', title: 'Unused exception', startLine: 23 },
      { level: 'warning', title: 'Exception expires soon', startLine: 28 }
    ])
    expect(onFile[0].message).toBe(
      'line 13 (policy "Public S3 buckets"): too long: expires on 2027-06-01, more than 90 days from today (max-exception-days; at most 2027-02-25); it suppresses nothing'
    )
    // Many entries: still at most 10 of a level, the rest merged into the last one.
    const many = Array.from({ length: 30 }, (_, n) =>
      exceptionEntry({ line: 3 + n, policy: 'Nobody', problems: ['no "reason"'] })
    )
    const capped = planAnnotations(
      runReport({
        policies,
        resources: { ...resources, exceptions: { path: file, entries: many } }
      }),
      redact
    )
    expect(ofLevel(capped, 'error')).toHaveLength(10)
    expect(ofLevel(capped, 'error').at(-1)?.title).toMatch(/more errors? \(see the job summary\)$/)
  })

  it('a total threshold makes every violating policy a breaching one', () => {
    const thresholds = { ...DEFAULT_THRESHOLDS, total: 10 }
    const outcome = policyOutcome(passingPolicies().policies)
    const annotations = planAnnotations(runReport({ policies: outcome, thresholds }), redact)
    expect(ofLevel(annotations, 'error').map((error) => error.title)).toEqual([
      'Too many violations in all',
      'Policy violated: Unencrypted EBS volumes',
      'Policy violated: Untagged resources'
    ])
    expect(ofLevel(annotations, 'warning')).toEqual([])
  })

  it('keeps 25 breaching policies within 10 errors, the most severe first, the rest merged', () => {
    const policies = [
      ...manyPolicies(5, 'low'),
      ...manyPolicies(10, 'high').map((result) => ({ ...result, name: `High ${result.name}` })),
      ...manyPolicies(10, 'critical').map((result) => ({ ...result, name: `Crit ${result.name}` }))
    ]
    const thresholds = { critical: 0, high: 0, medium: 0, low: 0, total: undefined }
    const outcome = policyOutcome(policies)
    const report = runReport({ policies: outcome, thresholds })
    const errors = ofLevel(planAnnotations(report, redact), 'error')
    expect(errors).toHaveLength(ANNOTATION_LIMIT)
    expect(errors.slice(0, 3).map((error) => error.title)).toEqual([
      'Too many critical violations',
      'Too many high violations',
      'Too many low violations'
    ])
    expect(errors.slice(3, 9).map((error) => error.title)).toEqual(
      ['01', '02', '03', '04', '05', '06'].map((n) => `Policy violated: Crit Policy ${n}`)
    )
    const merged = errors[9]
    expect(merged.title).toBe('19 more errors (see the job summary)')
    expect(merged.message).toMatch(/^Merged into one to stay within GitHub's per-step limit: /)
    expect(merged.message).toContain('Crit Policy 07 (critical, 4)')
    expect(merged.message).toContain('High Policy 01 (high, 10)')
    expect(merged.message.indexOf('Crit Policy 10')).toBeLessThan(
      merged.message.indexOf('High Policy 01')
    )
  })

  it('leaves room for annotations written elsewhere', () => {
    const outcome = policyOutcome(manyPolicies(20, 'critical'))
    const annotations = planAnnotations(runReport({ policies: outcome }), redact, { error: 9 })
    expect(ofLevel(annotations, 'error')).toHaveLength(9)
    expect(ofLevel(annotations, 'error')[8].title).toBe('13 more errors (see the job summary)')
    expect(planAnnotations(runReport({ policies: outcome }), redact, { error: 0 })).toEqual([])
  })

  it('stage errors come first, report errors after the gate', () => {
    const annotations = planAnnotations(
      runReport({
        policies: failingPolicies(),
        errors: [
          { stage: 'report', message: 'Could not write the JSON report.' },
          { stage: 'sync', message: 'Sync "aws-prod" was not found (404).' }
        ]
      }),
      redact
    )
    const titles = ofLevel(annotations, 'error').map((error) => error.title)
    expect(titles[0]).toBe('Sync stage error')
    expect(titles[titles.length - 1]).toBe('Report error')
  })

  it('an error for a failed sync run, and for a timed-out one', () => {
    const failed = planAnnotations(runReport({ syncs: [failedSync()] }), redact)
    expect(failed).toEqual([
      {
        level: 'error',
        title: 'Sync run failed',
        message: expect.stringContaining('ran out of memory and was killed (oom_killed)')
      }
    ])
    const timedOut = planAnnotations(runReport({ syncs: [timedOutSync()] }), redact)
    expect(timedOut[0].title).toBe('Sync run timed out')
  })

  it('a warning for partial success, a notice for a run left running', () => {
    expect(planAnnotations(runReport({ syncs: [partialSync()] }), redact)).toEqual([
      {
        level: 'warning',
        title: 'Sync run warning',
        message: expect.stringContaining('completed with partial success')
      }
    ])
    expect(planAnnotations(runReport({ syncs: [notAwaitedSync()] }), redact)).toEqual([
      {
        level: 'notice',
        title: 'Sync run not awaited',
        message:
          'Run 5e3c6a2b-9f0d-4c1e-8a7b-2d4f6e8a0c1b of sync "aws-prod" was left running (wait: false); its status was "created".'
      }
    ])
  })

  it('a warning when the workflow was cancelled', () => {
    const annotations = planAnnotations(runReport({ cancelled: true }), redact)
    expect(annotations).toEqual([
      expect.objectContaining({ level: 'warning', title: 'Workflow cancelled' })
    ])
  })

  it('stale policies are a warning when the gate did not fail on them', () => {
    const outcome = policyOutcome([
      policy({ name: 'Old', severity: 'low', stale: true, violations: 1 })
    ])
    const report = runReport({ policies: outcome })
    const passed = {
      ...report,
      verdict: { ...report.verdict, gate: { ...report.verdict.gate!, verdict: 'pass' as const } }
    }
    const warnings = ofLevel(planAnnotations(passed, redact), 'warning')
    expect(warnings.map((warning) => warning.title)).toContain('Stale policy results')
  })

  it('an error for each counted policy that failed on its table errors, a warning under warn', () => {
    const failing = ofLevel(planAnnotations(coverageReport(), redact), 'error')
    expect(failing).toContainEqual({
      level: 'error',
      title: 'Policy judged on incomplete data: Public S3 buckets',
      message:
        'critical policy with 0 violations, reading tables this run synced with errors or panics (aws_s3_buckets: 3 errors, 1 panic): its result may miss data; the gate cannot vouch for it (table-errors: fail).'
    })
    // Earlier data and unknown coverage do not fail the gate: no annotation of their own.
    expect(failing.filter((a) => a.title.startsWith('Policy judged'))).toHaveLength(1)
    const warned = planAnnotations(coverageReport('warn'), redact)
    expect(ofLevel(warned, 'error').map((a) => a.title)).not.toContain(
      'Policy judged on incomplete data: Public S3 buckets'
    )
    expect(ofLevel(warned, 'warning')).toContainEqual(
      expect.objectContaining({
        title: 'Policy judged on incomplete data: Public S3 buckets',
        message: expect.stringContaining('shown, not failed (table-errors: warn)')
      })
    )
  })

  it('passes the policy stage’s warnings on', () => {
    const outcome = policyOutcome([], { warnings: ['No policies matched the selection.'] })
    expect(planAnnotations(runReport({ policies: outcome }), redact)).toEqual([
      {
        level: 'warning',
        title: 'Policy stage warning',
        message: 'No policies matched the selection.'
      }
    ])
  })

  it('keeps messages on one line, bounded, and free of the key', () => {
    const name = `evil\n::error::injected ${API_KEY} ${'x'.repeat(5000)}`
    const outcome = policyOutcome([policy({ name, severity: 'critical', violations: 2 })])
    const annotations = planAnnotations(
      runReport({ policies: outcome, errors: [{ stage: 'policies', message: name }] }),
      redact
    )
    for (const annotation of annotations) {
      expect(annotation.title).not.toMatch(/[\r\n]/)
      expect(annotation.message).not.toMatch(/[\r\n]/)
      expect(annotation.title.length).toBeLessThanOrEqual(200)
      expect(annotation.message.length).toBeLessThanOrEqual(1000)
      expect(JSON.stringify(annotation)).not.toContain(API_KEY)
    }
    expect(annotations[0].message).toContain('evil ⏎ ::error::injected ***')
  })
})
