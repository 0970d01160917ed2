// The layering rules of .dependency-cruiser.mjs (run by `npm run lint`), each broken on purpose: a
// fixture tree shaped like src/ breaks every rule once, and a clean one uses every kind of import
// the rules allow. A rule that stopped matching (a path pattern gone wrong, say) fails here rather
// than letting its violations through unseen.

import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = join(ROOT, '__tests__/__fixtures__/layering')
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs')
const CONFIG = join(ROOT, '.dependency-cruiser.mjs')

interface Cruise {
  modules: { source: string; dependencies: { resolved: string; couldNotResolve: boolean }[] }[]
  summary: { violations: { rule: { name: string }; from: string; to: string }[] }
}

/** Cruises the fixture tree's src/ with the project's configuration, as `npm run lint` does. */
async function cruise(tree: 'clean' | 'broken'): Promise<Cruise> {
  // depcruise exits with the number of errors, and still writes its report.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'],
    { cwd: join(FIXTURES, tree), maxBuffer: 16 * 1024 * 1024 }
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
  return JSON.parse(stdout) as Cruise
}

/** A cold start of dependency-cruiser (it loads the TypeScript compiler) on a busy machine. */
const CRUISE_TIMEOUT_MS = 60_000

let broken: Cruise
let clean: Cruise

beforeAll(async () => {
  ;[broken, clean] = await Promise.all([cruise('broken'), cruise('clean')])
}, CRUISE_TIMEOUT_MS)

describe('layering rules (.dependency-cruiser.mjs)', () => {
  it('each rule reports the one import in the broken tree that breaks it', () => {
    const { summary } = broken
    const found = summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort()
    expect(found).toEqual(
      [
        'no-cycles: src/lib/a.ts → src/lib/b.ts',
        'stages-stay-apart: src/sync/stage.ts → src/policies/stage.ts',
        'verdict-reads-outcomes-only: src/verdict/decide.ts → src/platform/client.ts',
        'verdict-outcomes-type-only: src/verdict/gate.ts → src/sync/outcome.ts',
        'report-reads-types: src/report/summary/summary.ts → src/policies/stage.ts',
        // report/model.ts has waived imports in the real tree: they waive nothing else.
        'report-reads-types-only: src/report/model.ts → src/sync/outcome.ts',
        'platform-knows-no-stage: src/platform/client.ts → src/inputs/config.ts',
        'lib-stands-alone: src/lib/text.ts → src/platform/types.ts',
        'only-entries-import-run: src/inputs/parse.ts → src/run/run.ts',
        'only-the-entry-imports-main: src/post.ts → src/main.ts'
      ].sort()
    )
  })

  it('the clean tree, with every kind of import the rules allow, passes', () => {
    const { modules, summary } = clean
    expect(summary.violations).toEqual([])
    // Every import was resolved to its file: a rule cannot pass by not seeing one.
    const imports = modules.flatMap((module) => module.dependencies)
    expect(imports.length).toBeGreaterThan(30)
    expect(imports.filter((dependency) => dependency.couldNotResolve)).toEqual([])
  })
})
