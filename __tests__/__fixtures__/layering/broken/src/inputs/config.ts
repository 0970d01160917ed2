export const BASELINE_VERSION = 1
