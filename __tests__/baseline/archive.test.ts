// The baseline inside a downloaded artifact: one JSON file of a zip, read in memory, bounded by what
// it inflates to rather than by what its headers claim.

import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { baselineJsonOf } from '../../src/baseline/archive.js'
import { BaselineProblemError } from '../../src/baseline/problem.js'

const WHAT = 'artifact "cloudquery-baseline" (id 1)'

function problemOf(zip: Uint8Array, maxBytes = 1_000_000): BaselineProblemError {
  try {
    baselineJsonOf(zip, maxBytes, WHAT)
  } catch (error) {
    expect(error).toBeInstanceOf(BaselineProblemError)
    return error as BaselineProblemError
  }
  throw new Error('expected a BaselineProblemError')
}

/** Rewrites every header's uncompressed size to `size`: an archive that lies about its file. */
function claimingSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice()
  const view = new DataView(out.buffer)
  for (let at = 0; at + 4 <= out.length; at++) {
    const signature = view.getUint32(at, true)
    if (signature === 0x04034b50) view.setUint32(at + 22, size, true)
    if (signature === 0x02014b50) view.setUint32(at + 24, size, true)
  }
  return out
}

describe('baselineJsonOf', () => {
  it('reads the one JSON file, whatever its name', () => {
    const text = '{"baseline":null}'
    expect(baselineJsonOf(zipSync({ 'report.json': strToU8(text) }), 1000, WHAT)).toBe(text)
  })

  it('refuses anything but one JSON file in a zip', () => {
    const two = zipSync({ 'a.json': strToU8('{}'), 'b.json': strToU8('{}') })
    expect(problemOf(two)).toMatchObject({
      kind: 'not-a-baseline',
      message: `${WHAT} holds 2 files, 2 of them .json: a baseline artifact holds the one JSON file "baseline-write" wrote`
    })
    expect(problemOf(zipSync({ 'baseline.txt': strToU8('{}') })).kind).toBe('not-a-baseline')
    expect(problemOf(strToU8('{"baseline": {}}')).message).toBe(
      `${WHAT} is not a zip archive GitHub made`
    )
  })

  it('stops at the bound while inflating, when the archive says its file is small', () => {
    // 5 MB of zeros deflate to a few kilobytes: a small bomb, claiming to be 10 bytes.
    const bomb = claimingSize(zipSync({ 'baseline.json': new Uint8Array(5_000_000) }), 10)
    expect(bomb.length).toBeLessThan(20_000)
    expect(problemOf(bomb, 1_000_000)).toMatchObject({
      kind: 'too-big',
      message: expect.stringContaining('holds a JSON file larger than 1 MB') as unknown as string
    })
    // Honest about its size, the same file is refused before anything is inflated.
    expect(problemOf(zipSync({ 'baseline.json': new Uint8Array(5_000_000) })).kind).toBe('too-big')
  })
})
