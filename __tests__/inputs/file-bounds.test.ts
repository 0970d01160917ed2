// baseline-file and exceptions-file are read as regular files within bounds: a FIFO, a device, a
// directory or a socket is an input error at once (a symlink judged by what it points at), a file
// over its size is refused before it is read, a byte-order mark is accepted, what a file holds is
// never quoted when it is not what was expected, and a baseline that contradicts itself (a policy
// twice, an impossible createdAt, an empty resource id) is refused, naming what is wrong.

import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Lexer } from 'yaml'
import { InputError, type ExceptionEntry } from '../../src/inputs/config.js'
import { MAX_EXCEPTIONS_BYTES } from '../../src/inputs/exceptions-file.js'
import { parseInputs } from '../../src/inputs/parse.js'
import {
  MAX_YAML_NESTING,
  MAX_YAML_TOKENS,
  yamlBeyondBounds
} from '../../src/inputs/yaml-bounds.js'
import { MAX_BASELINE_BYTES, MAX_BASELINE_STRINGS } from '../../src/lib/baseline-format.js'

const dir = mkdtempSync(join(tmpdir(), 'cq-file-bounds-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(content: string | Buffer): string {
  const path = join(dir, `file-${++files}`)
  writeFileSync(path, content)
  return path
}

/** The exceptions an exceptions file at `path` gives, read as the action reads its inputs. */
function exceptionsOf(path: string): ExceptionEntry[] {
  const config = parseInputs(
    (name) =>
      ({ 'platform-url': 'https://cq.example.com', 'api-key': 'k-1', 'exceptions-file': path })[
        name
      ],
    {}
  )
  return config.policies?.exceptions?.entries ?? []
}

function errorOf(values: Record<string, string>): string {
  try {
    parseInputs(
      (name) => ({ 'platform-url': 'https://cq.example.com', 'api-key': 'k-1', ...values })[name],
      {}
    )
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error('expected an InputError')
}

const parsedBaseline = (path: string) =>
  parseInputs(
    (name) =>
      ({ 'platform-url': 'https://cq.example.com', 'api-key': 'k-1', 'baseline-file': path })[name],
    {}
  ).policies!.baseline!

const baselineText = (policies: unknown, createdAt = '2026-11-20T00:00:00Z'): string =>
  JSON.stringify({
    baseline: { format: 'cloudquery-platform-baseline', version: 1, createdAt, policies }
  })

const INPUTS = ['baseline-file', 'exceptions-file'] as const

describe('only a regular file is read', () => {
  const fifo = join(dir, 'pipe')
  execFileSync('mkfifo', [fifo])
  const zeroLink = join(dir, 'zero')
  symlinkSync('/dev/zero', zeroLink)

  it.each(INPUTS)('%s: a FIFO, a device, a directory: an input error at once', (input) => {
    // Each would block or never end if it were read: the test itself would hang.
    expect(errorOf({ [input]: fifo })).toContain(
      `Input "${input}": "${fifo}" is a FIFO (named pipe), not a regular file.`
    )
    expect(errorOf({ [input]: '/dev/zero' })).toContain(
      `"/dev/zero" is a character device, not a regular file.`
    )
    expect(errorOf({ [input]: zeroLink })).toContain(
      `"${zeroLink}" leads to "/dev/zero", which is a character device, not a regular file.`
    )
    expect(errorOf({ [input]: dir })).toContain(`"${dir}" is a directory, not a regular file.`)
  })

  it.each(INPUTS)('%s: a socket too', async (input) => {
    const socket = join(dir, `${input}.sock`)
    const server = createServer()
    await new Promise<void>((listening) => server.listen(socket, listening))
    try {
      expect(errorOf({ [input]: socket })).toContain(`"${socket}" is a socket, not a regular file.`)
    } finally {
      await new Promise((closed) => server.close(closed))
    }
  })

  it.each([
    ['baseline-file', MAX_BASELINE_BYTES, '64 MB', '32 MB'],
    ['exceptions-file', MAX_EXCEPTIONS_BYTES, '2 MB', '1 MB']
  ] as const)(
    '%s: larger than its bound, refused before it is read',
    (input, bound, size, most) => {
      const big = file('')
      // Sparse: as large as said, without writing it.
      truncateSync(big, 2 * bound)
      expect(errorOf({ [input]: big })).toContain(
        `"${big}" is ${size}, larger than the ${most} this action reads.`
      )
    }
  )
})

describe('a baseline file', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf])
  const valid = baselineText([{ id: 'p1', resources: ['r1'] }])

  it('may start with a byte-order mark', () => {
    const baseline = parsedBaseline(file(Buffer.concat([BOM, Buffer.from(valid)])))
    expect([...baseline.policies.get('p1')!]).toEqual(['r1'])
  })

  it('that is not JSON is never quoted: the path may name any file', () => {
    const passwd = file('root:x:0:0:root:/root:/bin/bash\n')
    const message = errorOf({ 'baseline-file': passwd })
    expect(message).toContain(`"${passwd}" is not JSON.`)
    expect(message).not.toContain('root')
    // Where JSON.parse says the mistake is, the message says it too, without the text.
    expect(errorOf({ 'baseline-file': file('{"baseline": {"secret-value" 1}}') })).toMatch(
      /is not JSON \(a syntax error at line 1, column \d+\)\./
    )
  })

  it('quotes a wrong format or date cut short', () => {
    const long = 'x'.repeat(5_000)
    const message = errorOf({
      'baseline-file': file(JSON.stringify({ baseline: { format: long, version: 1 } }))
    })
    expect(message).toMatch(/has "format": "x+…, "version": 1\./)
    expect(message.length).toBeLessThan(1_000)
  })

  it('holding more strings than its bound is refused before it is parsed', () => {
    const ids = Array.from({ length: MAX_BASELINE_STRINGS }, (_, i) => i.toString(36))
    expect(
      errorOf({ 'baseline-file': file(baselineText([{ id: 'p', resources: ids }])) })
    ).toContain('holds more than 1,000,000 strings (resource ids), the most this action reads.')
  })

  it('that lists a policy twice is refused, naming it', () => {
    const twice = baselineText([
      { id: 'p1', resources: ['a'] },
      { id: 'p2', resources: [] },
      { id: 'p1', resources: ['b'] }
    ])
    expect(errorOf({ 'baseline-file': file(twice) })).toContain(
      'lists policy "p1" twice (policies[0] and policies[2]), so it is not clear which list of resources holds.'
    )
  })

  it('with an empty resource id is refused: a resource without an id is never in a baseline', () => {
    const empty = baselineText([{ id: 'p1', resources: ['a', ''] }])
    expect(errorOf({ 'baseline-file': file(empty) })).toContain(
      'has an empty resource id (policies[0].resources[1], policy "p1")'
    )
  })

  it.each([
    ['"0"', '0', 'not a date-time'],
    ['a number', 0, 'not a date-time'],
    ['a date before 2020', '2019-12-31T23:59:59Z', 'before 2020'],
    ['a day in the future', new Date(Date.now() + 86_400_000).toISOString(), 'later than now']
  ])('with createdAt %s is refused', (_, createdAt, why) => {
    const path = file(baselineText([], createdAt as string))
    expect(errorOf({ 'baseline-file': path })).toContain(`has "createdAt": `)
    expect(errorOf({ 'baseline-file': path })).toContain(why)
  })

  it('made a few minutes ahead of this clock (another machine) is accepted', () => {
    const skewed = new Date(Date.now() + 60_000).toISOString()
    expect(parsedBaseline(file(baselineText([], skewed))).createdAt).toBe(skewed)
  })
})

