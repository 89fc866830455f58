import type { UUID } from '../../generated/shared.js';
import { rpcErrors } from '../server/rpc-error.js';
import type { ProposedEvent } from '../store/stored-event.js';
import { guidFromDto } from './dotnet-guid.js';
import { eventSizeOnDisk, serverEvent } from './server-event.js';

/** The fields of `AppendReq.ProposedMessage`. */
export interface ProposedMessageFields {
  readonly id: UUID | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly customMetadata: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * Reads one Append proposed message in the order Streams.Append.cs does (§3.3 step 3): `type` then
 * `content-type` are required (`missing-required-metadata-property`), then the size counts towards
 * `MaxAppendSize` through `countSize`, which may throw; only then is the id parsed and the event built, so a bad
 * id or an empty type fails as an unhandled exception (UNKNOWN, §3.1) after any size error.
 */
export function proposedEventOf(
  message: ProposedMessageFields,
  countSize: (sizeOnDisk: number) => void,
): ProposedEvent {
  const eventType = message.metadata.type;
  if (eventType === undefined) throw rpcErrors.missingRequiredMetadataProperty('type');
  const contentType = message.metadata['content-type'];
  if (contentType === undefined) throw rpcErrors.missingRequiredMetadataProperty('content-type');
  const data = message.data;
  const metadata = message.customMetadata;
  countSize(eventSizeOnDisk({ eventType, data, metadata }));
  return serverEvent({ eventId: guidFromDto(message.id), eventType, contentType, data, metadata });
}
