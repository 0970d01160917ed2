// What can stop the action from judging against the default branch's baseline artifact: each is
// an expected outcome, returned as a value, and the caller fails the step with it as an input error
// (a gate that cannot see its baseline must not pass, whatever `soft-fail` says).

export type BaselineProblemKind =
  /** No artifact of that name fits (default branch, this repository, push/schedule/manual, older than this run). */
  | 'not-found'
  /** The token may not read the repository's Actions (no `actions: read`). */
  | 'forbidden'
  /** The archive or its JSON is larger than the action reads. */
  | 'too-big'
  /** The archive holds no single baseline JSON file, or the file is not a baseline. */
  | 'not-a-baseline'
  /** It was made for a narrower policy selection than this workflow's. */
  | 'other-selection'
  /** GitHub could not be asked (down, rate-limited, not in a workflow run). */
  | 'unavailable'

export interface BaselineProblem {
  kind: BaselineProblemKind
  /** One paragraph naming the input, what was found and what to do. */
  message: string
}

/** An expected failure on the way, carried up to the stage's entry and returned there as a value. */
export class BaselineProblemError extends Error {
  constructor(
    readonly kind: BaselineProblemKind,
    message: string
  ) {
    super(message)
    this.name = 'BaselineProblemError'
  }
}

export const INPUT = 'Input "baseline-artifact"'

/** The permission the messages name, as it is written in a workflow's `permissions:`. */
export const PERMISSION_HINT =
  'add "actions: read" to the job\'s permissions (with "contents: read"; a job that lists permissions gets only those)'
