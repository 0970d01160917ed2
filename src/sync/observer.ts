// What the sync stage tells whoever keeps the state of the whole step as it learns it, so that a
// cancelled workflow can cancel what was started and report what was seen, and a killed process
// leaves the run to the post step. The stage only reports; it never reads this back.

import type { ExternalSync, SyncRun, SyncRunDetails } from '../platform/types.js'

/** What the stage learns of a managed run, as it learns it. */
export interface ManagedRunObserver {
  /** A POST is starting a run: a cancelled workflow must be able to cancel it once it answers. */
  startPending(creating: Promise<SyncRunDetails>): void
  /** The run to follow is known: started by this action, or attached to. */
  runKnown(run: SyncRunDetails, startedByAction: boolean): void
  /** A status check read the run's current state. */
  statusSeen(run: SyncRunDetails): void
  /** The answer to a cancel this action sent: what it says changed, over the last state seen. */
  cancelAnswered(run: Partial<SyncRun>): void
}

/** What the stage learns of a CLI run (an external sync) it follows. */
export interface ExternalRunObserver {
  /** A look found the CLI run, or read its current state. */
  externalSeen(sync: ExternalSync): void
}
