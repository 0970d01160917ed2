export function isTerminal(status: string): boolean {
  return status === 'completed'
}
