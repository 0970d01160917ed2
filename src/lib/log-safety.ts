// Text that comes from the Platform (names, descriptions, log lines, error messages) is data, and
// must never become a workflow command or leak the API key. Everything untrusted that reaches the
// log passes through here.

// Control characters are exactly what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g
const LINE_BREAKS = /\r\n|\r|\n/g

/** One printable line: breaks become ` ⏎ `, other control characters go, long text is cut. */
export function oneLine(text: string, maxLength = 500): string {
  const flat = String(text)
    .replace(LINE_BREAKS, ' ⏎ ')
    .replace(/\t/g, ' ')
    .replace(CONTROL_CHARS, '')
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
    .map((line) => neutralizeCommands(line.replace(CONTROL_CHARS, '')))
    .join('\n')
}

export type Redactor = (text: string) => string

/**
 * Replaces each secret with `***`. The runner masks registered secrets in the log, but not in the
 * job summary, the JSON report or a PR comment, so those pass through this too.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const present = secrets.filter((secret) => secret.length >= 4)
  const variants = new Set<string>()
  for (const secret of present) {
    variants.add(secret)
    variants.add(encodeURIComponent(secret))
    variants.add(JSON.stringify(secret).slice(1, -1))
  }
  const ordered = [...variants].sort((a, b) => b.length - a.length)
  return (text: string) => {
    let result = String(text)
    for (const secret of ordered) result = result.split(secret).join('***')
    return result
  }
}
