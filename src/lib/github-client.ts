// The GitHub REST client (Octokit, from @actions/github) as the action uses it wherever it talks to
// GitHub: loaded only when needed, pointed at GITHUB_API_URL, with a deadline on every request.

/** Every request to GitHub (each page included) gets this long. */
const REQUEST_TIMEOUT_MS = 30_000

export type GitHub = typeof import('@actions/github')
export type Octokit = ReturnType<GitHub['getOctokit']>

/** `GITHUB_API_URL` without a trailing slash; github.com's API when the runner gives none. */
export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
}

/**
 * Bundled into dist/index.js ("eager": no separate chunk, which ncc's licenses.txt would miss) but
 * evaluated only when called, so runs that do not talk to GitHub pay nothing for it at start-up.
 */
export function loadGitHub(): Promise<GitHub> {
  return import(/* webpackMode: "eager" */ '@actions/github')
}

export function createOctokit(
  github: GitHub,
  token: string,
  apiUrl: string,
  debug: (message: string) => void
): Octokit {
  const octokit = github.getOctokit(token, {
    // The client's default is read from GITHUB_API_URL when it loads; passing it is explicit.
    baseUrl: apiUrl,
    log: { debug, info: debug, warn: debug, error: debug }
  })
  // No request may hang the step: each (every page included) gets its own deadline.
  octokit.hook.wrap('request', (request, options) =>
    request({
      ...options,
      request: { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
    })
  )
  return octokit
}