describe('an exceptions file', () => {
  const entry = ['exceptions:', '  - policy: p', '    reason: r', '    expires: 2026-12-31', '']

  it('may start with a byte-order mark', () => {
    const path = file(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(entry.join('\n'))])
    )
    expect(exceptionsOf(path).map((e) => e.policy)).toEqual(['p'])
  })

  it('of exactly the most entries is read whole', () => {
    const text = `exceptions:\n${'  - {policy: p, reason: r, expires: 2026-12-31}\n'.repeat(2_000)}`
    expect(exceptionsOf(file(text))).toHaveLength(2_000)
  })

  it('with matcher values past the bound in several entries says so once, where they first are', () => {
    const values = Array.from({ length: 15_000 }, (_, i) => `r${i}`).join(', ')
    const message = errorOf({
      'exceptions-file': file(
        [
          'exceptions:',
          `  - {policy: p, reason: r, expires: 2026-12-31, resources: &r [${values}]}`,
          '  - {policy: p, reason: r, expires: 2026-12-31, resources: *r}',
          '  - {policy: p, reason: r, expires: 2026-12-31, resources: *r}',
          ''
        ].join('\n')
      )
    })
    expect(message.match(/more than 20,000 values/g)).toEqual(['more than 20,000 values'])
    expect(message).toContain('line 3: more than 20,000 values')
  })

  it('names an unknown key only when it looks like one', () => {
    const message = errorOf({
      'exceptions-file': file('password: hunter2\n"root:x:0:0:root:/root:/bin/bash": 1\n')
    })
    expect(message).toContain('line 1: unknown key "password" (accepted: exceptions)')
    expect(message).toContain('line 2: unknown key (not shown) (accepted: exceptions)')
    expect(message).not.toContain('root:x')
    expect(message).not.toContain('hunter2')
  })

  it.each([
    [
      'more tokens than its bound',
      `exceptions:\n  - policy: p\n    resources: [${'a,'.repeat(MAX_YAML_TOKENS / 2)}a]\n`,
      'line 3: more than 200,000 YAML tokens, the most this action reads'
    ],
    [
      'flow collections nested too deep',
      `exceptions:\n  - policy: p\n    tags: ${'['.repeat(MAX_YAML_NESTING + 1)}\n`,
      'line 3: collections nested more than 8 deep'
    ],
    [
      'block collections nested too deep',
      `exceptions:\n${'- '.repeat(9)}a\n`,
      'line 2: collections nested more than 8 deep'
    ],
    [
      'more entries than its bound',
      `exceptions:\n${'  - {policy: p, reason: r, expires: 2026-12-31}\n'.repeat(2_001)}`,
      'line 2: more than 2,000 entries'
    ],
    [
      'more matcher values than its bound (an alias counted each time)',
      [
        'exceptions:',
        `  - {policy: p, reason: r, expires: 2026-12-31, resources: &r [${Array.from({ length: 5_000 }, (_, i) => `r${i}`).join(', ')}]}`,
        ...Array.from(
          { length: 4 },
          () => '  - {policy: p, reason: r, expires: 2026-12-31, resources: *r}'
        ),
        ''
      ].join('\n'),
      'line 6: more than 20,000 values of resources, accounts, regions, tags'
    ],
    [
      'more aliases than its bound',
      [
        'exceptions:',
        '  - {policy: &p p, reason: r, expires: 2026-12-31}',
        ...Array.from({ length: 60 }, () => '  - {policy: *p, reason: *p, expires: 2026-12-31}'),
        ''
      ].join('\n'),
      'line 53: more than 100 aliases (*name)'
    ]
  ])('with %s is refused at its line, before the work', (_, text, expected) => {
    const message = errorOf({ 'exceptions-file': file(text) })
    expect(message).toContain(expected)
    expect(message).toContain(', the most this action reads')
  })
})

describe('a YAML text', () => {
  it('of exactly the most tokens is read; one token more is not', () => {
    // `[`, `]` and the document around them are 5 tokens, each `a,` 3 more (the lexer's count).
    const text = `[${'a,'.repeat((MAX_YAML_TOKENS - 5) / 3)}a]`
    expect([...new Lexer().lex(text)]).toHaveLength(MAX_YAML_TOKENS)
    expect(yamlBeyondBounds(text)).toBeUndefined()
    expect(yamlBeyondBounds(`${text}\n`)).toEqual({
      line: 1,
      what: 'more than 200,000 YAML tokens'
    })
  })
})

describe('the scope input', () => {
  it('is held to the same YAML bounds as an exceptions file', () => {
    expect(errorOf({ scope: `tags: ${'['.repeat(9)}a${']'.repeat(9)}` })).toContain(
      'Input "scope": line 1: collections nested more than 8 deep, the most this action reads.'
    )
  })
})
