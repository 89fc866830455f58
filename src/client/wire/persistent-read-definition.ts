/**
 * `PersistentSubscriptions.Read` as the client calls it: the generated request codec, and the client's own
 * response decoder (persistent-read-response-decoder.ts) in place of the generated one. The path on the wire is
 * the same (`/event_store.client.persistent_subscriptions.PersistentSubscriptions/Read`).
 */
import { ReadReq } from '../../generated/persistent.js';
import {
  decodePersistentReadResponse,
  type PersistentReadMessage,
} from './persistent-read-response-decoder.js';

/** The response side of the method: decode only, the client never encodes responses. */
const readResponseType = {
  encode(): { finish(): Uint8Array } {
    throw new TypeError('the client does not encode persistent ReadResp messages');
  },
  decode: (input: Uint8Array): PersistentReadMessage => decodePersistentReadResponse(input),
};

/** A nice-grpc service definition holding only `PersistentSubscriptions.Read`, with the client's decoder. */
export const PersistentReadDefinition = {
  name: 'PersistentSubscriptions',
  fullName: 'event_store.client.persistent_subscriptions.PersistentSubscriptions',
  methods: {
    read: {
      name: 'Read',
      requestType: ReadReq,
      requestStream: true,
      responseType: readResponseType,
      responseStream: true,
      options: {},
    },
  },
} as const;

/** The type of {@link PersistentReadDefinition}. */
export type PersistentReadDefinition = typeof PersistentReadDefinition;
