// Bounded fan-out for per-item requests (pages, policies): enough in flight to hide latency, few
// enough that a Platform with thousands of policies is not hit by thousands of requests at once.

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the items' order.
 * After the first rejection no further item is started, and that rejection is the result.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++
      try {
        results[index] = await fn(items[index], index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}

/** Runs the functions it is given with at most `limit` of them in flight, in the order given. */
export function createLimiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // A finished call hands its slot straight to the next in line, so none can jump the queue.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await fn()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}
