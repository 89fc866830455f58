import type { UUID } from '../../generated/shared.js';
import { rpcErrors } from '../server/rpc-error.js';
import type { ProposedEvent } from '../store/stored-event.js';
import { uuidToText } from './uuid.js';

/** The proposed-message shape Append and BatchAppend share (fields 1–4). */
export interface ProposedMessageFields {
  readonly id: UUID | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly customMetadata: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * Reads one proposed message the way Streams.Append.cs does (§3.3 step 3, §3.10): `type` then `content-type`
 * are required, only exactly `application/json` marks the event JSON, other metadata keys are dropped. The
 * size that counts towards `MaxAppendSize` is data + custom metadata + 2 bytes per UTF-16 unit of the type
 * (`Event.SizeOnDisk`); `countSize` sees it before the id is parsed, as in the server, so a size limit wins over
 * a bad id. An id that is not a UUID makes the handler throw (UNKNOWN, §3.1).
 */
export function proposedEventOf(
  message: ProposedMessageFields,
  countSize: (sizeOnDisk: number) => void,
): ProposedEvent {
  const eventType = message.metadata.type;
  if (eventType === undefined) throw rpcErrors.missingRequiredMetadataProperty('type');
  const contentType = message.metadata['content-type'];
  if (contentType === undefined) throw rpcErrors.missingRequiredMetadataProperty('content-type');
  countSize(message.data.length + message.customMetadata.length + 2 * eventType.length);
  const eventId = uuidToText(message.id);
  if (eventId === undefined) throw new TypeError('the proposed message id is not a UUID');
  return {
    eventId,
    eventType,
    isJson: contentType === 'application/json',
    data: message.data,
    metadata: message.customMetadata,
  };
}
