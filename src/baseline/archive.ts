// The baseline inside a downloaded artifact: a zip archive (GitHub zips every artifact) holding one
// JSON file. Read in memory with fflate; nothing is written to disk and no path from the archive is
// used. The JSON is inflated in small steps and counted as it comes, so an archive that says it is
// small but inflates without end (a zip bomb) stops at the bound instead of filling the memory.

import { Unzip, UnzipInflate, unzipSync } from 'fflate'
import { megabytes } from '../lib/regular-file.js'
import { BaselineProblemError } from './problem.js'

/** Compressed bytes inflated at a time: at most about 1,000 times as much comes out of each. */
const STEP_BYTES = 16 * 1024

interface Entry {
  name: string
  originalSize: number
}

/**
 * The text of the archive's one `.json` file. Throws a BaselineProblemError when the archive is
 * not a zip, holds no single JSON file, or the file inflates beyond `maxBytes`.
 */
export function baselineJsonOf(zip: Uint8Array, maxBytes: number, what: string): string {
  const entries = entriesOf(zip, what)
  const json = entries.filter((entry) => /\.json$/i.test(entry.name))
  if (json.length !== 1) {
    throw new BaselineProblemError(
      'not-a-baseline',
      `${what} holds ${entries.length} ${entries.length === 1 ? 'file' : 'files'}, ${json.length} of them .json: a baseline artifact holds the one JSON file "baseline-write" wrote`
    )
  }
  const [entry] = json
  const tooBig = (): BaselineProblemError =>
    new BaselineProblemError(
      'too-big',
      `${what} holds a JSON file larger than ${megabytes(maxBytes)}, the most this action reads: select fewer policies in the baseline's job, or pass the file as "baseline-file"`
    )
  if (entry.originalSize > maxBytes) throw tooBig()
  const bytes = inflateEntry(zip, entry.name, maxBytes, tooBig, what)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new BaselineProblemError('not-a-baseline', `${what} holds a JSON file that is not UTF-8`)
  }
}

/** The archive's files, from its central directory, without inflating any. */
function entriesOf(zip: Uint8Array, what: string): Entry[] {
  const entries: Entry[] = []
  try {
    unzipSync(zip, {
      filter: ({ name, originalSize }) => {
        if (!name.endsWith('/')) entries.push({ name, originalSize })
        return false
      }
    })
  } catch {
    throw new BaselineProblemError('not-a-baseline', `${what} is not a zip archive GitHub made`)
  }
  return entries
}

function inflateEntry(
  zip: Uint8Array,
  name: string,
  maxBytes: number,
  tooBig: () => BaselineProblemError,
  what: string
): Uint8Array {
  const chunks: Uint8Array[] = []
  let size = 0
  let done = false
  let failure: BaselineProblemError | undefined
  const unzip = new Unzip((file) => {
    if (file.name !== name || done) return
    file.ondata = (error, chunk, final) => {
      if (failure) return
      if (error) {
        failure = new BaselineProblemError('not-a-baseline', `${what} cannot be unpacked`)
        return
      }
      size += chunk.length
      if (size > maxBytes) failure = tooBig()
      else chunks.push(chunk)
      done ||= final
    }
    file.start()
  })
  unzip.register(UnzipInflate)
  for (let at = 0; at < zip.length && !failure && !done; at += STEP_BYTES) {
    try {
      unzip.push(zip.subarray(at, at + STEP_BYTES), at + STEP_BYTES >= zip.length)
    } catch {
      failure ??= new BaselineProblemError('not-a-baseline', `${what} cannot be unpacked`)
    }
  }
  if (failure) throw failure
  if (!done) throw new BaselineProblemError('not-a-baseline', `${what} cannot be unpacked`)
  return Buffer.concat(chunks)
}
