export const gateRows = []
