// Downloading an artifact. GitHub answers `GET …/actions/artifacts/{id}/zip` with a redirect to a
// short-lived signed URL on its blob storage; the redirect is followed here, by a client that
// carries no token (the signed URL is its own credential, and the token must not reach another
// host), and the archive is read with a size bound, as the Platform's answers are.

import { HttpClient } from '@actions/http-client'
import { BodyTooLargeError, readBodyBytes } from '../lib/body.js'
import type { Octokit } from '../lib/github-client.js'
import { USER_AGENT } from '../lib/version.js'
import type { Repository } from './find.js'
import { BaselineProblemError } from './problem.js'

/** The largest archive downloaded: as large as the largest answer read from the Platform. */
const MAX_ARCHIVE_BYTES = 16 * 1024 * 1024
const DOWNLOAD_TIMEOUT_MS = 60_000
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * The artifact's archive, or `gone` when it expired or was deleted since it was listed (GitHub
 * answers 404 or 410, here or at the storage), so that the next candidate is tried.
 */
export async function downloadArchive(
  octokit: Octokit,
  { owner, repo }: Repository,
  artifactId: number,
  what: string
): Promise<Uint8Array | 'gone'> {
  let location: string | undefined
  try {
    const response = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        owner,
        repo,
        artifact_id: artifactId,
        archive_format: 'zip',
        // Followed below, by a client without the token; the body of the redirect is not read.
        request: { redirect: 'manual', parseSuccessResponseBody: false }
      }
    )
    await (response.data as ReadableStream | null)?.cancel()
    location = isRedirect(response.status) ? headerOf(response.headers, 'location') : undefined
    if (location === undefined) {
      throw new BaselineProblemError(
        'unavailable',
        `GitHub answered the download of ${what} with ${response.status}, not with a redirect to the archive`
      )
    }
  } catch (error) {
    if (isGone(error)) return 'gone'
    throw error
  }
  return fetchArchive(location, what)
}

async function fetchArchive(location: string, what: string): Promise<Uint8Array | 'gone'> {
  const url = archiveUrl(location, what)
  // No handlers: nothing adds an Authorization header. Proxies come from the environment.
  const client = new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    socketTimeout: DOWNLOAD_TIMEOUT_MS
  })
  try {
    const response = await client.get(url.href)
    const status = response.message.statusCode ?? 0
    if (status === 404 || status === 410) {
      response.message.resume()
      return 'gone'
    }
    if (status !== 200) {
      response.message.resume()
      throw new BaselineProblemError(
        'unavailable',
        `the download of ${what} from ${url.host} answered ${status}`
      )
    }
    const declared = Number(response.message.headers['content-length'])
    if (declared > MAX_ARCHIVE_BYTES) {
      response.message.destroy()
      throw new BodyTooLargeError(MAX_ARCHIVE_BYTES)
    }
    return await readBodyBytes(response.message, DOWNLOAD_TIMEOUT_MS, MAX_ARCHIVE_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new BaselineProblemError(
        'too-big',
        `${what} is larger than ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB zipped, the most this action downloads: select fewer policies in the baseline's job, or pass the file as "baseline-file"`
      )
    }
    if (error instanceof BaselineProblemError) throw error
    throw new BaselineProblemError(
      'unavailable',
      `the download of ${what} from ${url.host} failed (${error instanceof Error ? error.message : String(error)})`
    )
  } finally {
    client.dispose()
  }
}

/** The redirect's target: HTTPS, or plain HTTP to this machine only (nothing crosses a network). */
function archiveUrl(location: string, what: string): URL {
  let url: URL | undefined
  try {
    url = new URL(location)
  } catch {
    url = undefined
  }
  if (url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    return url
  throw new BaselineProblemError(
    'unavailable',
    `GitHub redirected the download of ${what} to an address that is not HTTPS`
  )
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function isGone(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status
  return status === 404 || status === 410
}
