// Writing a JSON file (the report, the compact baseline) where a reader never sees half of it, and
// only where the workflow meant. A path is followed through its symlinks first (at the path and in
// its parents): one that leads out of the workspace or the runner's temp folder (a symlink the
// repository itself can carry) is refused, never written. A report with a baseline runs to
// megabytes: it is written a slice at a time through one buffer, never copied whole.

import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, mkdir, open, readlink, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname, isAbsolute, join, parse, relative } from 'node:path'
import type { Redactor } from '../../lib/log-safety.js'

/** Characters a slice; in UTF-8 at most 3 bytes each (a surrogate pair, 2 of them, takes 4). */
const WRITE_SLICE = 1 << 18
/** As many symlinks as Linux follows in one path before it gives up (ELOOP). */
const MAX_LINKS = 40
const NULL_DEVICE = '/dev/null'

/**
 * Where a symlink may lead and a FIFO or device be written: the workspace and the runner's temp
 * folder (GITHUB_WORKSPACE, RUNNER_TEMP), as real paths.
 */
export type WritePlaces = readonly string[]

/**
 * Writes `text` and a newline, redacted, to where `path` leads. A regular file (or a new one) is
 * written to a temporary file beside it, then renamed over it. A FIFO or a device there is written in
 * place (a rename would replace the node itself: as root, `/dev/full` once became a plain file), but
 * only inside `places`, and a FIFO only while a reader has it open; outside them, only the null
 * device. Throws, saying why, instead of writing anywhere else.
 */
export async function writeJsonFile(
  path: string,
  text: string,
  redact: Redactor,
  places: WritePlaces
): Promise<void> {
  const { target, throughLink } = await followLinks(path)
  const inside = isInside(target, places)
  if (throughLink && !inside) {
    throw new Error(
      `it leads through a symlink to "${target}", outside ${describePlaces(places)}: this action never writes through a symlink out of them. Name the file itself, or a path inside them`
    )
  }
  const json = redact(text)
  const existing = await stat(target).catch(() => undefined)
  if (existing?.isDirectory()) throw new Error(`"${target}" is a directory`)
  if (existing && !existing.isFile()) {
    if (!inside && !(await isNullDevice(target))) {
      throw new Error(
        `"${target}" is ${specialKind(existing)} outside ${describePlaces(places)}: this action writes a FIFO or a device only inside them (and /dev/null anywhere)`
      )
    }
    return writeInPlace(target, json, existing.isFIFO())
  }
  await mkdir(dirname(target), { recursive: true })
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeSlices(await open(temporary, 'w', 0o644), json)
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/**
 * The path a write to `path` lands on, every symlink on the way followed as the system would (a
 * `..` after a symlink goes up from where it led), and whether there was one. What does not exist
 * yet is taken as written.
 */
async function followLinks(path: string): Promise<{ target: string; throughLink: boolean }> {
  const absolute = isAbsolute(path) ? path : join(process.cwd(), path)
  let at = parse(absolute).root
  let pending = components(absolute.slice(at.length))
  let links = 0
  while (pending.length > 0) {
    const name = pending.shift()!
    if (name === '.') continue
    if (name === '..') {
      at = dirname(at)
      continue
    }
    const next = join(at, name)
    const stats = await lstat(next).catch(() => undefined)
    if (!stats?.isSymbolicLink()) {
      at = next
      continue
    }
    if (++links > MAX_LINKS) throw new Error(`it leads through more than ${MAX_LINKS} symlinks`)
    const link = await readlink(next)
    if (isAbsolute(link)) at = parse(link).root
    pending = [...components(isAbsolute(link) ? link.slice(at.length) : link), ...pending]
  }
  return { target: at, throughLink: links > 0 }
}

function components(path: string): string[] {
  return path.split(/[\\/]+/).filter((name) => name !== '')
}

function isInside(target: string, places: WritePlaces): boolean {
  return places.some((place) => {
    const from = relative(place, target)
    return from === '' || (!from.startsWith('..') && !isAbsolute(from))
  })
}

function describePlaces(places: WritePlaces): string {
  if (places.length === 0) return "the workspace and the runner's temp folder (neither is set)"
  return `the workspace and the runner's temp folder (${places.map((p) => `"${p}"`).join(', ')})`
}

async function isNullDevice(target: string): Promise<boolean> {
  if (target === NULL_DEVICE) return true
  const [device, nul] = await Promise.all([
    stat(target).catch(() => undefined),
    stat(NULL_DEVICE).catch(() => undefined)
  ])
  return !!device && !!nul && device.isCharacterDevice() && device.rdev === nul.rdev
}

function specialKind(stats: Awaited<ReturnType<typeof stat>>): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Writes through the node at `target`. A FIFO is opened without waiting first: with no reader,
 * an ordinary open would wait for one for ever.
 */
async function writeInPlace(target: string, json: string, fifo: boolean): Promise<void> {
  if (fifo) {
    const probe = await open(target, constants.O_WRONLY | constants.O_NONBLOCK).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENXIO') {
          throw new Error(`"${target}" is a FIFO (named pipe) that no process reads`)
        }
        throw error
      }
    )
    // A reader has it open, so an ordinary open returns at once; writes then wait for the reader
    // instead of failing when the pipe is full.
    try {
      return await writeSlices(await open(target, 'w'), json)
    } finally {
      await probe.close()
    }
  }
  await writeSlices(await open(target, 'w'), json)
}

/** Writes `json` and a newline, then closes `file`. */
async function writeSlices(file: FileHandle, json: string): Promise<void> {
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
