import type { ReadResp } from '../../../generated/persistent.js';
import { originalOf, type ResolvedEvent } from '../../persistent/resolved-event.js';
import { EncodedMessage } from '../../server/encoded-responses.js';
import { encodeReadEventResponse } from '../../wire/read-event-encoding.js';
import type { UuidForm } from '../../wire/uuid.js';

/** The first message of every Read: the group key as the subscription id (§3.14 Read step 2). */
export function subscriptionConfirmation(subscriptionId: string): ReadResp {
  return { content: { $case: 'subscriptionConfirmation', value: { subscriptionId } } };
}

/** A message of a persistent Read response stream: events go out pre-encoded. */
export type PersistentReadResponse = ReadResp | EncodedMessage;

/**
 * One delivered message (§3.14 Read step 3; PersistentSubscriptions.Read.cs `ConvertToReadEvent`): both
 * RecordedEvents carry the original record's position (the link's when there is one), `commit_position` is
 * that position, and `retry_count` is always set. Written straight to bytes (read-event-encoding.ts).
 */
export function eventMessage(
  resolved: ResolvedEvent,
  retryCount: number,
  uuidForm: UuidForm,
): EncodedMessage {
  const original = originalOf(resolved);
  return new EncodedMessage(
    encodeReadEventResponse(
      {
        event: resolved.event,
        link: resolved.link,
        commitPosition: original.position,
        recordedPositions: original.position,
        retryCount,
      },
      uuidForm,
    ),
  );
}
