import { dotnetExceptions } from '../server/dotnet-exception.js';
import type { ProposedEvent } from '../store/stored-event.js';

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** The largest record the writer takes: 16 MiB less 10 000 bytes (`TFConsts.EffectiveMaxLogRecordSize`). */
const EFFECTIVE_MAX_LOG_RECORD_SIZE = 16 * 1024 * 1024 - 10_000;

/**
 * An event as the server's `Event` constructor builds it (Data/Event.cs), with its checks: an all-zero id, an
 * empty type and a record over the writer's limit throw. Only exactly `application/json` marks the event JSON;
 * other metadata keys are not stored (§3.10).
 */
export function serverEvent(fields: {
  readonly eventId: string;
  readonly eventType: string;
  readonly contentType: string | undefined;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}): ProposedEvent {
  if (fields.eventId === EMPTY_GUID) throw dotnetExceptions.argument('Empty eventId provided.', 'eventId');
  if (fields.eventType === '') throw dotnetExceptions.argument('Empty eventType provided.', 'eventType');
  if (eventSizeOnDisk(fields) > EFFECTIVE_MAX_LOG_RECORD_SIZE) {
    throw dotnetExceptions.argument('Record is too big.', 'data');
  }
  return {
    eventId: fields.eventId,
    eventType: fields.eventType,
    isJson: fields.contentType === 'application/json',
    data: fields.data,
    metadata: fields.metadata,
  };
}

/**
 * `Event.SizeOnDisk`: data + custom metadata + 2 bytes per UTF-16 unit of the type, the size that counts
 * towards `MaxAppendSize` (§3.3, §3.18).
 */
export function eventSizeOnDisk(fields: {
  readonly eventType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}): number {
  return fields.data.length + fields.metadata.length + 2 * fields.eventType.length;
}
