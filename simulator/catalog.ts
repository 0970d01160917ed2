// The simulated Platform's policies, policy groups and violating resources. Policies are small and
// kept in memory (10,000 of them is a few MB); violations are generated per page from a hash of
// (seed, policy, index), so 200,000 of them cost nothing until asked for.

import { hash32, pick, prng, uuidFrom, uuidOf } from './random.js'
import type {
  EvaluationHistoryEntry,
  PolicySpec,
  ResolvedScenario,
  ListingQuirks,
  ResourceOverride
} from './scenario.js'

export interface CatalogGroup {
  id: string
  name: string
  description: string
  created_at: string
  updated_at: string
}

interface ResourceKind {
  cloud: string
  table: string
  label: string
  finding: string
  domain: string
}

export interface CatalogPolicy {
  id: string
  name: string
  domain: string
  severity: string
  status: string
  description: string
  queryId: string
  query: string
  createdBy: string
  createdAt: string
  updatedAt: string
  groupIds: string[]
  initialCount: number | null
  countAfterSync: number | null
  initialRunAt: string | null
  history: EvaluationHistoryEntry[]
  kind: ResourceKind
  /** Explicit fields of the first violating resources. */
  resources?: ResourceOverride[]
  swapAfterSync?: number
  listing?: ListingQuirks
}

export interface Catalog {
  policies: CatalogPolicy[]
  groups: CatalogGroup[]
  byId: Map<string, CatalogPolicy>
  byQueryId: Map<string, CatalogPolicy>
  seed: number
}

const KINDS: ResourceKind[] = [
  {
    cloud: 'aws',
    table: 'aws_s3_buckets',
    label: 'S3 Bucket',
    finding: 'S3 buckets without default encryption',
    domain: 'security'
  },
  {
    cloud: 'aws',
    table: 'aws_iam_users',
    label: 'IAM User',
    finding: 'IAM users without MFA',
    domain: 'security'
  },
  {
    cloud: 'aws',
    table: 'aws_ec2_security_groups',
    label: 'Security Group',
    finding: 'Security groups open to 0.0.0.0/0 on port 22',
    domain: 'security'
  },
  {
    cloud: 'aws',
    table: 'aws_ec2_ebs_volumes',
    label: 'EBS Volume',
    finding: 'Unattached EBS volumes',
    domain: 'finops'
  },
  {
    cloud: 'aws',
    table: 'aws_ec2_instances',
    label: 'EC2 Instance',
    finding: 'EC2 instances without owner tag',
    domain: 'governance'
  },
  {
    cloud: 'aws',
    table: 'aws_rds_instances',
    label: 'RDS Instance',
    finding: 'RDS instances without automated backups',
    domain: 'operations'
  },
  {
    cloud: 'aws',
    table: 'aws_cloudtrail_trails',
    label: 'CloudTrail Trail',
    finding: 'CloudTrail trails without log file validation',
    domain: 'compliance'
  },
  {
    cloud: 'gcp',
    table: 'gcp_storage_buckets',
    label: 'Storage Bucket',
    finding: 'Storage buckets with public access',
    domain: 'security'
  },
  {
    cloud: 'gcp',
    table: 'gcp_compute_disks',
    label: 'Compute Disk',
    finding: 'Compute disks not attached to any instance',
    domain: 'finops'
  },
  {
    cloud: 'azure',
    table: 'azure_storage_accounts',
    label: 'Storage Account',
    finding: 'Storage accounts allowing HTTP traffic',
    domain: 'compliance'
  }
]

const SEVERITY_WEIGHTS: [string, number][] = [
  ['low', 0.4],
  ['medium', 0.3],
  ['high', 0.2],
  ['critical', 0.1]
]

const REGIONS: Record<string, string[]> = {
  aws: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'],
  gcp: ['us-central1', 'europe-west1', 'asia-east1'],
  azure: ['eastus', 'westeurope', 'southeastasia']
}

const ACCOUNTS = ['production', 'staging', 'shared-services', 'data-platform', 'sandbox']
const TAGS = ['env:prod', 'env:staging', 'team:payments', 'team:platform', 'owner:unknown']

const HOUR = 3_600_000
const POLICY_EPOCH = Date.UTC(2025, 0, 1)

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

function weightedSeverity(rand: () => number): string {
  let r = rand()
  for (const [severity, weight] of SEVERITY_WEIGHTS) {
    if (r < weight) return severity
    r -= weight
  }
  return 'low'
}

