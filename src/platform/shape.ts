// The shape an answer must have before any code reads it: a wrong-shaped answer (a list that is
// not a list, a run without an id) becomes "the Platform answered X for Y", never a TypeError.

/** `page`: `{ items: [objects], metadata? }`; `table`: `{ data: {}, metadata? }`; `run`: `{ id, status }`. */
export type AnswerShape = 'page' | 'table' | 'run' | 'object'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** What is wrong with `value` for `shape`, in words; undefined when it fits. */
export function shapeProblem(value: unknown, shape: AnswerShape): string | undefined {
  if (!isObject(value)) return 'where a JSON object was expected'
  if ('metadata' in value && value.metadata != null && !isObject(value.metadata))
    return 'with a "metadata" that is not an object'
  switch (shape) {
    case 'page':
      if (!Array.isArray(value.items)) return 'without an "items" list'
      if (!value.items.every(isObject)) return 'with an "items" entry that is not an object'
      return undefined
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
