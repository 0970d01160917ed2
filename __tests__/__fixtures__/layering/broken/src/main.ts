export const run = () => undefined
