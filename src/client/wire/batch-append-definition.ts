/**
 * `Streams.BatchAppend` as the client calls it: requests already encoded by batch-append-encoder.ts go out as
 * they are, in place of the generated codec's `fromPartial` and `encode`, and responses are read by the
 * client's own decoder (batch-append-response.ts).
 * The path on the wire is the same (`/event_store.client.streams.Streams/BatchAppend`).
 */
import { type BatchAppendAnswer, decodeBatchAppendResponse } from './batch-append-response.js';

/**
 * The request side: the message is its own encoding. nice-grpc copies whatever `finish` returns into a new
 * Buffer (`Buffer.from`), which for a large append is a second copy of every event; a Buffer that owns its
 * whole memory (Node gives large allocations their own) is handed over as that memory instead, which
 * `Buffer.from` wraps without copying.
 */
const preEncodedRequest = {
  encode: (message: Uint8Array): { finish(): Uint8Array } => ({
    finish: () =>
      message.byteOffset === 0 && message.byteLength === message.buffer.byteLength
        ? (message.buffer as unknown as Uint8Array)
        : message,
  }),
  decode(): Uint8Array {
    throw new TypeError('the client does not decode BatchAppendReq messages');
  },
};

/** The response side: decode only, the client never encodes responses. */
const batchAppendResponse = {
  encode(): { finish(): Uint8Array } {
    throw new TypeError('the client does not encode BatchAppendResp messages');
  },
  decode: (input: Uint8Array): BatchAppendAnswer => decodeBatchAppendResponse(input),
};

/** A nice-grpc service definition holding only `Streams.BatchAppend`, with the client's own codecs. */
export const StreamsBatchAppendDefinition = {
  name: 'Streams',
  fullName: 'event_store.client.streams.Streams',
  methods: {
    batchAppend: {
      name: 'BatchAppend',
      requestType: preEncodedRequest,
      requestStream: true,
      responseType: batchAppendResponse,
      responseStream: true,
      options: {},
    },
  },
} as const;

/** The type of {@link StreamsBatchAppendDefinition}. */
export type StreamsBatchAppendDefinition = typeof StreamsBatchAppendDefinition;
