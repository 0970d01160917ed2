export interface BaselineOutcome {
  entries: number
}
