// Checks HTTP exchanges against the Platform's OpenAPI 3.1 spec: that a request names a real
// operation with real parameters and a valid body, and that a response uses a declared status and
// a body matching its schema. Used by the simulator's contract test and, on the recorded traffic,
// by the action's integration tests.

import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import addFormatsModule from 'ajv-formats'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import type { ContractResult, Exchange } from './contract-types.js'
import { coerce, describe, headerValue, mediaTypeOf, type Json } from './contract-values.js'
import {
  formatsIn,
  normalizeSchema,
  NUMBER_FORMATS,
  patchSpec,
  SCHEMAS_ID
} from './contract-schema.js'
import { TemplateMatcher } from './paths.js'

export type { ContractResult, Exchange } from './contract-types.js'

// ajv-formats is CommonJS; under ESM its default import is the module object.
const addFormats = addFormatsModule.default

interface Operation {
  key: string
  op: Json
  parameters: Json[]
  pathParams: Record<string, string>
}

export class ContractSpec {
  readonly basePath: string
  private readonly spec: Json
  private readonly matcher: TemplateMatcher
  private readonly ajv: Ajv2020
  private readonly validators = new Map<string, ValidateFunction>()

  constructor(spec: Json, opts: { basePath?: string } = {}) {
    this.spec = structuredClone(spec)
    patchSpec(this.spec)
    this.basePath = opts.basePath ?? '/api'
    this.matcher = new TemplateMatcher(Object.keys(this.spec.paths as Json))
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      // OpenAPI schemas routinely give `properties` without `type: object`.
      strictTypes: false,
      // allOf members legitimately require properties that another member defines.
      strictRequired: false,
      allowUnionTypes: true,
      unicodeRegExp: true
    })
    addFormats(this.ajv)
    // Besides OpenAPI's number formats the spec has free-text ones ("Plugin parameters, ...")
    // that constrain nothing; strict mode would refuse to compile schemas using them.
    for (const format of formatsIn(this.spec, new Set())) {
      if (this.ajv.formats[format]) continue
      this.ajv.addFormat(
        format,
        NUMBER_FORMATS.includes(format) ? { type: 'number', validate: () => true } : () => true
      )
    }
    const schemas = (this.spec.components as Json).schemas as Record<string, Json>
    const defs = Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [
        name,
        normalizeSchema(schema, (node) => this.deref(node))
      ])
    )
    this.ajv.addSchema({ $id: SCHEMAS_ID, $defs: defs })
  }

  /** The operation a method and path (with or without the base path) belong to. */
  operation(method: string, path: string): Operation | undefined {
    const bare = path.startsWith(`${this.basePath}/`) ? path.slice(this.basePath.length) : path
    const match = this.matcher.match(bare.split('?')[0])
    if (!match) return undefined
    const item = (this.spec.paths as Record<string, Json>)[match.template]
    const op = item[method.toLowerCase()] as Json | undefined
    if (!op) return undefined
    // Operation-level parameters override path-level ones with the same name and location.
    const byKey = new Map<string, Json>()
    for (const p of [
      ...((item.parameters as Json[]) ?? []),
      ...((op.parameters as Json[]) ?? [])
    ]) {
      const param = this.deref(p)
      byKey.set(`${param.in as string}:${param.name as string}`, param)
    }
    return {
      key: `${method.toUpperCase()} ${match.template}`,
      op,
      parameters: [...byKey.values()],
      pathParams: match.params
    }
  }

  validateRequest(exchange: Exchange): ContractResult {
    const operation = this.operation(exchange.method, exchange.path)
    if (!operation) {
      return {
        ok: false,
        errors: [`${exchange.method.toUpperCase()} ${exchange.path}: no such operation in the spec`]
      }
    }
    const { key, op, parameters, pathParams } = operation
    const errors: string[] = []
    const fail = (what: string, errs: ErrorObject[] | null | undefined, data: unknown): void => {
      for (const e of errs ?? []) errors.push(`${key}: ${what}${describe(e, data)}`)
    }

    for (const p of parameters.filter((p) => p.in === 'path')) {
      const validate = this.compile(`param ${key} path ${p.name as string}`, p.schema as Json)
      const value = coerce(pathParams[p.name as string], this.typeOf(p.schema as Json))
      if (!validate(value)) fail(`path parameter ${p.name as string}`, validate.errors, value)
    }

    this.checkQuery(key, parameters, exchange.query ?? {}, errors, fail)
    this.checkAuth(key, op, exchange, errors)
    const body = this.checkRequestBody(key, op, exchange, errors)
    if (body && !body.validate(exchange.body))
      fail('request body', body.validate.errors, exchange.body)
    return { ok: errors.length === 0, operation: key, errors }
  }

  validateResponse(exchange: Exchange): ContractResult {
    if (exchange.fault) return { ok: true, errors: [], skipped: `injected fault ${exchange.fault}` }
    if (exchange.status === undefined) return { ok: true, errors: [], skipped: 'no response' }
    const operation = this.operation(exchange.method, exchange.path)
    if (!operation) {
      return {
        ok: false,
        errors: [`${exchange.method.toUpperCase()} ${exchange.path}: no such operation in the spec`]
      }
    }
    const { key, op } = operation
    const status = String(exchange.status)
    const responses = op.responses as Record<string, Json>
    const declared = responses[status] ?? responses[`${status[0]}XX`] ?? responses.default
    if (!declared) {
      const known = Object.keys(responses).join(', ')
      return {
        ok: false,
        operation: key,
        errors: [`${key}: status ${status} is not declared (declared: ${known})`]
      }
    }
    const response = this.deref(declared)
    const content = response.content as Record<string, Json> | undefined
    const errors: string[] = []
    const mediaType = mediaTypeOf(exchange.responseHeaders)
    const hasBody = exchange.responseBody !== undefined || (exchange.responseText ?? '') !== ''
    if (!content) {
      if (hasBody) errors.push(`${key} → ${status}: the spec declares no body, but one was sent`)
      return { ok: errors.length === 0, operation: key, errors }
    }
    if (!mediaType || !(mediaType in content)) {
      errors.push(
        `${key} → ${status}: content type ${mediaType ?? '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`
      )
      return { ok: false, operation: key, errors }
    }
    const schema = content[mediaType].schema as Json | undefined
    if (mediaType === 'application/json' && schema) {
      if (exchange.responseBody === undefined) {
        if (hasBody) errors.push(`${key} → ${status}: the body is not valid JSON`)
      } else {
        const validate = this.compile(`response ${key} ${status} ${mediaType}`, schema)
        if (!validate(exchange.responseBody)) {
          // allOf members repeating a `required` list would report the same problem twice.
          const lines = (validate.errors ?? []).map(
            (e) => `${key} → ${status}: body${describe(e, exchange.responseBody)}`
          )
          errors.push(...new Set(lines))
        }
      }
    }
    return { ok: errors.length === 0, operation: key, errors }
  }

  private checkQuery(
    key: string,
    parameters: Json[],
    query: Record<string, string | string[]>,
    errors: string[],
    fail: (what: string, errs: ErrorObject[] | null | undefined, data: unknown) => void
  ): void {
    const declared = new Map(
      parameters.filter((p) => p.in === 'query').map((p) => [p.name as string, p])
    )
    for (const [name, raw] of Object.entries(query)) {
      const param = declared.get(name)
      if (!param) {
        errors.push(
          `${key}: unknown query parameter "${name}" (declared: ${[...declared.keys()].join(', ') || 'none'})`
        )
        continue
      }
      const values = Array.isArray(raw) ? raw : [raw]
      const schema = param.schema as Json
      const isArray = this.typeOf(schema) === 'array'
      if (!isArray && values.length > 1) {
        errors.push(
          `${key}: query parameter "${name}" is not a list but was sent ${values.length} times`
        )
        continue
      }
      const itemType = isArray ? this.typeOf(schema.items as Json) : undefined
      const data = isArray
        ? values.map((v) => coerce(v, itemType))
        : coerce(values[0], this.typeOf(schema))
      const validate = this.compile(`param ${key} query ${name}`, schema)
      if (!validate(data)) {
        fail(`query parameter ${name}`, validate.errors, data)
        if (isArray && values.some((v) => v.includes(','))) {
          errors.push(
            `${key}: query parameter ${name}: lists are sent repeated (${name}=a&${name}=b), not comma-separated`
          )
        }
      }
    }
    for (const p of parameters.filter(
      (p) => p.required && p.in === 'query' && !((p.name as string) in query)
    )) {
      errors.push(`${key}: required query parameter "${p.name as string}" is missing`)
    }
  }

  private checkAuth(key: string, op: Json, exchange: Exchange, errors: string[]): void {
    const security = (op.security ?? this.spec.security ?? []) as Json[]
    if (security.length === 0 || security.some((s) => Object.keys(s).length === 0)) return
    const auth = headerValue(exchange.headers, 'authorization')
    if (exchange.headers && !auth && !headerValue(exchange.headers, 'cookie')) {
      errors.push(
        `${key}: the operation requires authentication, but no Authorization header was sent`
      )
    }
  }

  /** Checks the body's presence and media type; returns its validator when it must be validated. */
  private checkRequestBody(
    key: string,
    op: Json,
    exchange: Exchange,
    errors: string[]
  ): { validate: ValidateFunction } | undefined {
    const raw =
      exchange.rawBody ?? (exchange.body === undefined ? '' : JSON.stringify(exchange.body))
    const sent = raw.trim() !== ''
    if (!op.requestBody) {
      // `{}` carries nothing; anything else means the client believes it is sending something.
      const empty =
        exchange.body !== null &&
        typeof exchange.body === 'object' &&
        Object.keys(exchange.body).length === 0
      if (sent && !empty)
        errors.push(`${key}: the operation takes no request body, but one was sent`)
      return undefined
    }
    const requestBody = this.deref(op.requestBody as Json)
    if (!sent) {
      if (requestBody.required) errors.push(`${key}: the request body is required`)
      return undefined
    }
    const content = requestBody.content as Record<string, Json>
    const mediaType = mediaTypeOf(exchange.headers)
    if (exchange.headers && mediaType !== 'application/json' && 'application/json' in content) {
      errors.push(
        `${key}: request Content-Type is ${mediaType ?? '(none)'}, expected application/json`
      )
    }
    const schema = content['application/json']?.schema as Json | undefined
    if (!schema) return undefined
    if (exchange.body === undefined) {
      errors.push(`${key}: the request body is not valid JSON`)
      return undefined
    }
    return { validate: this.compile(`request ${key}`, schema) }
  }

  private compile(cacheKey: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(cacheKey)
    if (!validate) {
      validate = this.ajv.compile(normalizeSchema(schema, (node) => this.deref(node)))
      this.validators.set(cacheKey, validate)
    }
    return validate
  }

  private deref(node: Json): Json {
    let current = node
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`$ref cycle at ${String(node.$ref)}`)
      const path = current.$ref.replace(/^#\//, '').split('/')
      current = path.reduce<Json>((obj, part) => obj[part] as Json, this.spec)
    }
    return current
  }

  private typeOf(schema: Json | undefined): string | undefined {
    if (!schema) return undefined
    const resolved = this.deref(schema)
    return typeof resolved.type === 'string' ? resolved.type : undefined
  }

  /** OpenAPI 3.0-isms into JSON Schema 2020-12, component refs pointed at the shared $defs. */
}

