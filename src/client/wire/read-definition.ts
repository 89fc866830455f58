/**
 * `Streams.Read` as the client calls it: the generated request codec, and the client's own response decoder
 * (read-response-decoder.ts) in place of the generated one. The path on the wire is the same
 * (`/event_store.client.streams.Streams/Read`).
 */
import { ReadReq } from '../../generated/streams.js';
import { decodeReadResponse, type ReadMessage } from './read-response-decoder.js';

/** The response side of the method: decode only, the client never encodes responses. */
const readResponseType = {
  encode(): { finish(): Uint8Array } {
    throw new TypeError('the client does not encode ReadResp messages');
  },
  decode: (input: Uint8Array): ReadMessage => decodeReadResponse(input),
};

/** A nice-grpc service definition holding only `Streams.Read`, with the client's response decoder. */
export const StreamsReadDefinition = {
  name: 'Streams',
  fullName: 'event_store.client.streams.Streams',
  methods: {
    read: {
      name: 'Read',
      requestType: ReadReq,
      requestStream: false,
      responseType: readResponseType,
      responseStream: true,
      options: {},
    },
  },
} as const;

/** The type of {@link StreamsReadDefinition}. */
export type StreamsReadDefinition = typeof StreamsReadDefinition;
