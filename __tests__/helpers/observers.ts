// Observers of the sync stage for tests that run it without the run's state: they keep what the
// stage reported, for the test to check.

import type { ExternalSync, SyncRun, SyncRunDetails } from '../../src/platform/types.js'
import type { KnownRun } from '../../src/sync/cancel.js'
import type { ExternalRunObserver, ManagedRunObserver } from '../../src/sync/observer.js'

export interface RecordingObserver extends ManagedRunObserver {
  /** The run as last reported known (with the states seen since). */
  known?: KnownRun
  starts: number
  cancels: Partial<SyncRun>[]
}

export function managedObserver(): RecordingObserver {
  const observer: RecordingObserver = {
    starts: 0,
    cancels: [],
    startPending: () => void observer.starts++,
    runKnown: (run: SyncRunDetails, startedByAction: boolean) => {
      observer.known = { run, startedByAction }
    },
    statusSeen: (run: SyncRunDetails) => {
      if (observer.known) observer.known = { ...observer.known, run }
    },
    cancelAnswered: (run: Partial<SyncRun>) => void observer.cancels.push(run)
  }
  return observer
}

export function externalObserver(): ExternalRunObserver & { seen: ExternalSync[] } {
  const seen: ExternalSync[] = []
  return { seen, externalSeen: (sync) => void seen.push(sync) }
}
