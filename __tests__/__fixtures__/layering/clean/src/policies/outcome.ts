export interface PolicyOutcome {
  stale: boolean
}
