// One error type for any failure to get a usable answer from the Platform: it names the request,
// the status and the server's own words, and says what a user can do about it.

import type { PlatformErrorBody } from './types.js'

/** `tls`: the Platform's certificate was rejected; retrying cannot change that. */
export type PlatformErrorKind = 'http' | 'network' | 'timeout' | 'invalid-response' | 'tls'

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
    if (this.kind === 'tls') return false
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
export function certificateHint(error: unknown): string {
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
