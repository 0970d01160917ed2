// Preloaded into the bundled action by the network tests (`NODE_OPTIONS=--import <this file>`), so
// that no host name is ever handed to the real resolver and no DNS query can leave the machine:
// IP literals resolve to themselves, `localhost` to 127.0.0.1, the names listed in CQ_TEST_HOSTS
// (`platform.test=127.0.0.1,…`, like lines of /etc/hosts) to their address, and every other name
// fails as ENOTFOUND with a `dns-guard:` line on stderr that a test can look for.

import dns from 'node:dns'
import net from 'node:net'

const hosts = new Map([['localhost', '127.0.0.1']])
for (const entry of (process.env.CQ_TEST_HOSTS ?? '').split(',')) {
  const [name, address] = entry.split('=').map((part) => part.trim())
  if (name && address && net.isIP(address)) hosts.set(name.toLowerCase(), address)
}

function resolve(hostname) {
  const name = String(hostname).replace(/^\[|\]$/g, '')
  if (net.isIP(name)) return name
  const address = hosts.get(name.toLowerCase().replace(/\.$/, ''))
  if (address) return address
  process.stderr.write(`dns-guard: refused to resolve "${name}"\n`)
  return undefined
}

function notFound(hostname) {
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`)
  error.code = 'ENOTFOUND'
  error.errno = -3008
  error.syscall = 'getaddrinfo'
  error.hostname = hostname
  return error
}

dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback
  const all = typeof options === 'object' && options !== null && options.all === true
  const address = resolve(hostname)
  process.nextTick(() => {
    if (address === undefined) return done(notFound(hostname))
    const family = net.isIP(address)
    if (all) done(null, [{ address, family }])
    else done(null, address, family)
  })
  return {}
}

dns.promises.lookup = async function lookup(hostname, options) {
  const address = resolve(hostname)
  if (address === undefined) throw notFound(hostname)
  const family = net.isIP(address)
  return typeof options === 'object' && options !== null && options.all === true
    ? [{ address, family }]
    : { address, family }
}
