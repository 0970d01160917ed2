// Seeded, dependency-free randomness so every simulator run (and every test) sees the same IDs and
// the same generated data. Lazily generated items (violations) are derived from a hash of their
// coordinates instead of a shared stream, so page 500 can be produced without producing pages 1-499.

/** 32-bit FNV-1a over the string form of the parts. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const s = `${part}\u0000`
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  return h >>> 0
}

/** mulberry32: tiny, fast and good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A UUID v4-formatted string drawn from `rand`. */
export function uuidFrom(rand: () => number): string {
  const word = (): number => Math.floor(rand() * 0x100000000)
  const a = word()
  const b = ((word() & 0xffff0fff) | 0x00004000) >>> 0
  const c = ((word() & 0x3fffffff) | 0x80000000) >>> 0
  const d = word()
  const hex = [a, b, c, d].map((w) => w.toString(16).padStart(8, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A stable UUID for a set of coordinates, e.g. `uuidOf(seed, 'policy', 42)`. */
export function uuidOf(...parts: (string | number)[]): string {
  return uuidFrom(prng(hash32(...parts)))
}

/** Picks one element, deterministically for the given random source. */
export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]
}
