// A throwaway certificate authority for the TLS tests, made with `openssl` at test time: a CA, and
// a server certificate it signed for `platform.test`, `localhost` and 127.0.0.1. Generated rather
// than committed, so no private key sits in the repository and nothing expires under the tests.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa {
  /** The CA certificate (PEM) file: what NODE_EXTRA_CA_CERTS points at. */
  caFile: string
  /** The server's key and certificate, for `startSimulator(…, { tls })`. */
  tls: { key: Buffer; cert: Buffer }
  remove(): void
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const SERVER_NAMES = ['DNS:platform.test', 'DNS:localhost', 'IP:127.0.0.1']

/** Every key is P-256 EC: quick to make, unlike RSA, and accepted by Node's TLS defaults. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
/** Long enough for any test run, short enough that a leaked key is soon worthless. */
const VALID_DAYS = '2'

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'cq-test-ca-'))
  const file = (name: string): string => join(dir, name)
  createCaCertificate(file)
  createServerCertificate(file)
  return {
    caFile: file('ca.pem'),
    tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) },
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

function openssl(...args: string[]): void {
  // stderr is kept, so a failing openssl says why in the thrown error.
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** A self-signed root (ca.key, ca.pem), marked as a CA that may sign certificates. */
function createCaCertificate(file: (name: string) => string): void {
  openssl(
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    VALID_DAYS,
    '-subj',
    '/CN=CloudQuery Action Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  )
}

/**
 * The server's key and a certificate the CA signed (server.key, server.pem), for every name in
 * SERVER_NAMES: TLS checks the subjectAltName, not the CN, so the names must be there.
 */
function createServerCertificate(file: (name: string) => string): void {
  openssl(
    'req',
    ...EC_KEY,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=platform.test'
  )
  writeFileSync(
    file('server.ext'),
    [
      `subjectAltName=${SERVER_NAMES.join(',')}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth'
    ].join('\n')
  )
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    // Given outright, so openssl need not keep a serial file (ca.srl) beside the CA.
    '-set_serial',
    String(Date.now()),
    '-days',
    VALID_DAYS,
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem')
  )
}
