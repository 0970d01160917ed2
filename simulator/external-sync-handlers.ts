// The external-sync operations: read-only views of CLI runs, newest first, as the spec defines
// them. There is no write: the CLI owns an external sync, so the API cannot cancel one.

import { compareBy, oneOf, pageOf, paging } from './api-conventions.js'
import {
  EXTERNAL_STATUSES,
  existsAt,
  externalView,
  type SimExternalSync
} from './external-syncs.js'
import { ApiError, type ApiRequest, type Reply } from './operations.js'

export class ExternalSyncHandlers {
  constructor(private readonly syncs: () => readonly SimExternalSync[]) {}

  listExternalSyncs({ query, now }: ApiRequest): Reply {
    const p = paging(query)
    const status =
      query.one('status') === undefined ? undefined : oneOf(query, 'status', EXTERNAL_STATUSES, '')
    const items = this.syncs()
      .filter((s) => existsAt(s, now))
      .sort(compareBy((s) => s.createdAt, 'desc'))
      .map((s) => externalView(s, now))
      .filter((view) => status === undefined || view.status === status)
    return { status: 200, json: pageOf(items, p) }
  }

  /** 404 for an id that is unknown, not a UUID, or not there yet (the spec declares no 400 here). */
  getExternalSync({ params, now }: ApiRequest): Reply {
    const sync = this.syncs().find((s) => s.id === params.external_sync_id && existsAt(s, now))
    if (!sync) throw new ApiError(404, 'external sync not found')
    return { status: 200, json: { ...externalView(sync, now), ...sync.ownAnswerFields } }
  }
}
