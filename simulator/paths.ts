// OpenAPI path templates (`/syncs/{sync_name}/runs`), shared by the simulator's router and the
// contract checker so both agree on which operation a request path belongs to.

export interface TemplateMatch {
  template: string
  params: Record<string, string>
}

interface CompiledTemplate {
  template: string
  segments: string[]
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}')
}

export class TemplateMatcher {
  private readonly compiled: CompiledTemplate[]

  constructor(templates: Iterable<string>) {
    this.compiled = [...templates].map((template) => ({ template, segments: splitPath(template) }))
  }

  /**
   * The template `path` belongs to. When several match (`/policies/violations-history` also fits
   * `/policies/{policy_id}`), the one with a literal segment earliest wins, as in the Platform's
   * router.
   */
  match(path: string): TemplateMatch | undefined {
    const parts = splitPath(path)
    let best: { match: TemplateMatch; rank: string } | undefined
    for (const { template, segments } of this.compiled) {
      if (segments.length !== parts.length) continue
      const params: Record<string, string> = {}
      let rank = ''
      let ok = true
      for (let i = 0; i < segments.length && ok; i++) {
        if (isParam(segments[i])) {
          params[segments[i].slice(1, -1)] = safeDecode(parts[i])
          rank += '1'
        } else {
          ok = segments[i] === parts[i]
          rank += '0'
        }
      }
      if (ok && (best === undefined || rank < best.rank))
        best = { match: { template, params }, rank }
    }
    return best?.match
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
