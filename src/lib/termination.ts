// What the main step needs of the process it runs in: to hear that the workflow was cancelled (the
// runner sends SIGINT, then SIGTERM). The deadlines of what the handler does are on the run's clock.

/** Runs `handler` once on SIGINT or SIGTERM, then exits; returns a function that uninstalls it. */
export function onTermination(handler: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let handling = false
  const listener = (signal: NodeJS.Signals): void => {
    if (handling) return
    handling = true
    // A signal listener cannot be awaited; exiting in finally() also ends a handler that rejects.
    void handler(signal).finally(() => process.exit(1))
  }
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}
