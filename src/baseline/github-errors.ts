// What a failed GitHub API request means for finding the baseline, and what to do about it.

import { oneLine } from '../lib/log-safety.js'
import { PERMISSION_HINT, type BaselineProblem } from './problem.js'

interface RequestErrorLike {
  status?: unknown
  message?: unknown
  response?: { headers?: Record<string, unknown> }
}

export function githubProblem(error: unknown, repository: string): BaselineProblem {
  const { status, message, response } = (error ?? {}) as RequestErrorLike
  const detail = oneLine(String(message ?? error), 300)
  const rateLimited =
    response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail)
  if (status === 403 && !rateLimited) {
    return {
      kind: 'forbidden',
      message: `the token in "github-token" may not read the Actions artifacts of ${repository} (GitHub answered 403: ${detail}): ${PERMISSION_HINT}.`
    }
  }
  if (status === 404) {
    return {
      kind: 'forbidden',
      message: `GitHub answered 404 (${detail}) for ${repository}: it does so rather than 403 when the token may not see a repository's Actions, so ${PERMISSION_HINT}. Also check that GITHUB_API_URL is this repository's GitHub.`
    }
  }
  if (status === 401) {
    return {
      kind: 'forbidden',
      message: `GitHub rejected the token in "github-token" (401: ${detail}). Leave it at its default, \${{ github.token }}, or pass a valid token.`
    }
  }
  return {
    kind: 'unavailable',
    message:
      typeof status === 'number'
        ? `GitHub answered ${status} (${detail}) while the baseline artifact was looked for${rateLimited ? ': the API rate limit is used up; re-run the job later' : ''}.`
        : `no answer from the GitHub API (${detail}).`
  }
}
