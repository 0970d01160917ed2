// What the main step needs of the process it runs in: to hear that the workflow was cancelled
// (the runner sends SIGINT, then SIGTERM), and to give up on a promise that outlasts a deadline.

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

/** `promise`'s value, or `undefined` once `ms` have passed (the promise is left to settle). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
