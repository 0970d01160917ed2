// A small forward proxy for the network tests: it serves absolute-URI HTTP requests
// (`GET http://host:port/path`) and `CONNECT host:port` tunnels, like the corporate proxy an
// `https_proxy` points at. It never resolves the host it is asked for: every target is sent to one
// loopback port (the simulator's), and what passed through is recorded for the test to check.

import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface ProxiedRequest {
  method: string
  /** The absolute URI as the client sent it. */
  url: string
}

export interface TestProxy {
  /** `http://127.0.0.1:PORT`, for `https_proxy`/`http_proxy`. */
  readonly url: string
  /** `host:port` of every CONNECT tunnel asked for, in order. */
  readonly connects: string[]
  /** Every absolute-URI request forwarded, in order. */
  readonly forwards: ProxiedRequest[]
  /** Requests the proxy refused (neither an absolute URI nor CONNECT). */
  readonly refused: string[]
  close(): Promise<void>
}

/** What the proxy saw, and the sockets it must destroy on close. */
interface ProxyLog {
  connects: string[]
  forwards: ProxiedRequest[]
  refused: string[]
  sockets: Set<Socket>
}

/** Starts the proxy on 127.0.0.1; every target goes to `127.0.0.1:targetPort`. */
export async function startProxy(targetPort: number): Promise<TestProxy> {
  const log: ProxyLog = { connects: [], forwards: [], refused: [], sockets: new Set() }
  const server = createServer((req, res) => forwardRequest(log, targetPort, req, res))
  server.on('connection', (socket: Socket) => track(log, socket))
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) =>
    openTunnel(log, targetPort, req, client, head)
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    connects: log.connects,
    forwards: log.forwards,
    refused: log.refused,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // server.close() waits for open connections and tunnels; a test's teardown should not.
      for (const socket of log.sockets) socket.destroy()
      await closed
    }
  }
}

function track(log: ProxyLog, socket: Socket): void {
  log.sockets.add(socket)
  socket.on('close', () => log.sockets.delete(socket))
}

/**
 * The plain-HTTP path (`GET http://host/path`): relays the request to the target port, minus the
 * headers meant for the proxy itself. Anything else is refused, and noted, so a test can tell a
 * client that talked to the proxy as if it were the server.
 */
function forwardRequest(
  log: ProxyLog,
  targetPort: number,
  req: IncomingMessage,
  res: ServerResponse
): void {
  const target = absoluteUrl(req.url)
  if (!target) {
    log.refused.push(`${req.method} ${req.url}`)
    res.writeHead(400, { 'content-type': 'text/plain' }).end('not a proxy request\n')
    return
  }
  log.forwards.push({ method: req.method ?? 'GET', url: req.url ?? '' })
  const headers = { ...req.headers }
  delete headers['proxy-connection']
  delete headers['proxy-authorization']
  const upstream = request(
    {
      host: '127.0.0.1',
      port: targetPort,
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers
    },
    (answer) => relayAnswer(answer, res)
  )
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()))
  req.pipe(upstream)
}

function relayAnswer(answer: IncomingMessage, res: ServerResponse): void {
  res.writeHead(answer.statusCode ?? 502, answer.headers)
  answer.pipe(res)
  answer.on('error', () => res.destroy())
  // An answer cut short upstream is cut short downstream too.
  answer.on('close', () => {
    if (!answer.complete) res.destroy()
  })
}

/** The HTTPS path (`CONNECT host:port`): a raw TCP tunnel to the target port, TLS end to end. */
function openTunnel(
  log: ProxyLog,
  targetPort: number,
  req: IncomingMessage,
  client: Socket,
  head: Buffer
): void {
  log.connects.push(req.url ?? '')
  const upstream = connect(targetPort, '127.0.0.1', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    // Bytes the client sent right behind the CONNECT line belong to the tunnel.
    if (head.length > 0) upstream.write(head)
    upstream.pipe(client)
    client.pipe(upstream)
  })
  track(log, upstream)
  // A reset on one side is a reset on the other, as a real tunnel would pass it on.
  upstream.on('error', () => client.destroy())
  client.on('error', () => upstream.destroy())
  upstream.on('close', () => client.destroy())
  client.on('close', () => upstream.destroy())
}

function absoluteUrl(value: string | undefined): URL | undefined {
  if (!value || !/^https?:\/\//i.test(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}
