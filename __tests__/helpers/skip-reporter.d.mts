export function skipLine(
  testResults: readonly { testFilePath: string; numPendingTests: number }[],
  env?: NodeJS.ProcessEnv,
  rootDir?: string
): string | undefined
