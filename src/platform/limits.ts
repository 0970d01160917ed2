// Every bound the action keeps against a broken or hostile Platform, in one place (README, "What
// the action assumes", lists them and what happens when each is hit).

/** Largest response body read (JSON or an error page); a larger one fails the request. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** Longest log line kept (cut after redaction); a stored or live line beyond it ends in `…`. */
export const MAX_LOG_LINE_CHARS = 2_000

/** Most bytes of a live log line buffered while waiting for its newline; beyond it the line is cut. */
export const MAX_LIVE_LOG_BUFFER_CHARS = 64 * 1024

/** Most pages read of one listing: 1,000 pages of 1,000 policies. */
export const MAX_LIST_PAGES = 1_000

/**
 * Most tables of an external sync's `table_progress` kept, those with the most rows: more than a
 * CLI run of every AWS, Azure and GCP table writes (about 3,000). The map is the CLI's, unbounded:
 * 800,000 tables once took a gigabyte. A map that had more is cut, and the run's tables are then
 * unknown to the coverage check.
 */
export const MAX_TABLE_PROGRESS = 10_000

// Elsewhere, because they belong there: duration inputs are at most 7 days (inputs/values.ts), and
// every sleep is clamped to what Node's timers hold (lib/poll.ts); a wait for a sync run never
// outlasts `timeout` by more than one request's deadline (sync/wait.ts), and the requests before the
// waits end within it (PlatformClient.within, run/action.ts). The files the workflow names have
// their own bounds (lib/baseline-format.ts, inputs/exceptions-file.ts, inputs/yaml-reading.ts).
