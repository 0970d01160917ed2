// Redacting what the reports render from: every string cleaned, what holds no secret shared rather
// than copied (a report of 10,000 policies is rendered several times).

import { describe, expect, it } from '@jest/globals'
import { createRedactor } from '../../../src/lib/log-safety.js'
import { redactDeep } from '../../../src/report/render/redact.js'

const redact = createRedactor(['s3cr3t-key'])

describe('redactDeep', () => {
  it('redacts every string, however deep, and leaves the input as it was', () => {
    const input = { a: ['x s3cr3t-key y', { b: 's3cr3t-key' }], n: 1, u: undefined, z: null }
    const safe = redactDeep(input, redact)
    expect(safe).toEqual({ a: ['x *** y', { b: '***' }], n: 1, u: undefined, z: null })
    expect(input.a[0]).toBe('x s3cr3t-key y')
    expect((input.a[1] as { b: string }).b).toBe('s3cr3t-key')
  })

  it('redacts keys too: a map the Platform keys is text it chose', () => {
    const progress = { 's3cr3t-key': 5, aws_ec2_instances: 7 }
    const safe = redactDeep({ table_progress: progress }, redact)
    expect(safe.table_progress).toEqual({ '***': 5, aws_ec2_instances: 7 })
    expect(JSON.stringify(safe)).not.toContain('s3cr3t-key')
    expect(Object.keys(progress)).toContain('s3cr3t-key')
  })

  it('never lets a redacted key overwrite another entry', () => {
    const safe = redactDeep({ 't_s3cr3t-key': 5, 't_***': 7 }, redact)
    expect(Object.values(safe).sort()).toEqual([5, 7])
    expect(Object.keys(safe).sort()).toEqual(['t_***', 't_*** (2)'])
  })

  it('shares what holds no secret, and copies only the path to what does', () => {
    const clean = { list: [{ name: 'ok' }], deep: { more: ['fine'] } }
    expect(redactDeep(clean, redact)).toBe(clean)
    const mixed = { clean: clean.list, dirty: { key: 's3cr3t-key' } }
    const safe = redactDeep(mixed, redact)
    expect(safe).not.toBe(mixed)
    expect(safe.clean).toBe(clean.list)
    expect(safe.dirty).toEqual({ key: '***' })
  })

  it('copies objects that are not plain into plain ones, as before', () => {
    class Box {
      constructor(public text: string) {}
    }
    const safe = redactDeep({ box: new Box('fine') }, redact)
    expect(safe.box).not.toBeInstanceOf(Box)
    expect(safe.box).toEqual({ text: 'fine' })
  })
})
