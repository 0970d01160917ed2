// `npm run local-action [env-file]`: runs src/main.ts with @github/local-action, installed as a
// devDependency so it works offline after `npm ci`. local-action records core.setFailed but always
// exits 0, so this wrapper reads the step's failure line and exits 1 when the action failed.

import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(fileURLToPath(import.meta.url), '..', '..')

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/**
 * Whether the output holds the step's failure: core.setFailed writes `::error::` with no
 * properties, while the action's annotations always carry a title (`::error title=…::`).
 */
export function stepFailed(output: string): boolean {
  return output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .some((line) => line.startsWith('::error::'))
}

function main(): void {
  const envFile = process.argv[2] ?? '.env'
  const bin = join(ROOT, 'node_modules', '.bin', 'local-action')
  const child = spawn(bin, ['.', 'src/main.ts', envFile], {
    cwd: ROOT,
    stdio: ['inherit', 'pipe', 'inherit']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    output += chunk.toString('utf8')
  })
  child.on('close', (code) => {
    if (code !== 0) process.exit(code ?? 1)
    if (stepFailed(output)) {
      process.stderr.write('local-action: the action failed (core.setFailed); exiting 1.\n')
      process.exit(1)
    }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
