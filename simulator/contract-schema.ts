// Turning the spec's OpenAPI 3.1 schemas into what ajv validates: OpenAPI-only keywords dropped,
// `nullable` folded into the type, closed `allOf`s merged, and the published spec's known defects
// mended.

import type { Json } from './contract-values.js'

/** Resolves a `$ref` to the schema it names (a schema without one is returned as it is). */
type Deref = (node: Json) => Json

export const SCHEMAS_ID = 'https://platform.cloudquery.io/openapi/components.json'
const COMPONENT_REF = '#/components/schemas/'
/**
 * OpenAPI-only keywords (`allowEmptyValue` and `explode` belong to parameters but appear inside a
 * few schemas); `nullable` is rewritten into the type instead.
 */
const NON_SCHEMA_KEYWORDS = new Set([
  'example',
  'discriminator',
  'xml',
  'externalDocs',
  'nullable',
  'allowEmptyValue',
  'explode'
])
const SUBSCHEMA = new Set([
  'items',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'if',
  'then',
  'else'
])
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems'])
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas'])
/** OpenAPI's number formats; `type` already checks what matters for JSON numbers. */
export const NUMBER_FORMATS = ['int32', 'int64', 'uint64', 'float', 'double']

/**
 * Known defects of the published spec, mended before validating (see ../shared/README.md). Each
 * patch only applies while the defect is there, so a corrected spec is used as is.
 */
export function patchSpec(spec: Json): void {
  const schemas = (spec.components as Json).schemas as Record<string, Json>
  // SyncRun requires `migrate`, but the property (and the Platform's responses) say `migration`.
  const syncRun = schemas.SyncRun
  const props = syncRun?.properties as Json | undefined
  const required = syncRun?.required as string[] | undefined
  if (props && required?.includes('migrate') && !('migrate' in props)) {
    syncRun.required = required.map((r) => (r === 'migrate' ? 'migration' : r))
  }
}

export function formatsIn(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => formatsIn(n, found))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') found.add(v)
      else formatsIn(v, found)
    }
  }
  return found
}

export function normalizeSchema(schema: Json, deref: Deref): Json {
  const source = closedAllOf(schema, deref) ?? schema
  const out: Json = {}
  for (const [k, v] of Object.entries(source)) {
    if (k.startsWith('x-') || NON_SCHEMA_KEYWORDS.has(k)) continue
    if (k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT_REF)) {
      out.$ref = `${SCHEMAS_ID}#/$defs/${v.slice(COMPONENT_REF.length)}`
    } else if (SUBSCHEMA.has(k) && v && typeof v === 'object') {
      out[k] = normalizeSchema(v as Json, deref)
    } else if (SUBSCHEMA_LISTS.has(k)) {
      out[k] = (v as Json[]).map((s) => normalizeSchema(s, deref))
    } else if (SUBSCHEMA_MAPS.has(k)) {
      out[k] = Object.fromEntries(
        Object.entries(v as Json).map(([n, s]) => [n, normalizeSchema(s as Json, deref)])
      )
    } else {
      out[k] = v
    }
  }
  if (source.nullable !== true) return out
  if (typeof out.type === 'string' || Array.isArray(out.type)) {
    out.type = [...(Array.isArray(out.type) ? out.type : [out.type]), 'null']
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}

/**
 * `allOf` members or the schema itself closed with `additionalProperties: false` would, under
 * JSON Schema rules, reject each other's properties (PolicyGroupWithCounts, FieldError). The spec
 * means one merged object, closed over the union of the properties: build that object instead.
 */
function closedAllOf(schema: Json, deref: Deref): Json | undefined {
  if (!Array.isArray(schema.allOf)) return undefined
  const members = (schema.allOf as Json[]).map((m) => {
    const resolved = deref(m)
    return closedAllOf(resolved, deref) ?? resolved
  })
  const closed = [schema, ...members].some((m) => m.additionalProperties === false)
  const objectLike = members.every((m) => m.type === undefined || m.type === 'object')
  if (!closed || !objectLike) return undefined
  const { allOf: _allOf, ...rest } = schema
  const merged: Json = { ...rest, type: 'object', properties: {}, additionalProperties: false }
  const required = new Set<string>((schema.required as string[]) ?? [])
  for (const m of [...members, schema]) {
    Object.assign(merged.properties as Json, m.properties ?? {})
    for (const r of (m.required as string[]) ?? []) required.add(r)
  }
  merged.required = [...required]
  return merged
}
