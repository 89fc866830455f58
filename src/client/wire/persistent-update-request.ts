/**
 * The Update request of the persistent-subscriptions service (docs/protocol.md §2.5, §3.14 Update). The server
 * rebuilds the group from the request alone, so it carries every setting and the start; it keeps the filter of
 * a group on `$all`, which an Update cannot name.
 */
import type { UpdateReq } from '../../generated/persistent.js';
import {
  type AllGroupStart,
  allStartOption,
  legacyRevisionOf,
  type StreamGroupStart,
  streamStartOption,
} from './group-starts.js';
import { type UpdatableSettings, updateSettingsOf } from './group-settings-request.js';

/** The group an Update names, by its source, with the start to send. */
export type UpdatedGroup =
  | { readonly kind: 'all'; readonly groupName: string; readonly start: AllGroupStart }
  | {
      readonly kind: 'stream';
      readonly groupName: string;
      readonly streamName: string;
      readonly start: StreamGroupStart;
    };

/**
 * The Update request of `group`. A stream group is sent in both request shapes, as Create sends it
 * (persistent-create-requests.ts).
 */
export function updateSubscriptionRequest(group: UpdatedGroup, settings: UpdatableSettings): UpdateReq {
  if (group.kind === 'all') {
    return {
      options: {
        streamOption: { $case: 'all', value: { allOption: allStartOption(group.start) } },
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- a field of the message, left unset
        streamIdentifier: undefined,
        groupName: group.groupName,
        settings: updateSettingsOf(settings, 0n),
      },
    };
  }
  const streamIdentifier = { streamName: Buffer.from(group.streamName, 'utf8') };
  return {
    options: {
      streamOption: {
        $case: 'stream',
        value: { streamIdentifier, revisionOption: streamStartOption(group.start) },
      },
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape, for servers before 21.6
      streamIdentifier,
      groupName: group.groupName,
      settings: updateSettingsOf(settings, legacyRevisionOf(group.start)),
    },
  };
}
