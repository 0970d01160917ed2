export const wrap = (s: string) => s
