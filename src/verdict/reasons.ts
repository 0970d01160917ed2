// Why a verdict is `fail`, as typed values: what kind of reason each is decides what `soft-fail`
// may soften (a breached threshold only, never a mistake in the workflow or data the gate could
// not see), so it travels with the text instead of being guessed from it later.

import { plural } from '../lib/text.js'

export type ReasonKind =
  /** The workflow was cancelled before the action finished. */
  | 'cancelled'
  /** A mistake in the workflow: a bad input, a baseline made for other policies. */
  | 'input'
  /** The Platform could not be talked to (the preflight, or a stage that threw). */
  | 'platform'
  /** A sync run failed, timed out, or was refused. */
  | 'sync'
  /** The policy stage could not finish. */
  | 'policies'
  /** Data the gate could not see: stale results, figures that are unknown. */
  | 'stale'
  /**
   * A counted policy reads a table the run synced with errors or panics (`table-errors: fail`): its
   * result may miss data. Never softened, as stale data is not.
   */
  | 'coverage'
  /** A breached threshold. */
  | 'threshold'

export interface Reason {
  kind: ReasonKind
  /** A sentence, already redacted. */
  text: string
}

export function reason(kind: ReasonKind, text: string): Reason {
  return { kind, text }
}

/**
 * `soft-fail` lets the step pass on breached thresholds alone: a failed sync, stale data or a
 * mistake in the workflow still fails it, whatever the setting.
 */
export function isSoftened(reasons: readonly Reason[], softFail: boolean): boolean {
  return softFail && reasons.length > 0 && reasons.every((each) => each.kind === 'threshold')
}

/** One line for the step's failure: the annotations and the summary carry the details. */
export function failureMessage(reasons: readonly Reason[]): string {
  const [first, ...rest] = reasons
  const more = rest.length > 0 ? ` (and ${plural(rest.length, 'more reason')})` : ''
  // The reasons are sentences; the line adds its own full stop.
  const text = (first?.text ?? 'see the job summary').replace(/[.\s]+$/, '')
  return `CloudQuery Platform gate failed: ${text}${more}. See the job summary for details.`
}
