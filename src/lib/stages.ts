// The stages' names, as the reasons, the errors and every report name them.

export type StageName = 'inputs' | 'platform' | 'sync' | 'policies'

export function stageLabel(stage: StageName | 'report'): string {
  switch (stage) {
    case 'inputs':
      return 'Inputs'
    case 'platform':
      return 'Platform'
    case 'sync':
      return 'Sync stage'
    case 'policies':
      return 'Policy stage'
    case 'report':
      return 'Report'
  }
}
