export const emptyOutcome = {}
