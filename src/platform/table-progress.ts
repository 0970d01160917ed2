// An external sync's `table_progress` is the CLI's map of every table it wrote, unbounded by the
// spec. Parsed, each table costs over 200 bytes (800,000 tables once took a gigabyte, most of it in
// the parse itself), so the map is cut in the answer's text, before it is parsed: to the tables with
// the most rows, all that any report shows, with how many tables it had put beside it.

/** The member put beside a cut `table_progress`: how many tables it had (see ExternalSync). */
const COUNT_MEMBER = 'tablesReported'
const KEY = '"table_progress"'

/**
 * `text` (a JSON answer) with every object that is the value of a `"table_progress"` member and has
 * more than `keep` members cut to the `keep` with the most rows (a value that is no whole number
 * ranks last), in their order, and `"tablesReported": <members>` put before it. Text that does not
 * read as JSON where it matters is left as it is, for JSON.parse to judge.
 */
export function cutTableProgress(text: string, keep: number): string {
  const parts: string[] = []
  let copied = 0
  for (let at = text.indexOf('"'); at >= 0;) {
    const end = stringEnd(text, at)
    if (end < 0) break
    const object =
      end - at === KEY.length && text.startsWith(KEY, at) ? valueAfterKey(text, end) : -1
    const cut = object >= 0 ? cutObject(text, object, keep) : undefined
    if (!cut) {
      at = text.indexOf('"', end)
      continue
    }
    parts.push(text.slice(copied, at), `"${COUNT_MEMBER}":${cut.members},`, KEY, ':', cut.text)
    copied = cut.end
    at = text.indexOf('"', cut.end)
  }
  if (copied === 0) return text
  parts.push(text.slice(copied))
  return parts.join('')
}

/** Where the string that opens at `at` ends (just past its closing quote); -1 if it does not. */
function stringEnd(text: string, at: number): number {
  for (let quote = text.indexOf('"', at + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let escapes = 0
    while (text.charCodeAt(quote - 1 - escapes) === 0x5c) escapes++
    if (escapes % 2 === 0) return quote + 1
  }
  return -1
}

/** The `{` of an object that follows `"key":` from `at`; -1 when something else follows. */
function valueAfterKey(text: string, at: number): number {
  const colon = skipSpace(text, at)
  if (text[colon] !== ':') return -1
  const value = skipSpace(text, colon + 1)
  return text[value] === '{' ? value : -1
}

interface Cut {
  text: string
  /** Just past the object's `}` in the original text. */
  end: number
  members: number
}

/**
 * The object at `open` cut to `keep` members, or undefined when it has no more than that (or does not
 * scan): a first pass ranks its members by rows, a second copies those that rank high enough.
 */
function cutObject(text: string, open: number, keep: number): Cut | undefined {
  const top = new TopRanks(keep)
  let members = 0
  const end = eachMember(text, open, (rank) => {
    members++
    top.add(rank)
  })
  if (end < 0 || members <= keep) return undefined
  const { threshold, atThreshold } = top.cutoff()
  let ties = atThreshold
  const kept: string[] = []
  eachMember(text, open, (rank, from, to) => {
    if (rank > threshold || (rank === threshold && ties-- > 0)) kept.push(text.slice(from, to))
  })
  return { text: `{${kept.join(',')}}`, end, members }
}

/**
 * Calls `visit` with each member's rank (its rows, -1 for a value that is no whole number) and its
 * span (`"key": value`); returns the index just past the object's `}`, or -1 when it does not scan.
 */
function eachMember(
  text: string,
  open: number,
  visit: (rank: number, from: number, to: number) => void
): number {
  let at = skipSpace(text, open + 1)
  if (text[at] === '}') return at + 1
  for (;;) {
    if (text[at] !== '"') return -1
    const from = at
    const colon = skipSpace(text, stringEnd(text, at))
    if (colon < 0 || text[colon] !== ':') return -1
    const value = skipSpace(text, colon + 1)
    const valueEnd = skipValue(text, value)
    if (valueEnd < 0) return -1
    visit(rankOf(text.slice(value, valueEnd)), from, valueEnd)
    at = skipSpace(text, valueEnd)
    if (text[at] === '}') return at + 1
    if (text[at] !== ',') return -1
    at = skipSpace(text, at + 1)
  }
}

function rankOf(value: string): number {
  if (!/^\d{1,15}$/.test(value)) return -1
  return Number(value)
}

/** Just past the JSON value at `at`; -1 when it does not scan. */
function skipValue(text: string, at: number): number {
  const first = text[at]
  if (first === '"') return stringEnd(text, at)
  if (first !== '{' && first !== '[') {
    const match = /^[-+.\w]+/.exec(text.slice(at, at + 64))
    return match ? at + match[0].length : -1
  }
  let depth = 0
  for (let i = at; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      i = stringEnd(text, i) - 1
      if (i < 0) return -1
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      if (--depth === 0) return i + 1
    }
  }
  return -1
}

/** JSON's white space: space, tab, line feed, carriage return. */
function skipSpace(text: string, at: number): number {
  if (at < 0) return -1
  for (let c = text.charCodeAt(at); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;) {
    c = text.charCodeAt(++at)
  }
  return at
}

/** The `size` highest ranks seen, as a min-heap: its root is the lowest that is kept. */
class TopRanks {
  private readonly heap: number[] = []

  constructor(private readonly size: number) {}

  add(rank: number): void {
    const heap = this.heap
    if (heap.length < this.size) {
      heap.push(rank)
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1
        if (heap[parent] <= heap[i]) break
        ;[heap[parent], heap[i]] = [heap[i], heap[parent]]
        i = parent
      }
      return
    }
    if (rank <= heap[0]) return
    heap[0] = rank
    for (let i = 0; ;) {
      const left = 2 * i + 1
      const right = left + 1
      let least = i
      if (left < heap.length && heap[left] < heap[least]) least = left
      if (right < heap.length && heap[right] < heap[least]) least = right
      if (least === i) break
      ;[heap[least], heap[i]] = [heap[i], heap[least]]
      i = least
    }
  }

  /** The lowest rank kept, and how many members of exactly that rank are kept. */
  cutoff(): { threshold: number; atThreshold: number } {
    const threshold = this.heap[0]
    return { threshold, atThreshold: this.heap.filter((rank) => rank === threshold).length }
  }
}
