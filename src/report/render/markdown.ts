// Markdown for the job summary and PR comments, built so that text from the Platform (policy and
// resource names, error messages) can only ever be text: no HTML, no links or images, no broken
// tables, no @mentions that ping people. Escaped text and the builders' results carry the
// `Markdown` brand, and the builders accept nothing else, so an unescaped string is a type error.

import { oneLine } from '../../lib/log-safety.js'
import { formatCount } from './format.js'

declare const markdownBrand: unique symbol
/** Markdown this action wrote or escaped. */
export type Markdown = string & { readonly [markdownBrand]: true }

export type Align = 'left' | 'center' | 'right'

const DEFAULT_MAX_LENGTH = 200
/**
 * What GitHub would turn into a link, a mention (a notification) or an issue reference after the
 * Markdown is rendered: URLs, `www.` hosts, `@name` and `a@b.c`, and `#12`.
 */
const REFERENCES =
  /(?:\b[a-z][a-z\d+.-]*:\/\/|\bwww\.)[^\s<]+|[\p{L}\p{N}._+-]*@[\p{L}\p{N}_./-]*[\p{L}\p{N}_]|\\?#\d+/giu
/** Punctuation after a URL that belongs to the sentence (or escapes it), not to the URL. */
const TRAILING = /(?:\\?[).,;:!?'"])+$/
// Direction overrides can make a name read as something other than what it is; zero-width
// characters make a copy-paste or a search miss what it shows.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g
// Backslash-escapable characters that start emphasis, links, images, headings, code, tables,
// strikethrough or math. `<`, `>` and `&` are HTML-escaped instead.
const MARKDOWN_SPECIALS = /[\\`*_[\]()#+!|~$]/g
const DELIMITER = { left: ':---', center: ':---:', right: '---:' } as const

function trusted(text: string): Markdown {
  return text as Markdown
}

/** A template whose literal parts are the author's Markdown; only Markdown or numbers go in. */
export function markup(
  strings: TemplateStringsArray,
  ...values: readonly (Markdown | number)[]
): Markdown {
  return trusted(strings.reduce((out, part, index) => `${out}${String(values[index - 1])}${part}`))
}

/** Untrusted text for inline Markdown (a paragraph, a list item, a table cell). */
export function escapeText(text: unknown, maxLength = DEFAULT_MAX_LENGTH): Markdown {
  return trusted(neutralizeReferences(escapeInline(text, maxLength)))
}

function escapeInline(text: unknown, maxLength: number): string {
  return (
    escapeHtml(plain(text, maxLength))
      .replace(MARKDOWN_SPECIALS, '\\$&')
      // Only at the start of a line do these begin a list, a heading underline or a numbered item.
      .replace(/^[-=](?=[\s=-]|$)/, '\\$&')
      .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2')
  )
}

/**
 * Untrusted text inside raw HTML (`<summary>`), where GitHub does not parse Markdown, so a
 * backslash would show. Markdown's characters become numeric entities instead: inert as Markdown,
 * should it ever be parsed there, and shown as themselves as HTML.
 */
export function escapeHtmlText(text: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  return neutralizeReferences(escapeHtml(plain(text, maxLength)).replace(/"/g, '&quot;')).replace(
    MARKDOWN_SPECIALS,
    (char) => `&#${char.charCodeAt(0)};`
  )
}

/** A table cell: escaped text, a formatted number, or `—` for a value that is absent. */
export function escapeCell(
  value: string | number | null | undefined,
  maxLength = DEFAULT_MAX_LENGTH
): Markdown {
  const text = typeof value === 'number' ? formatCount(value) : value
  return text == null || text === '' ? trusted('—') : escapeText(text, maxLength)
}

/**
 * Monospace text. An HTML `<code>` element holding escaped text is used rather than backticks:
 * inside a backtick span a table still splits on `|` and backslash escapes are shown literally,
 * so no escaping of a backtick span is right both inside and outside a table.
 */
export function codeSpan(text: unknown, maxLength = DEFAULT_MAX_LENGTH): Markdown {
  // GitHub links and mentions nothing inside <code>, so its text is left exactly as it is.
  return trusted(`<code>${escapeInline(text, maxLength)}</code>`)
}

/** A link to an http(s) URL; anything else is shown as text, without a link. */
export function link(text: unknown, url: string | undefined): Markdown {
  const label = escapeText(text)
  const href = safeHref(url)
  return href === undefined ? label : trusted(`[${label}](${href})`)
}

/** A GitHub table: always a header row and a delimiter row, every row exactly as wide as the header. */
export function table(
  headers: readonly [Markdown, ...Markdown[]],
  rows: readonly (readonly Markdown[])[],
  align: readonly Align[] = []
): Markdown {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  const width = headers.length
  const fit = (row: readonly Markdown[]): string[] =>
    Array.from({ length: width }, (_, index) => tableCell(row[index] ?? ''))
  return trusted(
    [
      line(fit(headers)),
      line(headers.map((_, index) => DELIMITER[align[index] ?? 'left'])),
      ...rows.map((row) => line(fit(row)))
    ].join('\n')
  )
}

/** A collapsed block; `summary` is untrusted plain text. */
export function details(summary: string, body: Markdown): Markdown {
  return trusted(`<details><summary>${escapeHtmlText(summary)}</summary>\n\n${body}\n\n</details>`)
}

/** Blocks (paragraphs, tables, lists) separated by blank lines; empty ones are left out. */
export function blocks(...parts: readonly (Markdown | undefined)[]): Markdown {
  return trusted(parts.filter((part) => part !== undefined && part !== '').join('\n\n'))
}

/** A bullet list; each item stays on its line. */
export function bulletList(items: readonly Markdown[]): Markdown {
  return trusted(items.map((item) => `- ${item.replace(/\r?\n/g, ' ')}`).join('\n'))
}

export function joinInline(parts: readonly Markdown[], separator: Markdown): Markdown {
  return trusted(parts.join(separator))
}

function plain(text: unknown, maxLength: number): string {
  // Anything but a string (a number, or an object from odd Platform data) is shown as JSON, so an
  // object reads as its content rather than "[object Object]".
  const value = text ?? ''
  const string = typeof value === 'string' ? value : JSON.stringify(value)
  return oneLine(string.replace(INVISIBLE, ''), maxLength).trim()
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * GitHub turns `@name` into a mention (a notification), `#12` into an issue reference, and
 * `http://…`, `https://…`, `www.…` and `a@b.c` into links, after Markdown is rendered, so escaping
 * does not stop them. It does none of that inside `<code>`, so each is shown as code: no invisible
 * characters, and a copy-paste or a search gives exactly the text.
 */
function neutralizeReferences(text: string): string {
  return text.replace(REFERENCES, (reference) => {
    const tail = TRAILING.exec(reference)?.[0] ?? ''
    const body = reference.slice(0, reference.length - tail.length)
    return body === '' ? reference : `<code>${body}</code>${tail}`
  })
}

function tableCell(cell: string): string {
  // Cells come from the escapers, but the table stays a table whatever a caller hands it.
  return cell.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|')
}

function safeHref(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
    return parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29')
  } catch {
    return undefined
  }
}
