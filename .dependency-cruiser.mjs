// The layering of src/ (CONTRIBUTING.md, "Architecture"), checked by `npm run lint` with
// dependency-cruiser. Data flows one way: inputs/ → platform/ → the stages (sync/, policies/,
// baseline/) → verdict/ (pure) → report/, with run/ orchestrating them and main.ts only wiring.
// __tests__/lint/layering.test.ts breaks each rule on purpose in a fixture tree and checks that it
// is reported.
import { fileURLToPath } from 'node:url'

const STAGES = '(sync|policies|baseline)'
/** A stage's outcome types: all that the verdict and the renderers may know of a stage. */
const OUTCOMES = `^src/${STAGES}/outcome\\.ts$`
const ENTRIES = '^src/(index|main|post)\\.ts$'

/**
 * Where the tree breaks a rule today: each waived for that one import only (the rest of the rule
 * still holds for the same file). None at the moment: keep it that way, or say why here.
 */
const WAIVERS = {}

const exactly = (file) => `^${file.replace(/[.]/g, '\\.')}$`
const asList = (patterns) => (patterns === undefined ? [] : [patterns].flat())

/** The rule, less its waived imports: the rule for every other file, and for each waived file. */
function withWaivers(rule) {
  const waivers = WAIVERS[rule.name] ?? []
  const files = [...new Set(waivers.map((waiver) => waiver.from))]
  if (files.length === 0) return [rule]
  const others = {
    ...rule,
    from: { ...rule.from, pathNot: [...asList(rule.from.pathNot), ...files.map(exactly)] }
  }
  const waived = files.map((file) => ({
    ...rule,
    from: { ...rule.from, path: exactly(file) },
    to: {
      ...rule.to,
      pathNot: [
        ...asList(rule.to.pathNot),
        ...waivers.filter((waiver) => waiver.from === file).map((waiver) => exactly(waiver.to))
      ]
    }
  }))
  return [others, ...waived]
}

const rules = [
  {
    name: 'no-cycles',
    comment: 'No import cycle anywhere in src/.',
    from: { path: '^src/' },
    to: { circular: true }
  },
  {
    name: 'stages-stay-apart',
    comment:
      'A stage (sync/, policies/, baseline/) imports no other stage, and nothing above it: verdict/, report/, run/ or the entry files.',
    from: { path: `^src/${STAGES}/` },
    to: {
      path: [`^src/(${STAGES}|verdict|report|run)/`, ENTRIES],
      pathNot: '^src/$1/'
    }
  },
  {
    name: 'verdict-reads-outcomes-only',
    comment:
      "verdict/ is pure: it reads the stages' outcome types, inputs/config.ts and lib/; never platform/, report/, run/ or stage code.",
    from: { path: '^src/verdict/' },
    to: {
      path: '^src/',
      pathNot: ['^src/(verdict|lib)/', '^src/inputs/config\\.ts$', OUTCOMES]
    }
  },
  {
    name: 'verdict-outcomes-type-only',
    comment: "verdict/ imports the stages' outcome files for their types only (import type).",
    from: { path: '^src/verdict/' },
    to: { path: OUTCOMES, dependencyTypesNot: ['type-only'] }
  },
  {
    name: 'report-reads-types',
    comment:
      "report/ renders outcome and verdict types: it imports the stages' outcome files, verdict/, platform/types.ts, inputs/config.ts and lib/; never stage code, the Platform client or run/.",
    from: { path: '^src/report/' },
    to: {
      path: '^src/',
      pathNot: [
        '^src/(report|lib|verdict)/',
        '^src/inputs/config\\.ts$',
        '^src/platform/types\\.ts$',
        OUTCOMES
      ]
    }
  },
  {
    name: 'report-reads-types-only',
    comment:
      "report/ imports the stages' outcome files, verdict/ and platform/types.ts for their types only (import type).",
    from: { path: '^src/report/' },
    to: {
      path: [OUTCOMES, '^src/verdict/', '^src/platform/types\\.ts$'],
      dependencyTypesNot: ['type-only']
    }
  },
  {
    name: 'platform-knows-no-stage',
    comment:
      'platform/ (the API client) imports only lib/ and itself: no stage, no input, nothing above it.',
    from: { path: '^src/platform/' },
    to: { path: '^src/', pathNot: '^src/(platform|lib)/' }
  },
  {
    name: 'lib-stands-alone',
    comment: 'lib/ imports nothing of the project outside lib/.',
    from: { path: '^src/lib/' },
    to: { path: '^src/', pathNot: '^src/lib/' }
  },
  {
    name: 'only-entries-import-run',
    comment: 'run/ (the orchestrator) is started by index.ts, main.ts or post.ts only.',
    from: { path: '^src/', pathNot: ['^src/run/', ENTRIES] },
    to: { path: '^src/run/' }
  },
  {
    name: 'only-the-entry-imports-main',
    comment: 'main.ts only wires: nothing but the entry (index.ts) imports it.',
    from: { pathNot: '^src/index\\.ts$' },
    to: { path: '^src/main\\.ts$' }
  }
]

export default {
  forbidden: rules.map((rule) => ({ severity: 'error', ...rule })).flatMap(withWaivers),
  options: {
    // Type-only imports count: they are what the verdict and the renderers may use of a stage.
    tsPreCompilationDeps: true,
    // Resolves the sources' `./x.js` specifiers to their `.ts` files (NodeNext).
    tsConfig: { fileName: fileURLToPath(new URL('tsconfig.json', import.meta.url)) },
    doNotFollow: { path: 'node_modules' }
  }
}
