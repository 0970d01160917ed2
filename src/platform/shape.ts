// The shape an answer must have before any code reads it: a wrong-shaped answer (a list that is
// not a list, a run without an id) becomes "the Platform answered X for Y", never a TypeError.

/**
 * `page`: `{ items: [objects], metadata? }`; `table`: `{ data: {}, metadata? }`; `run`: `{ id, status }`;
 * `external-sync`: `{ id, invocation_id, status?, table_progress? }`; `external-page`: a page of those.
 */
export type AnswerShape = 'page' | 'table' | 'run' | 'object' | 'external-sync' | 'external-page'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** What is wrong with `value` for `shape`, in words; undefined when it fits. */
export function shapeProblem(value: unknown, shape: AnswerShape): string | undefined {
  if (!isObject(value)) return 'where a JSON object was expected'
  if ('metadata' in value && value.metadata != null && !isObject(value.metadata))
    return 'with a "metadata" that is not an object'
  switch (shape) {
    case 'page':
      return pageProblem(value)
    case 'external-page': {
      const page = pageProblem(value)
      if (page) return page
      const item = (value.items as unknown[]).map(externalSyncProblem).find(Boolean)
      return item && `with an "items" entry ${item}`
    }
    case 'external-sync':
      return externalSyncProblem(value)
    case 'table':
      return isObject(value.data) ? undefined : 'without a "data" object'
    case 'run':
      return typeof value.id === 'string' && typeof value.status === 'string'
        ? undefined
        : 'without a run\'s "id" and "status" as text'
    case 'object':
      return undefined
  }
}

function pageProblem(value: Record<string, unknown>): string | undefined {
  if (!Array.isArray(value.items)) return 'without an "items" list'
  if (!value.items.every(isObject)) return 'with an "items" entry that is not an object'
  return undefined
}

/** What the external-sync stage reads: ids to match, a status to follow, tables to count. */
function externalSyncProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'where a JSON object was expected'
  if (typeof value.id !== 'string' || typeof value.invocation_id !== 'string')
    return 'without an external sync\'s "id" and "invocation_id" as text'
  if (value.status != null && typeof value.status !== 'string')
    return 'with a "status" that is not text'
  if (value.table_progress != null && !isObject(value.table_progress))
    return 'with a "table_progress" that is not an object'
  return undefined
}
