/**
 * Builds the messages of the persistent-subscriptions service (docs/protocol.md §2.5, §3.14) for groups on
 * `$all`: the Create request with the seed client's (PY's) default settings, and the messages of a Read call
 * (the options first, then acknowledgements).
 */
import {
  type CreateReq,
  CreateReq_ConsumerStrategy,
  type CreateReq_Settings,
  type ReadReq,
  ReadReq_Nack_Action,
} from '../../generated/persistent.js';
import type { UUID } from '../../generated/shared.js';
import { filterOptionsOf, type RecordFilter } from './filter-options.js';

const EMPTY = {};

/** Where a new group on `$all` starts; persistent starts are inclusive (§3.14 table, "start"). */
export type AllSubscriptionStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly commitPosition: bigint };

/** A Create of a group on `$all`. */
export interface CreateAllSubscriptionRequest {
  readonly groupName: string;
  readonly start: AllSubscriptionStart;
  /** The server-side filter, or undefined for none. */
  readonly filter: RecordFilter | undefined;
}

/**
 * The group settings of the seed client, PY esdbclient (§3.14 table, PY column). The server applies no
 * defaults of its own: it takes exactly these numbers.
 */
function defaultGroupSettings(): CreateReq_Settings {
  return {
    resolveLinks: false,
    // The start of the legacy request shape: unused, since `stream_option` is set (§3.14).
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- a field of the message, left at its default
    revision: 0n,
    extraStatistics: false,
    maxRetryCount: 10,
    minCheckpointCount: 10,
    maxCheckpointCount: 1_000,
    maxSubscriberCount: 5,
    liveBufferSize: 500,
    readBatchSize: 200,
    historyBufferSize: 500,
    // The server uses field 16 when it is not empty (§3.14); the enum agrees, for servers before 22.6.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- servers before 22.6 read only the enum
    namedConsumerStrategy: CreateReq_ConsumerStrategy.DispatchToSingle,
    messageTimeout: { $case: 'messageTimeoutMs', value: 30_000 },
    checkpointAfter: { $case: 'checkpointAfterMs', value: 2_000 },
    consumerStrategy: 'DispatchToSingle',
  };
}

/** The Create request of a group on `$all`. */
export function createAllSubscriptionRequest(request: CreateAllSubscriptionRequest): CreateReq {
  const start = request.start;
  return {
    options: {
      streamOption: {
        $case: 'all',
        value: {
          allOption:
            start.kind === 'position'
              ? {
                  $case: 'position',
                  // Events written through gRPC have commit == prepare (§3.12).
                  value: { commitPosition: start.commitPosition, preparePosition: start.commitPosition },
                }
              : { $case: start.kind, value: EMPTY },
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
      settings: defaultGroupSettings(),
    },
  };
}

/**
 * The first message of a Read of a group on `$all`: `uuid_option` must be sent (§2.5), and string ids are what
 * the decoder reads fastest and what acknowledgements echo back.
 */
export function persistentReadOptionsMessage(groupName: string, bufferSize: number): ReadReq {
  return {
    content: {
      $case: 'options',
      value: {
        streamOption: { $case: 'all', value: EMPTY },
        groupName,
        bufferSize,
        uuidOption: { content: { $case: 'string', value: EMPTY } },
      },
    },
  };
}

/** What a consumer can tell the group about an event it was given. */
export type AckAction = 'ack' | NackAction;

/** The nack actions (§3.14, Read step 5). */
export type NackAction = 'park' | 'retry' | 'skip' | 'stop';

const NACK_ACTIONS: Readonly<Record<NackAction, ReadReq_Nack_Action>> = {
  park: ReadReq_Nack_Action.Park,
  retry: ReadReq_Nack_Action.Retry,
  skip: ReadReq_Nack_Action.Skip,
  stop: ReadReq_Nack_Action.Stop,
};

/** Whether `value` is one of the nack actions. */
export function isNackAction(value: unknown): value is NackAction {
  return typeof value === 'string' && Object.hasOwn(NACK_ACTIONS, value);
}

function uuidsOf(ids: readonly string[]): UUID[] {
  return ids.map((id) => ({ value: { $case: 'string', value: id } }));
}

/**
 * An ack or nack of a batch of ids. `id` (bytes) is ignored by the server and left empty, as NODE and NET do
 * (§2.5); the nack reason is left empty too.
 */
export function acknowledgementMessage(action: AckAction, ids: readonly string[]): ReadReq {
  if (action === 'ack') {
    return { content: { $case: 'ack', value: { id: new Uint8Array(0), ids: uuidsOf(ids) } } };
  }
  return {
    content: {
      $case: 'nack',
      value: { id: new Uint8Array(0), ids: uuidsOf(ids), action: NACK_ACTIONS[action], reason: '' },
    },
  };
}
