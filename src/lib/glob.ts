// Globs for names and ids: `*` any run of characters, `?` one; everything else literal; the whole
// text must match, ignoring case.

export function globMatcher(patterns: readonly string[]): (text: string) => boolean {
  if (patterns.length === 0) return () => true
  const regexps = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split('')
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
          .join('')}$`,
        'is'
      )
  )
  return (text) => regexps.some((regexp) => regexp.test(text))
}
