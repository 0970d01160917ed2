// Globs for names and ids: `*` any run of characters, `?` one; everything else literal; the whole
// text must match, ignoring case. Matched by a small wildcard matcher rather than a regular
// expression: a pattern of many stars against a long name made the backtracking engine run for
// minutes. This one keeps only the last star to fall back to, so a match costs at most
// (text length × pattern length) steps, whatever the pattern.

export function globMatcher(patterns: readonly string[]): (text: string) => boolean {
  if (patterns.length === 0) return () => true
  const lowered = patterns.map((pattern) => pattern.toLowerCase())
  return (text) => {
    const subject = text.toLowerCase()
    return lowered.some((pattern) => wildcardMatch(pattern, subject))
  }
}

function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  // Where the last star was, and where in the text its run began: the one place to fall back to.
  let star = -1
  let resume = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resume = t
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++
      t++
    } else if (star !== -1) {
      // The star takes one more character; the pattern after it starts again there.
      p = star + 1
      t = ++resume
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}
