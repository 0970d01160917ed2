// Selection: the policy groups and policies the workflow names, resolved against what the Platform
// has. A name that matches nothing is an input error that lists what exists.

import type { PolicyConfig } from '../inputs/config.js'
import { InputError } from '../inputs/config.js'
import { oneLine, type Redactor } from '../lib/log-safety.js'
import { plural, quoteList } from '../lib/text.js'
import type { PlatformClient, PolicyListFilters } from '../platform/client.js'
import type { Policy, PolicyGroup } from '../platform/types.js'
import { listPolicies } from './listing.js'

/** The workflow's policy selection, resolved before the sync starts. */
export interface ResolvedSelection {
  groups: PolicyGroup[]
}

/**
 * Resolves the group names and checks that every named policy exists, before anything costly: a
 * typo then fails in seconds with the names that exist, not after an hour-long sync. The names that
 * exist are the Platform's, so `redact` hides the key in them before they are cut.
 */
export async function resolveSelection(
  client: PlatformClient,
  config: PolicyConfig,
  redact: Redactor
): Promise<ResolvedSelection> {
  const groups = await resolveGroups(client, config.groups, redact)
  if (config.policies.length > 0) {
    selectPolicies(await listPolicies(client, listingFilters(config, groups)), config, redact)
  }
  return { groups }
}

/** What the policy listing is asked for: severities, a single domain, the groups' ids. */
export function listingFilters(config: PolicyConfig, groups: { id: string }[]): PolicyListFilters {
  return {
    severities: config.severities,
    // The API takes a single domain. Several are filtered here from one listing rather than
    // listed per domain: that costs ceil(policies / 1000) requests instead of at least one per
    // domain (a typical team has far fewer than 1,000 policies), and while waiting, every poll is
    // one walk instead of one per domain.
    domain: config.domains.length === 1 ? config.domains[0] : undefined,
    policyGroupIds: groups.map((group) => group.id)
  }
}

async function resolveGroups(
  client: PlatformClient,
  wanted: string[],
  redact: Redactor
): Promise<PolicyGroup[]> {
  if (wanted.length === 0) return []
  const { items } = await client.listPolicyGroups()
  const found = new Map<string, PolicyGroup>()
  const missing: string[] = []
  for (const name of wanted) {
    const key = name.toLowerCase()
    const matches = items.filter((g) => g.id.toLowerCase() === key || g.name.toLowerCase() === key)
    if (matches.length === 0) missing.push(name)
    for (const group of matches) found.set(group.id, group)
  }
  if (missing.length > 0) {
    throw new InputError(
      `Input "policy-groups": no policy group is named or has the id ${quoteList(missing)}. ${
        items.length === 0
          ? 'There are no policy groups.'
          : `Policy groups: ${quoteList(items.map((g) => redact(g.name)))}.`
      }`
    )
  }
  return [...found.values()]
}

export function selectPolicies(listed: Policy[], config: PolicyConfig, redact: Redactor): Policy[] {
  const inDomains =
    config.domains.length > 1 ? listed.filter((p) => config.domains.includes(p.domain)) : listed
  if (config.policies.length === 0) return inDomains
  const wanted = new Set(config.policies.map((name) => name.toLowerCase()))
  const chosen = inDomains.filter(
    (p) => wanted.has(p.id.toLowerCase()) || wanted.has(p.name.toLowerCase())
  )
  const matched = new Set(chosen.flatMap((p) => [p.id.toLowerCase(), p.name.toLowerCase()]))
  const missing = config.policies.filter((name) => !matched.has(name.toLowerCase()))
  if (missing.length > 0) {
    const narrowed =
      config.groups.length + config.severities.length + config.domains.length > 0
        ? ' matching the other filters (policy-groups, severities, domains)'
        : ''
    const names = [...new Set(inDomains.map((p) => redact(p.name)))].sort()
    throw new InputError(
      `Input "policies": no active policy${narrowed} is named or has the id ${quoteList(missing)}. ${
        names.length === 0
          ? `There are no active policies${narrowed}.`
          : `Active policies${narrowed}: ${quoteList(names)}.`
      }`
    )
  }
  return chosen
}

export function describeSelection(config: PolicyConfig): string {
  const parts = [
    config.groups.length > 0 ? `groups ${config.groups.join(', ')}` : '',
    config.severities.length > 0 ? `severities ${config.severities.join(', ')}` : '',
    config.domains.length > 0 ? `domains ${config.domains.join(', ')}` : '',
    config.policies.length > 0
      ? plural(config.policies.length, 'named policy', 'named policies')
      : ''
  ].filter((part) => part !== '')
  return parts.length === 0 ? '' : ` (${oneLine(parts.join('; '), 300)})`
}
