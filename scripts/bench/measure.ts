// Helpers the measurement cases share; progress goes to stderr so that stdout holds only the table.

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Stderr, so that stdout carries nothing but the table. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

/** Calls `onLine(line, arrivalTime)` for each complete line of a stream of chunks. */
export function lineSplitter(onLine: (line: string, at: number) => void): (chunk: string) => void {
  let pending = ''
  return (chunk) => {
    const at = Date.now()
    const lines = (pending + chunk).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine(line.replace(/\r$/, ''), at)
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
export const megabytes = (bytes: number): string =>
  `${(bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 0)} MB`
