// Markdown as GitHub shows it: rendered with marked (GitHub-flavoured: tables, autolinks off as
// GitHub's own are applied after rendering) inside a page styled like github.com's markdown body.
// Self-contained: system fonts, no stylesheet or image fetched from anywhere.

import { marked } from 'marked'

const STYLE = `
  :root { color-scheme: light; }
  body { margin: 0; background: #ffffff; }
  .frame { width: 880px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
  .frame > header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
    border-radius: 6px 6px 0 0; font: 600 14px/20px -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
  .markdown-body { padding: 16px 24px 24px; color: #1f2328; word-wrap: break-word;
    font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  .markdown-body h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; margin: 8px 0 16px; }
  .markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
  .markdown-body h4 { font-size: 1em; font-weight: 600; margin: 24px 0 16px; }
  .markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body details { margin: 0 0 16px; }
  .markdown-body ul { padding-left: 2em; }
  .markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f; border-radius: 6px;
    font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
  .markdown-body table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
  .markdown-body th { font-weight: 600; }
  .markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  .markdown-body tr:nth-child(2n) { background: #f6f8fa; }
  .markdown-body a { color: #0969da; text-decoration: none; }
  .markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background: #d1d9e0; border: 0; }
  .markdown-body sub { font-size: 75%; color: #59636e; }
  .markdown-body summary { cursor: pointer; }
  .markdown-body em { font-style: italic; }
`

/** A whole HTML page showing `markdown` under a header, as GitHub frames a summary or comment. */
export function githubPage(title: string, markdown: string): string {
  const body = marked.parse(markdown, { gfm: true, async: false })
  const escapedTitle = title.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapedTitle}</title><style>${STYLE}</style></head><body><div class="frame"><header>${escapedTitle}</header><div class="markdown-body">${body}</div></div></body></html>`
}
