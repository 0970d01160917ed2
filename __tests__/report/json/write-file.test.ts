// A report path that is not a regular file (a FIFO, a symlink, a device such as /dev/null) is
// written in place: the temporary-file-then-rename write must not replace the node itself (as
// root, `report-file: /dev/full` once replaced the device with a plain file).

import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  createReadStream,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs'
import { symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRedactor } from '../../../src/lib/log-safety.js'
import { writeJsonFile } from '../../../src/report/json/write-file.js'
import { writeJsonReport } from '../../../src/report/json/report.js'
import { API_KEY, runReport } from '../../__fixtures__/report.js'

const dir = mkdtempSync(join(tmpdir(), 'special-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
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

describe('a report path that is not a regular file', () => {
  it('a FIFO stays a FIFO and receives the report', async () => {
    const fifo = join(dir, 'report.fifo')
    execFileSync('mkfifo', [fifo])
    const text = await readWhile(fifo, () => writeJsonReport(fifo, runReport(), redact))
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1 })
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('a symlink stays a symlink, and its target holds the baseline', async () => {
    const target = join(dir, 'target.json')
    const link = join(dir, 'baseline.json')
    await writeFile(target, 'old')
    await symlink(target, link)
    await writeJsonFile(link, '{"baseline":{}}', redact)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ baseline: {} })
  })

  it('a regular file is still replaced whole, through a temporary file', async () => {
    const file = join(dir, 'plain.json')
    await writeFile(file, 'old')
    await writeJsonFile(file, '{"a":1}', redact)
    expect(lstatSync(file).isFile()).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n')
  })
})
