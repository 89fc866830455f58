import type { ReadResp_ReadEvent_RecordedEvent } from '../../generated/streams.js';
import type { StoredEvent } from '../store/stored-event.js';
import { uuidInForm, type UuidForm } from './uuid.js';

const JSON_CONTENT_TYPE = 'application/json';
const BINARY_CONTENT_TYPE = 'application/octet-stream';

/**
 * A stored record as the server writes it into a `RecordedEvent` (§3.7, §3.10): the id in the requested form,
 * exactly three metadata keys, and the record's own positions. Persistent subscriptions use the same shape but
 * pass the original event's positions (§3.14 step 3), hence `positions`.
 */
export function toRecordedEvent(
  record: StoredEvent,
  uuidForm: UuidForm,
  positions: { readonly commit: bigint; readonly prepare: bigint } = {
    commit: record.position,
    prepare: record.position,
  },
): ReadResp_ReadEvent_RecordedEvent {
  return {
    id: uuidInForm(record.eventId, uuidForm),
    streamIdentifier: { streamName: Buffer.from(record.streamName, 'utf8') },
    streamRevision: record.eventNumber,
    preparePosition: positions.prepare,
    commitPosition: positions.commit,
    metadata: {
      type: record.eventType,
      created: record.created,
      'content-type': record.isJson ? JSON_CONTENT_TYPE : BINARY_CONTENT_TYPE,
    },
    customMetadata: record.metadata,
    data: record.data,
  };
}
