// Reading a file the workflow names (`baseline-file`, `exceptions-file`) as a regular file of a
// bounded size. A FIFO would block the read for ever, a device such as /dev/zero never ends, and a
// file of hundreds of megabytes takes gigabytes once parsed: each is refused before its content is
// read, with what it is (a symlink is judged by what it points at).

import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats
} from 'node:fs'
import { messageOf } from './text.js'

/** Why a path cannot be read as the file expected; the message follows the quoted path. */
class FileRefusal extends Error {}

/**
 * The bytes of the regular file at `path` (symlinks followed), at most `maxBytes`; throws a
 * FileRefusal saying what the path is instead (missing, unreadable, not a regular file, too big).
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let stats: Stats
  try {
    // stat, not open: it follows a symlink to see what is there without opening it, and opening a
    // FIFO waits for a writer.
    stats = statSync(path)
  } catch (error) {
    throw new FileRefusal(`cannot be read (${messageOf(error)})`)
  }
  refuseUnlessFitting(stats, maxBytes, linkedFrom(path))
  let fd: number
  try {
    // Non-blocking, should the path have become a FIFO since it was looked at: the open then
    // returns at once, and the check below refuses it.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    throw new FileRefusal(`cannot be read (${messageOf(error)})`)
  }
  try {
    const opened = fstatSync(fd)
    refuseUnlessFitting(opened, maxBytes, 'is')
    return readAll(fd, opened.size)
  } finally {
    closeSync(fd)
  }
}

/** The bytes without a UTF-8 byte-order mark, which some editors put first, as UTF-8 text. */
export function utf8Text(bytes: Buffer): string {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  return bytes.toString('utf8', bom ? 3 : 0)
}

/** `12.3 MB`, in the MB (10^6 bytes) the limits are given in. */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`
}

/** `is`, or for a symlink `leads to "<its target>", which is`: a refusal names what was judged. */
function linkedFrom(path: string): string {
  try {
    if (!lstatSync(path).isSymbolicLink()) return 'is'
    return `leads to "${realpathSync(path)}", which is`
  } catch {
    return 'is'
  }
}

function refuseUnlessFitting(stats: Stats, maxBytes: number, is: string): void {
  const kind = specialKind(stats)
  if (kind) throw new FileRefusal(`${is} ${kind}, not a regular file`)
  if (stats.size > maxBytes) {
    throw new FileRefusal(
      `${is} ${megabytes(stats.size)}, larger than the ${megabytes(maxBytes)} this action reads`
    )
  }
}

function specialKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'a file of an unknown kind'
}

/** Up to `size` bytes: what the file held when it was opened, should it grow meanwhile. */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size)
  let done = 0
  while (done < size) {
    const read = readSync(fd, buffer, done, size - done, done)
    if (read === 0) break
    done += read
  }
  return buffer.subarray(0, done)
}
