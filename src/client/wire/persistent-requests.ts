/**
 * Builds the messages of a `PersistentSubscriptions.Read` call (docs/protocol.md §2.5, §3.14 Read): the options
 * first, then acknowledgements. Create and Update requests are built in persistent-create-requests.ts and
 * persistent-update-request.ts.
 */
import { type ReadReq, ReadReq_Nack_Action } from '../../generated/persistent.js';
import type { UUID } from '../../generated/shared.js';
import { ALL_STREAMS } from './persistent-management-requests.js';

const EMPTY = {};

/**
 * The first message of a Read of a group on `source` (a stream name, or `$all`): `uuid_option` must be sent
 * (§2.5), and string ids are what the decoder reads fastest and what acknowledgements echo back.
 */
export function persistentReadOptionsMessage(source: string, groupName: string, bufferSize: number): ReadReq {
  return {
    content: {
      $case: 'options',
      value: {
        streamOption:
          source === ALL_STREAMS
            ? { $case: 'all', value: EMPTY }
            : { $case: 'streamIdentifier', value: { streamName: Buffer.from(source, 'utf8') } },
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