/** `total` split over `n` slots with seeded weights; every slot gets at least one when possible. */
function spread(total: number, n: number, rand: () => number): number[] {
  if (n === 0) return []
  const base = Math.min(1, Math.floor(total / n))
  const rest = total - base * n
  const weights = Array.from({ length: n }, () => 0.2 + rand())
  const sum = weights.reduce((a, b) => a + b, 0)
  const counts = weights.map((w) => base + Math.floor((rest * w) / sum))
  let missing = total - counts.reduce((a, b) => a + b, 0)
  for (let i = 0; missing > 0; i = (i + 1) % n, missing--) counts[i]++
  return counts
}

function shuffledIndices(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order
}

/** A policy's SQL over its kind's table; `finding` tells generated policies' queries apart. */
function queryFor(kind: ResourceKind, finding = kind.finding): string {
  return `SELECT _cq_platform_id, account_id, region, name FROM ${kind.table} WHERE /* ${finding} */ true`
}

function buildGroups(scenario: ResolvedScenario): CatalogGroup[] {
  return scenario.groups.map((g, i) => ({
    id: g.id ?? uuidOf(scenario.seed, 'group', i),
    name: g.name,
    description: g.description ?? '',
    created_at: iso(POLICY_EPOCH - (i + 1) * 24 * HOUR),
    updated_at: iso(POLICY_EPOCH - (i + 1) * 24 * HOUR)
  }))
}

function explicitPolicy(
  spec: PolicySpec,
  index: number,
  scenario: ResolvedScenario,
  groups: CatalogGroup[],
  startedAt: number
): CatalogPolicy {
  const seed = scenario.seed
  const cloud = spec.cloud ?? 'aws'
  const kinds = KINDS.filter((k) => k.cloud === cloud)
  const kind = {
    ...(kinds.find((k) => k.finding === spec.name) ?? kinds[index % kinds.length] ?? KINDS[0]),
    cloud
  }
  const groupIds = (spec.groups ?? []).map((ref) => {
    const group = groups.find((g) => g.id === ref || g.name === ref)
    if (!group) throw new Error(`scenario: policy "${spec.name}" refers to unknown group "${ref}"`)
    return group.id
  })
  const initialCount = spec.violationCount === undefined ? 0 : spec.violationCount
  const initialRunAt = spec.runAt === undefined ? iso(startedAt - 6 * HOUR) : spec.runAt
  const history =
    spec.history ??
    (initialRunAt !== null && initialCount !== null
      ? [{ run_at: initialRunAt, violation_count: initialCount }]
      : [])
  return {
    id: spec.id ?? uuidOf(seed, 'policy', index),
    name: spec.name,
    domain: spec.domain ?? kind.domain,
    severity: spec.severity ?? 'medium',
    status: spec.status ?? 'active',
    description: spec.description ?? `Detects ${spec.name.toLowerCase()}`,
    queryId: spec.queryId ?? uuidOf(seed, 'query', index),
    query: spec.query ?? queryFor(kind),
    createdBy: uuidOf(seed, 'user', 0),
    createdAt: iso(POLICY_EPOCH + index * HOUR),
    updatedAt: iso(POLICY_EPOCH + index * HOUR),
    groupIds,
    initialCount,
    countAfterSync: spec.countAfterSync === undefined ? (initialCount ?? 0) : spec.countAfterSync,
    initialRunAt,
    history,
    kind,
    resources: spec.resources,
    swapAfterSync: spec.swapAfterSync,
    listing: spec.listing
  }
}

function generatedPolicies(
  scenario: ResolvedScenario,
  groups: CatalogGroup[],
  startedAt: number
): CatalogPolicy[] {
  const gen = scenario.policyGen
  if (gen.violating > gen.count) throw new Error('scenario: policyGen.violating exceeds count')
  const rand = prng(hash32(gen.seed, 'policies'))
  const order = shuffledIndices(gen.count, rand)
  const before = new Array<number>(gen.count).fill(0)
  spread(gen.totalViolations, gen.violating, rand).forEach((c, k) => (before[order[k]] = c))
  const after = gen.afterSync ? new Array<number>(gen.count).fill(0) : before
  if (gen.afterSync) {
    const { violating, totalViolations } = gen.afterSync
    spread(
      totalViolations,
      Math.min(violating, gen.count),
      prng(hash32(gen.seed, 'after'))
    ).forEach((c, k) => (after[order[k]] = c))
  }
  const runAt = iso(startedAt - 6 * HOUR)
  const createdBy = uuidOf(gen.seed, 'user', 0)
  return Array.from({ length: gen.count }, (_, i) => {
    const r = prng(hash32(gen.seed, 'policy', i))
    const kind = KINDS[i % KINDS.length]
    const round = Math.floor(i / KINDS.length)
    const groupIds = groups.length
      ? [
          groups[i % groups.length].id,
          ...(i % 5 === 0 && groups.length > 1 ? [groups[(i + 1) % groups.length].id] : [])
        ]
      : []
    const name = round === 0 ? kind.finding : `${kind.finding} #${round + 1}`
    return {
      id: uuidFrom(r),
      name,
      domain: kind.domain,
      severity: weightedSeverity(r),
      status:
        gen.pausedEvery > 0 && i % gen.pausedEvery === gen.pausedEvery - 1 ? 'paused' : 'active',
      description: `Detects ${kind.finding.toLowerCase()}`,
      queryId: uuidFrom(r),
      query: queryFor(kind, name),
      createdBy,
      createdAt: iso(POLICY_EPOCH + i * 60_000),
      updatedAt: iso(POLICY_EPOCH + i * 60_000),
      groupIds,
      initialCount: before[i],
      countAfterSync: after[i],
      initialRunAt: runAt,
      history: [{ run_at: runAt, violation_count: before[i] }],
      kind
    }
  })
}

