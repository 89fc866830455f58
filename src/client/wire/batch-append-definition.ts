/**
 * `Streams.BatchAppend` as the client calls it: requests already encoded by batch-append-encoder.ts go out as
 * they are, in place of the generated codec's `fromPartial` and `encode`; responses use the generated decoder.
 * The path on the wire is the same (`/event_store.client.streams.Streams/BatchAppend`).
 */
import { BatchAppendResp } from '../../generated/streams.js';

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

/** A nice-grpc service definition holding only `Streams.BatchAppend`, taking encoded requests. */
export const StreamsBatchAppendDefinition = {
  name: 'Streams',
  fullName: 'event_store.client.streams.Streams',
  methods: {
    batchAppend: {
      name: 'BatchAppend',
      requestType: preEncodedRequest,
      requestStream: true,
      responseType: BatchAppendResp,
      responseStream: true,
      options: {},
    },
  },
} as const;

/** The type of {@link StreamsBatchAppendDefinition}. */
export type StreamsBatchAppendDefinition = typeof StreamsBatchAppendDefinition;
