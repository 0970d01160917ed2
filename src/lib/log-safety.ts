// Text that comes from the Platform (names, descriptions, log lines, error messages) is data, and
// must never become a workflow command or leak the API key. Everything untrusted that reaches the
// log passes through here.

// Control characters are exactly what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g
const LINE_BREAKS = /\r\n|\r|\n/g
/** Terminal escape sequences (colours, cursor moves, OSC titles and links): the log renders them. */
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-_])/g
/** Bidirectional overrides and isolates: they make a line read differently from what it says. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** Without terminal escapes, bidi controls and other control characters (line breaks kept). */
export function stripControls(text: string): string {
  return text.replace(ANSI_ESCAPES, '').replace(BIDI_CONTROLS, '').replace(CONTROL_CHARS, '')
}

/**
 * One printable line: breaks become ` ⏎ `, other control characters go, long text is cut. A cut can
 * split a secret so that no redactor recognises what is left of it: text that may hold one is
 * redacted before it comes here (`oneLine(redact(text), n)`, with the redactor the caller is given).
 */
export function oneLine(text: string, maxLength = 500): string {
  const flat = stripControls(String(text).replace(LINE_BREAKS, ' ⏎ ').replace(/\t/g, ' '))
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat
}

/**
 * The runner reads a line as a command when, trimmed, it starts with `::` (or the legacy `##[`).
 * A zero-width space between the two characters keeps the text readable and inert.
 */
export function neutralizeCommands(line: string): string {
  return line.replace(
    /^(\s*)(::|##\[)/,
    (_match, space: string, token: string) => `${space}${token[0]}\u200b${token.slice(1)}`
  )
}

/** Makes any untrusted text safe to print as log lines (each line neutralized). */
export function safeLogText(text: string): string {
  return String(text)
    .split(LINE_BREAKS)
    .map((line) => neutralizeCommands(stripControls(line)))
    .join('\n')
}

export type Redactor = (text: string) => string

/**
 * Replaces each secret with `***`: as is, URL-encoded, JSON-escaped, and in base64 (standard and
 * URL-safe) at any offset, as in a Basic auth header quoted back. The runner masks registered
 * secrets in the log, but not in the job summary, the JSON report or a PR comment, so those pass
 * through this too. It is passed to whatever cuts text that may hold a secret, to apply first.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const present = secrets.filter((secret) => secret.length >= 4)
  const variants = new Set<string>()
  for (const secret of present) {
    variants.add(secret)
    variants.add(encodeURIComponent(secret))
    variants.add(JSON.stringify(secret).slice(1, -1))
    for (const form of base64Forms(secret)) variants.add(form)
  }
  // A secret of four characters or more has no form shorter than four: each is worth looking for.
  const ordered = [...variants].sort((a, b) => b.length - a.length)
  // Reports pass every string through here (tens of thousands at the Platform's scale), and almost
  // none holds a secret: one scan says so, where replacing each form in turn copies every string.
  const anyForm = new RegExp(ordered.map(escapeRegExp).join('|'))
  return (text: string) => {
    let result = String(text)
    if (!anyForm.test(result)) return result
    for (const secret of ordered) result = result.split(secret).join('***')
    return result
  }
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The base64 characters that depend only on the secret's bytes, for each of the three offsets it
 * can start at inside a longer encoded text (`user:key` → base64), standard and URL-safe.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8')
  return [0, 1, 2].flatMap((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    const inner = encoded.slice(
      Math.ceil((offset * 4) / 3),
      Math.floor(((offset + bytes.length) * 4) / 3)
    )
    return [inner, inner.replace(/\+/g, '-').replace(/\//g, '_')]
  })
}
