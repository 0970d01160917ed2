// Where `report-file` and `baseline-write` land. A path is followed through its symlinks first: one
// that leads out of the workspace or the runner's temp folder (the "places") is refused and nothing is
// written. A FIFO or a device is written in place, never replaced (as root, `report-file: /dev/full`
// once replaced the device with a plain file), but only inside the places, and a FIFO only while a
// process reads it (an ordinary open would wait for a reader for ever); outside them only /dev/null.

import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync
} from 'node:fs'
import { symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRedactor } from '../../../src/lib/log-safety.js'
import { writeJsonFile } from '../../../src/report/json/write-file.js'
import { writeJsonReport } from '../../../src/report/json/report.js'
import { API_KEY, runReport } from '../../__fixtures__/report.js'

const root = realpathSync(mkdtempSync(join(tmpdir(), 'special-files-')))
afterAll(() => rmSync(root, { recursive: true, force: true }))
/** The workspace, say; `outside` is a folder the action must not be led into. */
const dir = join(root, 'workspace')
const outside = join(root, 'elsewhere')
mkdirSync(dir)
mkdirSync(outside)
const places = [dir]
const redact = createRedactor([API_KEY])

/** Everything written to the FIFO at `path` while `write` runs. */
async function readWhile(path: string, write: () => Promise<void>): Promise<string> {
  const chunks: Buffer[] = []
  const read = new Promise<string>((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => chunks.push(chunk as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      .on('error', reject)
  })
  await write()
  return read
}

function fifoAt(path: string): string {
  execFileSync('mkfifo', [path])
  return path
}

describe('a report path that is not a regular file', () => {
  it('a FIFO stays a FIFO and receives the report', async () => {
    const fifo = fifoAt(join(dir, 'report.fifo'))
    const text = await readWhile(fifo, () => writeJsonReport(fifo, runReport(), redact, places))
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1 })
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('a FIFO nobody reads fails at once instead of waiting for a reader', async () => {
    const fifo = fifoAt(join(dir, 'unread.fifo'))
    await expect(writeJsonFile(fifo, '{}', redact, places)).rejects.toThrow(
      `"${fifo}" is a FIFO (named pipe) that no process reads`
    )
  })

  it('a FIFO or a device outside the places is refused; /dev/null is written anywhere', async () => {
    const fifo = fifoAt(join(outside, 'report.fifo'))
    await expect(writeJsonFile(fifo, '{}', redact, places)).rejects.toThrow(
      `"${fifo}" is a FIFO (named pipe) outside the workspace and the runner's temp folder ("${dir}"): this action writes a FIFO or a device only inside them (and /dev/null anywhere)`
    )
    await expect(writeJsonFile('/dev/full', '{}', redact, places)).rejects.toThrow(
      '"/dev/full" is a character device outside'
    )
    await expect(writeJsonFile('/dev/null', '{}', redact, places)).resolves.toBeUndefined()
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true)
  })

  it('a directory is named as one', async () => {
    await expect(writeJsonFile(dir, '{}', redact, places)).rejects.toThrow(
      `"${dir}" is a directory`
    )
  })
})

describe('a path through a symlink', () => {
  it('inside the places: the symlink stays, its target is replaced whole', async () => {
    const target = join(dir, 'target.json')
    const link = join(dir, 'baseline.json')
    await writeFile(target, 'old')
    await symlink(target, link)
    await writeJsonFile(link, '{"baseline":{}}', redact, places)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ baseline: {} })
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it.each([
    // [case, the link's name, what it holds, the path written, where that leads]
    ['at the path', 'a.json', join(outside, 'a.json'), 'a.json', join(outside, 'a.json')],
    ['in a parent folder', 'out', outside, join('out', 'b.json'), join(outside, 'b.json')],
    ['relative, up and out', 'c.json', '../elsewhere/c.json', 'c.json', join(outside, 'c.json')],
    [
      'to a file not there yet',
      'd.json',
      join(outside, 'new.json'),
      'd.json',
      join(outside, 'new.json')
    ]
  ])(
    'leading outside them, %s: refused, naming where it leads',
    async (_, name, to, path, lands) => {
      await symlink(to, join(dir, name))
      await writeFile(join(outside, 'a.json'), 'kept')
      const before = readdirSync(outside)
      await expect(writeJsonFile(join(dir, path), '{}', redact, places)).rejects.toThrow(
        `it leads through a symlink to "${lands}", outside the workspace and the runner's temp folder ("${dir}"): this action never writes through a symlink out of them`
      )
      expect(readdirSync(outside)).toEqual(before)
      expect(readFileSync(join(outside, 'a.json'), 'utf8')).toBe('kept')
    }
  )

  it('a path outside the places without a symlink is written as named', async () => {
    const path = join(outside, 'plain.json')
    await writeJsonFile(path, '{"a":1}', redact, places)
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n')
  })
})

describe('a regular file', () => {
  it('is replaced whole, through a temporary file', async () => {
    const file = join(dir, 'plain.json')
    await writeFile(file, 'old')
    await writeJsonFile(file, '{"a":1}', redact, places)
    expect(lstatSync(file).isFile()).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n')
    expect(existsSync(`${file}.tmp`)).toBe(false)
  })
})
