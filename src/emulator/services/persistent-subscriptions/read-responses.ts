import type { ReadResp } from '../../../generated/persistent.js';
import { originalOf, type ResolvedEvent } from '../../persistent/resolved-event.js';
import { toRecordedEvent } from '../../wire/recorded-event.js';
import type { UuidForm } from '../../wire/uuid.js';

/** The first message of every Read: the group key as the subscription id (§3.14 Read step 2). */
export function subscriptionConfirmation(subscriptionId: string): ReadResp {
  return { content: { $case: 'subscriptionConfirmation', value: { subscriptionId } } };
}

/**
 * One delivered message (§3.14 Read step 3; PersistentSubscriptions.Read.cs `ConvertToReadEvent`): both
 * RecordedEvents carry the original record's position (the link's when there is one), `commit_position` is
 * that position, and `retry_count` is always set.
 */
export function eventMessage(resolved: ResolvedEvent, retryCount: number, uuidForm: UuidForm): ReadResp {
  const original = originalOf(resolved);
  const positions = { commit: original.position, prepare: original.position };
  return {
    content: {
      $case: 'event',
      value: {
        event:
          resolved.event === undefined ? undefined : toRecordedEvent(resolved.event, uuidForm, positions),
        link: resolved.link === undefined ? undefined : toRecordedEvent(resolved.link, uuidForm, positions),
        position: { $case: 'commitPosition', value: original.position },
        count: { $case: 'retryCount', value: retryCount },
      },
    },
  };
}
