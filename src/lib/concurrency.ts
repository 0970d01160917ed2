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
