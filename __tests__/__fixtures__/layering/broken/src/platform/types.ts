export interface Run {
  id: string
}
