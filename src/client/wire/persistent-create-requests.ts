/**
 * The Create requests of the persistent-subscriptions service (docs/protocol.md §2.5, §3.14): a group on `$all`
 * (a 21.6+ server feature, §3.16) with its optional filter, and a group on one stream, sent in both request
 * shapes so that servers before 21.6 understand it too.
 */
import type { CreateReq } from '../../generated/persistent.js';
import type { PersistentSubscriptionSettings } from '../subscriptions/subscription-settings.js';
import { filterOptionsOf, type RecordFilter } from './filter-options.js';
import {
  type AllGroupStart,
  allStartOption,
  legacyRevisionOf,
  type StreamGroupStart,
  streamStartOption,
} from './group-starts.js';
import { createSettingsOf } from './group-settings-request.js';

const EMPTY = {};

/** A Create of a group on `$all`. */
export interface CreateAllSubscriptionRequest {
  readonly groupName: string;
  readonly start: AllGroupStart;
  /** The server-side filter, or undefined for none. */
  readonly filter: RecordFilter | undefined;
  readonly settings: Required<PersistentSubscriptionSettings>;
}

/** A Create of a group on one stream. */
export interface CreateStreamSubscriptionRequest {
  readonly groupName: string;
  readonly streamName: string;
  readonly start: StreamGroupStart;
  readonly settings: Required<PersistentSubscriptionSettings>;
}

/** The Create request of a group on `$all`. */
export function createAllSubscriptionRequest(request: CreateAllSubscriptionRequest): CreateReq {
  return {
    options: {
      streamOption: {
        $case: 'all',
        value: {
          allOption: allStartOption(request.start),
          filterOption:
            request.filter === undefined
              ? { $case: 'noFilter', value: EMPTY }
              : // The server takes only the expression for a group (PersistentSubscriptions.Create.cs);
                // the window and the multiplier get the values a read would (§3.9: positive).
                { $case: 'filter', value: filterOptionsOf(request.filter, 1) },
        },
      },
      // The legacy shape's stream (§3.14): not sent, the `all` option says it all.
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- a field of the message, left unset
      streamIdentifier: undefined,
      groupName: request.groupName,
      settings: createSettingsOf(request.settings, 0n),
    },
  };
}

/**
 * The Create request of a group on a stream, in both shapes at once, as NET sends it (§3.14): the `stream`
 * option that 21.6+ servers read, and the legacy stream identifier and `settings.revision` that older ones
 * read.
 */
export function createStreamSubscriptionRequest(request: CreateStreamSubscriptionRequest): CreateReq {
  const streamIdentifier = { streamName: Buffer.from(request.streamName, 'utf8') };
  return {
    options: {
      streamOption: {
        $case: 'stream',
        value: { streamIdentifier, revisionOption: streamStartOption(request.start) },
      },
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape, for servers before 21.6
      streamIdentifier,
      groupName: request.groupName,
      settings: createSettingsOf(request.settings, legacyRevisionOf(request.start)),
    },
  };
}
