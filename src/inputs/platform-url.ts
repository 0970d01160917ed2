// The Platform's URL: accepted with or without `/api`, never with credentials in it.

import { InputError } from './config.js'
import { invalid } from './values.js'

/** Accepts the deployment's URL with or without a trailing `/api` or `/`. */
export function parsePlatformUrl(value: string): string {
  if (value === '')
    throw new InputError(
      'Input "platform-url" is required: the URL of your CloudQuery Platform deployment, e.g. https://cloudquery.example.com'
    )
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(
      'platform-url',
      // It did not parse, so strip anything that looks like user-info by hand.
      value.replace(/^([^/?#]*\/\/)?[^/?#]*@/, '$1'),
      'an absolute http(s) URL, e.g. https://cloudquery.example.com'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('platform-url', value, 'an http:// or https:// URL')
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw invalid(
      'platform-url',
      redactUrl(url),
      'a URL without credentials, query string or fragment; pass the key in "api-key"'
    )
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '')
  return `${url.origin}${path}/api`
}

/** True when the key would cross a network in clear text (plain http to a host other than this one). */
export function isCleartextRemote(apiBaseUrl: string): boolean {
  const url = new URL(apiBaseUrl)
  if (url.protocol !== 'http:') return false
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return !(host === 'localhost' || host === '::1' || /^127\./.test(host))
}

function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search || url.hash ? ' (query string and fragment not shown)' : ''}`
}
