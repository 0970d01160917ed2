import { describe, expect, it } from '@jest/globals'
import {
  createRedactor,
  neutralizeCommands,
  oneLine,
  safeLogText
} from '../../src/lib/log-safety.js'

describe('safeLogText', () => {
  it.each([
    '::add-mask::x',
    '::set-output name=result::pass',
    '::stop-commands::t',
    '  ::error::indented',
    '##[set-output name=result;]pass',
    '::warning file=a::b'
  ])('keeps %p from acting as a workflow command', (line) => {
    const safe = safeLogText(line)
    expect(safe.trim().startsWith('::')).toBe(false)
    expect(safe.trim().startsWith('##[')).toBe(false)
    expect(safe.replace(/\u200b/g, '')).toBe(line)
  })

  it('neutralizes every line of a multi-line text', () => {
    const safe = safeLogText('name\n::error::injected\r\n::add-mask::x')
    expect(safe.split('\n').every((line) => !line.startsWith('::'))).toBe(true)
  })

  it('leaves ordinary text alone', () => {
    expect(neutralizeCommands('a::b ## [c]')).toBe('a::b ## [c]')
    expect(neutralizeCommands(':: no')).toBe(':\u200b: no')
  })
})

describe('oneLine', () => {
  it('folds line breaks and drops control characters', () => {
    expect(oneLine('a\nb\r\nc\u0007d\te')).toBe('a ⏎ b ⏎ cd e')
  })

  it('cuts long text', () => {
    expect(oneLine('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`)
  })

  it('keeps a %0A escape as text', () => {
    expect(oneLine('a%0A::error::b')).toBe('a%0A::error::b')
  })
})

describe('createRedactor', () => {
  // Made in each test, not once when the file loads, so that a mutant of createRedactor reaches it.
  const redact = (text: string): string => createRedactor(['s3cr3t/key+1'])(text)

  it('replaces the secret in plain, URL-encoded and JSON-escaped forms', () => {
    expect(redact('key s3cr3t/key+1 here')).toBe('key *** here')
    expect(redact(`?k=${encodeURIComponent('s3cr3t/key+1')}`)).toBe('?k=***')
  })

  it('ignores empty or tiny secrets rather than mangling every text', () => {
    expect(createRedactor(['', 'ab'])('abc')).toBe('abc')
    // Nor their base64: three bytes encode to four characters, common in any text.
    expect(createRedactor(['abc'])('YWJj abc')).toBe('YWJj abc')
    // Four characters are a secret.
    expect(createRedactor(['abcd'])('x abcd y')).toBe('x *** y')
  })

  it('replaces a secret as JSON escapes it, in a JSON text', () => {
    const secret = 'ab"cd\\ef'
    expect(createRedactor([secret])(JSON.stringify({ key: secret }))).toBe('{"key":"***"}')
  })

  it('replaces the longer of two secrets first, so that no part of it is left', () => {
    expect(createRedactor(['abcd', 'abcdefgh'])('k=abcdefgh')).toBe('k=***')
    expect(createRedactor(['abcdefgh', 'abcd'])('k=abcdefgh')).toBe('k=***')
  })

  it('takes a secret literally, whatever regular-expression characters it holds', () => {
    const secret = 'a.b*c+?(x)[y]{2}|^$\\'
    const redactOdd = createRedactor([secret])
    expect(redactOdd(`k=${secret};`)).toBe('k=***;')
    // Each character as a pattern would match these; as the literal it is, none does.
    expect(redactOdd('aXbbbcc(x)y{2}')).toBe('aXbbbcc(x)y{2}')
    expect(redactOdd('a.b*c+?(x)[y]{2}')).toBe('a.b*c+?(x)[y]{2}')
  })

  it('finds a secret wherever it is in a text, and every time it occurs', () => {
    expect(redact('s3cr3t/key+1')).toBe('***')
    expect(redact('x s3cr3t/key+1 y s3cr3t/key+1')).toBe('x *** y ***')
    expect(redact(`${'x'.repeat(10_000)}s3cr3t/key+1`)).toBe(`${'x'.repeat(10_000)}***`)
  })
})

describe('redacting before cutting, in every encoding', () => {
  const KEY = 'cqk_unit_0123456789abcdefABCDEF'
  const redact = (text: string): string => createRedactor([KEY])(text)

  it('keeps no key of its own: a cut redacts only with the redactor it is given', () => {
    const text = `${'x'.repeat(30)}${KEY} and more`
    // Making a redactor registers nothing that every later cut would apply behind the caller's back.
    expect(oneLine(text, 200)).toContain(KEY)
    expect(oneLine(redact(text), 45)).toBe(`${'x'.repeat(30)}*** and more`)
    expect(oneLine(redact(text), 40)).not.toContain(KEY.slice(0, 5))
  })

  it.each([0, 1, 2])('redacts the key in base64 at byte offset %i', (offset) => {
    const encoded = Buffer.from(`${'u'.repeat(offset)}:${KEY}`).toString('base64')
    for (const form of [encoded, encoded.replace(/\+/g, '-').replace(/\//g, '_')]) {
      const shown = redact(`Authorization: Basic ${form}`)
      expect(shown).toContain('***')
      expect(shown.length).toBeLessThan(`Authorization: Basic ${form}`.length - 30)
    }
  })

  it('drops terminal escapes and bidi controls', () => {
    expect(oneLine('a \u001b[31mred\u001b[0m \u202eevil\u202c b')).toBe('a red evil b')
    expect(safeLogText('\u001b]8;;https://x\u0007link\u001b]8;;\u0007')).toBe('link')
  })
})
