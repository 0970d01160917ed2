// Global setup of the bundle project: the bundle tests spawn dist/index.js, so a dist/ older than
// src/ would have them test yesterday's code and pass (or fail) for the wrong reasons. Refuse to
// start instead, saying what to do.
//
// "Older" is decided in two steps, because modification times alone cannot tell after a checkout:
// `git clone` (or switching branches) writes every file within a second or two, in no particular
// order, so a freshly checked-out dist/ may well look a little older than src/.
//
// 1. Git first. When dist/index.js is the committed one and src/ is exactly as it was in the
//    commit that last changed dist/index.js (no edits, no new files), dist/ is the build of this
//    src/ — CI (.ci/run, check-dist) makes sure a commit's dist/ is its src/ built — whatever the
//    times say. A fresh clone always passes here.
// 2. Otherwise (src/ edited or committed since, or dist/ rebuilt locally) the times decide:
//    dist/index.js must not be older than any file in src/ by more than CHECKOUT_SPREAD_MS, the
//    spread of a checkout. Building after the last edit passes; editing after the last build does
//    not. (Editing within those seconds of a build goes unnoticed; that is the price of the
//    tolerance.)
//
// ACTION_BUNDLE points the tests at another build: then there is nothing here to compare.

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// Jest loads a global setup without the `.js` → `.ts` mapping of the tests, so this file imports
// nothing of the project's (scripts/action-runner.ts names the same paths).
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUNDLE = join(ROOT, 'dist', 'index.js')
const SRC = join(ROOT, 'src')
const CHECKOUT_SPREAD_MS = 5_000
const REBUILD = 'Run "npm run package" (or point ACTION_BUNDLE at the build to test).'

export default function freshBundle(): void {
  if (process.env.ACTION_BUNDLE) return
  if (!existsSync(BUNDLE)) fail(`There is no bundle at ${relative(ROOT, BUNDLE)}. ${REBUILD}`)
  if (committedBuildOfThisSource()) return
  const built = statSync(BUNDLE).mtimeMs
  const newer = sourceFiles(SRC)
    .map((file) => ({ file, changed: statSync(file).mtimeMs }))
    .filter(({ changed }) => changed > built + CHECKOUT_SPREAD_MS)
    .sort((a, b) => b.changed - a.changed)
  if (newer.length === 0) return
  const names = newer.slice(0, 3).map(({ file }) => relative(ROOT, file))
  const more = newer.length > 3 ? ` and ${newer.length - 3} more` : ''
  fail(
    `${relative(ROOT, BUNDLE)} is older than ${names.join(', ')}${more}: the bundle tests would ` +
      `test an old build of the action. ${REBUILD}`
  )
}

/** dist/index.js as committed, and src/ as it was when dist/index.js was last committed. */
function committedBuildOfThisSource(): boolean {
  try {
    const bundle = relative(ROOT, BUNDLE)
    const built = git('log', '-1', '--format=%H', '--', bundle)
    if (built === '') return false
    git('diff', '--quiet', 'HEAD', '--', bundle)
    git('diff', '--quiet', built, '--', 'src')
    return git('ls-files', '--others', '--exclude-standard', '--', 'src') === ''
  } catch {
    // Not a git checkout, or something differs (`git diff --quiet` exits 1): the times decide.
    return false
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }).trim()
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : [path]
  })
}

function fail(message: string): never {
  const error = new Error(message)
  // The message says it all; a stack into this file would only bury it.
  error.stack = message
  throw error
}
