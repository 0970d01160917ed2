// The policies of the per-resource bundle tests: after the sync, the critical policy swaps one
// resource (s3-buckets-000001 fixed, s3-buckets-000004 new, still 3); the high one keeps its two;
// the low one, which no default threshold counts, is never read.

import type { PolicySpec } from '../../simulator/scenario.js'

export const SWAP_POLICIES: PolicySpec[] = [
  {
    name: 'S3 buckets without default encryption',
    severity: 'critical',
    violationCount: 3,
    countAfterSync: 3,
    swapAfterSync: 1
  },
  { name: 'IAM users without MFA', severity: 'high', violationCount: 2, countAfterSync: 2 },
  { name: 'EC2 instances without owner tag', severity: 'low', violationCount: 4 }
]
