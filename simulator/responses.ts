// Writing an answer and recording exactly what went over the wire: JSON, text, or a JSON body cut
// in half (the `truncated` fault).

import type { ServerResponse } from 'node:http'
import type { Reply } from './operations.js'
import type { RecordedRequest } from './simulator-types.js'

export function sendJson(
  recordBodies: boolean,
  res: ServerResponse,
  rec: RecordedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  rec.status = status
  // Re-parsed so the record holds exactly what went over the wire.
  if (recordBodies) rec.responseBody = JSON.parse(text)
  writeResponse(res, rec, status, text, { 'content-type': 'application/json', ...headers })
}

export function sendText(
  res: ServerResponse,
  rec: RecordedRequest,
  status: number,
  text: string,
  contentType: string | undefined
): void {
  rec.status = status
  if (text !== '') rec.responseText = text
  writeResponse(res, rec, status, text, contentType ? { 'content-type': contentType } : {})
}

function writeResponse(
  res: ServerResponse,
  rec: RecordedRequest,
  status: number,
  text: string,
  headers: Record<string, string>
): void {
  const all = { ...headers, 'content-length': String(Buffer.byteLength(text)) }
  rec.responseHeaders = all
  res.writeHead(status, all)
  res.end(text)
}

export function sendTruncated(res: ServerResponse, rec: RecordedRequest, reply: Reply): void {
  const bytes = Buffer.from(JSON.stringify(reply.json))
  const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length) }
  rec.status = reply.status
  rec.responseHeaders = headers
  rec.responseText = bytes.subarray(0, bytes.length >> 1).toString('utf8')
  res.writeHead(reply.status, headers)
  res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy())
}
