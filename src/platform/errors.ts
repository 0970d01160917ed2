// One error type for any failure to get a usable answer from the Platform: it names the request,
// the status and the server's own words, and says what a user can do about it.

import { messageOf } from '../lib/text.js'
import type { PlatformErrorBody } from './types.js'

/**
 * `tls`: the TLS handshake failed (an untrusted certificate, or no TLS at all); `dns`: the host does
 * not resolve; `html`: a web page answered where JSON was expected. Retrying changes none of these.
 */
export type PlatformErrorKind =
  'http' | 'network' | 'timeout' | 'invalid-response' | 'tls' | 'dns' | 'html'

/** Failures that a retry cannot change. */
export function isPermanent(kind: PlatformErrorKind): boolean {
  return kind === 'tls' || kind === 'dns' || kind === 'html'
}

/** Any failure to get a usable answer from the Platform. */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly kind: PlatformErrorKind,
    /** `GET /syncs/{sync_name}/runs`-style name of the operation, with real values. */
    readonly endpoint: string,
    readonly status?: number,
    readonly serverMessage?: string,
    readonly attempts = 1
  ) {
    super(message)
    this.name = 'PlatformError'
  }

  /** The request may have reached the Platform and done its work (matters for POST). */
  get outcomeUnknown(): boolean {
    if (this.kind === 'tls' || this.kind === 'dns') return false
    return this.kind !== 'http' || (this.status !== undefined && this.status >= 500)
  }
}

/** What a user can do about an HTTP status, in their words. */
export function hintFor(status: number): string {
  switch (status) {
    case 401:
      return 'The API key was rejected: it is wrong, expired or revoked. Create a new key in the Platform (Settings → API keys) and update the secret passed as "api-key".'
    case 403:
      return 'The API key\'s role lacks permission for this request: starting and cancelling sync runs needs a key with the "ci" role (or admin); reading policies needs a role that can read policies (a read-only role suffices).'
    default:
      return ''
  }
}

/** Why retrying did not help, said only once the retries have run out. */
function exhaustedHint(error: PlatformError): string {
  if (error.status === 429) return ' The Platform is rate-limiting this key.'
  if (error.status === 502 || error.status === 503 || error.status === 504) {
    return ' The Platform (or a proxy in front of it) was unavailable.'
  }
  return ''
}

/** Node's codes for a certificate chain that does not lead to a CA the runner trusts. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT'
])

/** What to do about a TLS certificate the runner rejected; OpenSSL's own words say little. */
function certificateHint(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code
  if (typeof code !== 'string') return ''
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return ` (${code}): the Platform's TLS certificate is not signed by a CA this runner trusts. If the Platform uses a self-signed certificate or an internal CA, set the NODE_EXTRA_CA_CERTS environment variable of the step to a PEM file with that CA's certificate.`
  }
  if (code === 'CERT_HAS_EXPIRED') return ` (${code}): the Platform's TLS certificate has expired.`
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return ` (${code}): the Platform's TLS certificate is not issued for the host in "platform-url"; use a host name the certificate names.`
  }
  return ''
}

/** What the failure of a request that got no answer means, and what to do about it. */
export function classifyTransportFailure(
  error: unknown,
  apiBaseUrl: string
): { kind: PlatformErrorKind; hint: string } {
  const code = (error as { code?: unknown } | null | undefined)?.code
  const cause = messageOf(error)
  const url = new URL(apiBaseUrl)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      kind: 'dns',
      hint: `: the host "${url.hostname}" of "platform-url" does not resolve (${code}). Check its spelling; a Platform on a private network needs a runner that can resolve and reach it (a self-hosted runner).`
    }
  }
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    /wrong version number|packet length too long/i.test(cause)
  ) {
    return {
      kind: 'tls',
      hint: `: the server at ${url.host} does not speak HTTPS (it answered the TLS handshake in plain HTTP). Use the https:// port of the Platform, or http:// if it really serves plain HTTP.`
    }
  }
  const certificate = certificateHint(error)
  if (certificate !== '') return { kind: 'tls', hint: certificate }
  return { kind: /timeout/i.test(cause) ? 'timeout' : 'network', hint: '' }
}

/**
 * `GET /platform-info` showed that what answers at the URL is not the Platform's API: a 404, a web
 * page, or JSON without a version. Says so with the full URL tried and where the API should be.
 */
export function notAPlatform(error: unknown, url: string): unknown {
  const what = notAPlatformAnswer(error)
  if (what === undefined) return error
  const base = url.replace(/\/platform-info$/, '')
  return new PlatformError(
    `${url} ${what}, so "platform-url" does not point at a CloudQuery Platform. The action adds "/api" to "platform-url" and expects the Platform's API there (tried ${base}); give the Platform's own address, e.g. https://cloudquery.example.com (its API is https://cloudquery.example.com/api).`,
    error instanceof PlatformError ? error.kind : 'invalid-response',
    'GET /platform-info',
    error instanceof PlatformError ? error.status : undefined
  )
}

function notAPlatformAnswer(error: unknown): string | undefined {
  if (!(error instanceof PlatformError)) return 'answered JSON without the Platform\'s "version"'
  // No status: no answer came (a timeout, a reset) or it was never read whole (a body beyond the
  // bound), which says nothing of what answers there; the failure is told as it is.
  if (error.status === undefined) return undefined
  if (error.kind === 'html')
    return `answered HTTP ${error.status} with a web page, not the API's JSON`
  if (error.kind === 'invalid-response')
    return `answered HTTP ${error.status} with something that is not JSON`
  if (error.status === 404 || error.status === 405)
    return `answered HTTP ${error.status} (no such API operation)`
  return undefined
}

export function withAttempts(error: PlatformError, attempts: number): PlatformError {
  if (attempts <= 1) return error
  return new PlatformError(
    `${error.message} (gave up after ${attempts} attempts).${exhaustedHint(error)}`,
    error.kind,
    error.endpoint,
    error.status,
    error.serverMessage,
    attempts
  )
}

export function serverMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as PlatformErrorBody
    if (parsed && typeof parsed.message === 'string' && parsed.message !== '') {
      const details = [
        ...(parsed.errors ?? []),
        ...Object.entries(parsed.field_errors ?? {}).map(([k, v]) => `${k}: ${v}`)
      ]
      return details.length > 0 ? `${parsed.message} (${details.join('; ')})` : parsed.message
    }
  } catch {
    // Not JSON: a proxy's HTML page says nothing useful beyond its status.
  }
  return undefined
}
