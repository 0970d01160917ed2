import { describe, expect, it } from '@jest/globals'
import { outsideCode } from '../summary/helpers.js'
import {
  blocks,
  bulletList,
  codeSpan,
  details,
  escapeCell,
  escapeHtmlText,
  escapeText,
  link,
  markup,
  table
} from '../../../src/report/render/markdown.js'

const ZWJ = '\u200d'
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](http://evil.example)',
  '![img](http://x.example/a.png)',
  '| a | b |',
  '@org/team please look',
  'line one\nline two\r\n\n| x |',
  '::set-output name=result::pass',
  '`code` **bold** _it_ ~~strike~~ $\\Huge{x}$',
  '<http://evil.example>',
  'www.evil.example and https://evil.example and mail bob@evil.example',
  'fixes #123',
  '&lt;already escaped&gt; &amp;',
  '# heading',
  '- list item',
  '1. numbered',
  '> quote',
  '\u202eevil\u202c',
  'a\\|b'
]

/** Characters that still have their Markdown meaning: not preceded by an escaping backslash. */
function unescaped(text: string, char: string): boolean {
  return new RegExp(`(?<!\\\\)(\\\\\\\\)*\\${char}`).test(text)
}

describe('escapeText', () => {
  it.each(HOSTILE)('keeps %p inert', (input) => {
    const out = escapeText(input)
    expect(out.replace(/<\/?code>/g, '')).not.toMatch(/[<>]/)
    expect(out).not.toMatch(/\n|\r/)
    for (const char of ['[', ']', '(', ')', '|', '*', '_', '`', '!', '~', '#', '$']) {
      expect(unescaped(out, char)).toBe(false)
    }
    const linkable = outsideCode(out)
    expect(linkable).not.toMatch(/@[A-Za-z0-9]/)
    expect(linkable).not.toMatch(/https?:\/\//)
    expect(linkable).not.toMatch(/www\./i)
    expect(linkable).not.toMatch(/#\d/)
    expect(out).not.toMatch(/\u202e/)
  })

  it('escapes HTML', () => {
    expect(escapeText('<script>alert(1)</script>')).toBe(
      '&lt;script&gt;alert\\(1\\)&lt;/script&gt;'
    )
    expect(escapeText('<img src=x onerror=alert(1)>')).toContain('&lt;img src=x onerror=alert')
    expect(escapeText('a & b')).toBe('a &amp; b')
  })

  it('escapes links and images', () => {
    expect(escapeText('[click](http://evil)')).toBe('\\[click\\]\\(<code>http://evil</code>\\)')
    expect(escapeText('![img](http://x)')).toBe('\\!\\[img\\]\\(<code>http://x</code>\\)')
  })

  it('escapes table pipes and backslashes', () => {
    expect(escapeText('| a | b |')).toBe('\\| a \\| b \\|')
    // A backslash before a pipe stays a backslash and the pipe stays escaped.
    expect(escapeText('a\\|b')).toBe('a\\\\\\|b')
  })

  it('keeps mentions, issue references and autolinks from being recognised', () => {
    expect(escapeText('@org/team')).toBe('<code>@org/team</code>')
    expect(escapeText('bob@evil.example')).toBe('<code>bob@evil.example</code>')
    expect(escapeText('#42')).toBe('<code>\\#42</code>')
    expect(escapeText('see www.example.com.')).toBe('see <code>www.example.com</code>.')
    expect(escapeText('https://x.example')).toBe('<code>https://x.example</code>')
  })

  it('writes no invisible characters, and drops those the Platform sent', () => {
    const out = escapeText(`@team at https://a.example #7 www.b.example @${ZWJ}x \u200bname\u2060`)
    expect(out).not.toMatch(/[\u200b-\u200f\u2060\ufeff]/)
    expect(out).toBe(
      '<code>@team</code> at <code>https://a.example</code> <code>\\#7</code> <code>www.b.example</code> <code>@x</code> name'
    )
    expect(codeSpan('https://cloudquery.example.com/api')).toBe(
      '<code>https://cloudquery.example.com/api</code>'
    )
  })

  it('escapes what starts a block only at the start', () => {
    expect(escapeText('- item')).toBe('\\- item')
    expect(escapeText('---')).toBe('\\---')
    expect(escapeText('1. first')).toBe('1\\. first')
    expect(escapeText('# title')).toBe('\\# title')
    expect(escapeText('a-b 1.5 x-1')).toBe('a-b 1.5 x-1')
  })

  it('collapses newlines and leaves workflow commands as plain text', () => {
    expect(escapeText('a\nb\r\nc')).toBe('a ⏎ b ⏎ c')
    expect(escapeText('x\n::set-output name=result::pass')).toBe(
      'x ⏎ ::set-output name=result::pass'
    )
  })

  it('cuts long text', () => {
    const out = escapeText('n'.repeat(5000), 50)
    expect(out).toHaveLength(50)
    expect(out.endsWith('…')).toBe(true)
  })

  it('cuts before escaping, so an entity is never cut in half', () => {
    expect(escapeText('&'.repeat(10), 4)).toBe('&amp;&amp;&amp;…')
  })

  it('accepts whatever the Platform sent', () => {
    expect(escapeText(undefined)).toBe('')
    expect(escapeText(null)).toBe('')
    expect(escapeText(42)).toBe('42')
    expect(escapeText({ name: 'x' })).toBe('{"name":"x"}')
  })
})

describe('escapeHtmlText', () => {
  it('escapes for raw HTML, where backslashes would show, with entities', () => {
    expect(escapeHtmlText('<b>"x"</b> a_b *c*')).toBe(
      '&lt;b&gt;&quot;x&quot;&lt;/b&gt; a&#95;b &#42;c&#42;'
    )
    expect(escapeHtmlText('[a](http://x) #1')).toBe(
      '&#91;a&#93;&#40;<code>http://x</code>&#41; <code>&#35;1</code>'
    )
    expect(escapeHtmlText('@org/team https://x')).toBe(
      '<code>@org/team</code> <code>https://x</code>'
    )
    expect(escapeHtmlText('a\nb')).toBe('a ⏎ b')
  })
})

describe('escapeCell', () => {
  it('shows absent values as a dash and formats numbers', () => {
    expect(escapeCell(undefined)).toBe('—')
    expect(escapeCell(null)).toBe('—')
    expect(escapeCell('')).toBe('—')
    expect(escapeCell(Number.NaN)).toBe('—')
    expect(escapeCell(1234567)).toBe('1,234,567')
    expect(escapeCell('a | b')).toBe('a \\| b')
  })
})

describe('codeSpan', () => {
  it('renders text monospace, escaped the same way inside and outside tables', () => {
    expect(codeSpan('aws-prod')).toBe('<code>aws-prod</code>')
    expect(codeSpan('a|b`c<d>')).toBe('<code>a\\|b\\`c&lt;d&gt;</code>')
  })
})

describe('link', () => {
  it('links http(s) URLs only', () => {
    expect(link('run', 'https://github.com/a/b/actions/runs/1')).toBe(
      '[run](https://github.com/a/b/actions/runs/1)'
    )
    expect(link('x', 'javascript:alert(1)')).toBe('x')
    expect(link('x', 'not a url')).toBe('x')
    expect(link('x', undefined)).toBe('x')
  })

  it('keeps the URL from ending the link early', () => {
    expect(link('x', 'https://a.example/p(1) q')).toBe('[x](https://a.example/p%281%29%20q)')
  })
})

describe('table', () => {
  const rowsOf = (markdown: string): string[][] =>
    markdown.split('\n').map((line) =>
      line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((cell) => cell.trim())
    )

  it('builds a header, a delimiter with alignment, and rows', () => {
    expect(
      table([markup`Name`, markup`Count`], [[escapeCell('a'), escapeCell(1)]], ['left', 'right'])
    ).toBe('| Name | Count |\n| :--- | ---: |\n| a | 1 |')
  })

  it('makes every row exactly as wide as the header', () => {
    const out = table(
      [markup`A`, markup`B`, markup`C`],
      [[markup`1`], [markup`1`, markup`2`, markup`3`, markup`4`]]
    )
    for (const row of rowsOf(out)) expect(row).toHaveLength(3)
  })

  it('stays one table whatever the cells hold', () => {
    const hostile = HOSTILE.map((text) => [escapeCell(text), codeSpan(text)])
    const out = table([markup`Text`, markup`Code`], hostile)
    const lines = out.split('\n')
    expect(lines).toHaveLength(HOSTILE.length + 2)
    for (const line of lines) {
      expect(line.startsWith('| ')).toBe(true)
      expect(line.endsWith(' |')).toBe(true)
      // Exactly the three structural pipes.
      expect(line.match(/(?<!\\)(?:\\\\)*\|/g)).toHaveLength(3)
    }
  })

  it('escapes a raw pipe or newline a caller let through', () => {
    const out = table([markup`A`], [[markup`x|y\nz`]])
    expect(out.split('\n')[2]).toBe('| x\\|y z |')
  })
})

describe('details, blocks, bulletList', () => {
  it('collapses a body under an escaped summary', () => {
    const out = details('<b>Policy</b> @team', markup`body`)
    expect(out).toBe(
      `<details><summary>&lt;b&gt;Policy&lt;/b&gt; <code>@team</code></summary>\n\nbody\n\n</details>`
    )
  })

  it('joins blocks with blank lines and drops empty ones', () => {
    expect(blocks(markup`a`, undefined, markup``, markup`b`)).toBe('a\n\nb')
  })

  it('keeps each list item on its line', () => {
    expect(bulletList([markup`a`, markup`b\nc`])).toBe('- a\n- b c')
  })
})