/** Where the spec is expected: `$PLATFORM_OPENAPI_SPEC`, else `../shared/platform-openapi.json`. */
export function specLocation(repoRoot = process.cwd()): string {
  return process.env.PLATFORM_OPENAPI_SPEC ?? resolve(repoRoot, '../shared/platform-openapi.json')
}

/** The spec's path, or undefined when the file is not there (contract tests then skip). */
export function findSpec(repoRoot = process.cwd()): string | undefined {
  const path = specLocation(repoRoot)
  return existsSync(path) ? path : undefined
}

export function loadSpec(path: string, opts: { basePath?: string } = {}): ContractSpec {
  return new ContractSpec(JSON.parse(readFileSync(path, 'utf8')) as Json, opts)
}

export function validateRequest(spec: ContractSpec, exchange: Exchange): ContractResult {
  return spec.validateRequest(exchange)
}

export function validateResponse(spec: ContractSpec, exchange: Exchange): ContractResult {
  return spec.validateResponse(exchange)
}

/** Every problem with a batch of exchanges, one readable line each; empty when all conform. */
export function contractViolations(spec: ContractSpec, exchanges: Exchange[]): string[] {
  return exchanges.flatMap((exchange, i) => {
    const label = `#${i} ${exchange.method.toUpperCase()} ${exchange.path}`
    return [
      ...spec.validateRequest(exchange).errors,
      ...spec.validateResponse(exchange).errors
    ].map((e) => `${label}: ${e}`)
  })
}