export function buildCatalog(scenario: ResolvedScenario, startedAt: number): Catalog {
  const groups = buildGroups(scenario)
  const policies = scenario.policies
    ? scenario.policies.map((p, i) => explicitPolicy(p, i, scenario, groups, startedAt))
    : generatedPolicies(scenario, groups, startedAt)
  return {
    policies,
    groups,
    byId: new Map(policies.map((p) => [p.id, p])),
    byQueryId: new Map(policies.map((p) => [p.queryId, p])),
    seed: scenario.seed
  }
}

/** The policy's state given the times (ascending) at which the Platform evaluated policies. */
export function policyState(
  policy: CatalogPolicy,
  evaluations: number[]
): { violationCount: number | null; runAt: string | null } {
  const last = evaluations.at(-1)
  if (policy.status !== 'active' || last === undefined) {
    return { violationCount: policy.initialCount, runAt: policy.initialRunAt }
  }
  return { violationCount: policy.countAfterSync, runAt: iso(last) }
}

/** Every evaluation of the policy, oldest first. */
export function evaluationLog(
  policy: CatalogPolicy,
  evaluations: number[]
): EvaluationHistoryEntry[] {
  const own =
    policy.status === 'active' && policy.countAfterSync !== null
      ? evaluations.map((at) => ({ run_at: iso(at), violation_count: policy.countAfterSync ?? 0 }))
      : []
  return [...policy.history, ...own].sort((a, b) => Date.parse(a.run_at) - Date.parse(b.run_at))
}

export interface ViolatingResource {
  cloud: string
  resource_type_label: string
  _cq_account_name: string
  account_id: string
  name: string
  region: string
  _cq_platform_id: string
  tags: string[]
}

/** The `index`-th resource violating `policy`; the same inputs always give the same resource. */
export function violationAt(
  catalog: Catalog,
  policy: CatalogPolicy,
  index: number
): ViolatingResource {
  const rand = prng(hash32(catalog.seed, policy.id, index))
  const { cloud, table, label } = policy.kind
  const override = policy.resources?.[index] ?? {}
  const account = Math.floor(rand() * ACCOUNTS.length)
  const accountId =
    cloud === 'aws'
      ? String(100_000_000_000 + (hash32(catalog.seed, 'account', account) % 900_000_000_000))
      : cloud === 'gcp'
        ? `${ACCOUNTS[account]}-${hash32(catalog.seed, 'project', account) % 100_000}`
        : uuidOf(catalog.seed, 'subscription', account)
  const resource: ViolatingResource = {
    cloud,
    resource_type_label: label,
    _cq_account_name: ACCOUNTS[account],
    account_id: override.accountId ?? accountId,
    name: `${table.replace(/^[a-z]+_/, '').replace(/_/g, '-')}-${String(index + 1).padStart(6, '0')}`,
    region: pick(rand, REGIONS[cloud] ?? REGIONS.aws),
    _cq_platform_id: `${table}_${uuidFrom(rand)}`,
    tags: TAGS.filter(() => rand() < 0.4)
  }
  const overridden = {
    ...resource,
    resource_type_label: override.resourceTypeLabel ?? resource.resource_type_label,
    _cq_account_name: override.accountName ?? resource._cq_account_name,
    name: override.name ?? resource.name,
    region: override.region ?? resource.region,
    tags: override.tags ?? resource.tags,
    _cq_platform_id: override.platformId ?? resource._cq_platform_id
  }
  if (override.platformId !== null) return overridden
  // A hostile Platform: the fingerprint the spec requires is missing.
  const { _cq_platform_id: _missing, ...withoutId } = overridden
  return withoutId as ViolatingResource
}

/** Columns of a policy query's result, in the order `violationRow` fills them. */
export const VIOLATION_COLUMNS = [
  { name: '_cq_platform_id', type: 'string' },
  { name: 'account_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'name', type: 'string' }
]

export function violationRow(resource: ViolatingResource): string[] {
  return [resource._cq_platform_id, resource.account_id, resource.region, resource.name]
}
