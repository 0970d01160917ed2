// Writing a JSON file (the report, the compact baseline) where a reader never sees half of it. A
// report with a baseline runs to megabytes: it is written a slice at a time through one buffer,
// never copied whole (once more for the final newline, once into a buffer as big as the file).

import { randomBytes } from 'node:crypto'
import { lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Redactor } from '../../lib/log-safety.js'

/** Characters a slice; in UTF-8 at most 3 bytes each (a surrogate pair, 2 of them, takes 4). */
const WRITE_SLICE = 1 << 18

/**
 * Writes `text` and a newline, redacted, to a temporary file, then renames it to `path`. A path that
 * exists and is not a regular file (a symlink, a FIFO, `/dev/stdout`) is written in place instead:
 * a rename would replace that node (as root, even a device) with a plain file.
 */
export async function writeJsonFile(path: string, text: string, redact: Redactor): Promise<void> {
  const json = redact(text)
  const existing = await lstat(path).catch(() => undefined)
  if (existing && !existing.isFile()) return writeSlices(path, json)
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeSlices(temporary, json, 0o644)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

async function writeSlices(path: string, json: string, mode?: number): Promise<void> {
  const file = await open(path, 'w', mode)
  try {
    const buffer = Buffer.allocUnsafe(3 * WRITE_SLICE)
    for (let at = 0; at < json.length;) {
      const end = sliceEnd(json, at)
      await writeAll(file, buffer, buffer.write(json.slice(at, end), 'utf8'))
      at = end
    }
    await writeAll(file, buffer, buffer.write('\n', 'utf8'))
  } finally {
    await file.close()
  }
}

async function writeAll(file: FileHandle, buffer: Buffer, bytes: number): Promise<void> {
  for (let done = 0; done < bytes;) {
    done += (await file.write(buffer, done, bytes - done)).bytesWritten
  }
}

/** The end of the slice from `at`: WRITE_SLICE characters, never between a surrogate pair's halves. */
function sliceEnd(text: string, at: number): number {
  const end = Math.min(at + WRITE_SLICE, text.length)
  const last = text.charCodeAt(end - 1)
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end
}
