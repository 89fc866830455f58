/**
 * Streams requests built directly on the generated protobuf types, with no client library: used by the harness
 * to seed the emulator and write live events, and by the raw gRPC floor (scenario 7).
 */
import { randomUUID } from 'node:crypto';
import {
  AppendReq,
  type DeepPartial,
  ReadReq,
  ReadReq_Options_ReadDirection,
} from '../src/generated/streams.js';

/** The event type of every benchmark event. */
export const BENCH_EVENT_TYPE = 'BenchEvent';

/** The gRPC method paths used here. */
export const READ_METHOD = '/event_store.client.streams.Streams/Read';
export const APPEND_METHOD = '/event_store.client.streams.Streams/Append';

/**
 * The data of benchmark events: `size` bytes of opaque data, appended as `application/octet-stream` so that
 * every client hands it back as bytes (none of them parses it), which compares the clients and not JSON.parse.
 */
export function eventData(size: number): Uint8Array {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) data[i] = 97 + (i % 26);
  return data;
}

/** The encoded options message of an Append to `stream`, whatever the stream holds. */
export function encodedAppendOptions(stream: string): Buffer {
  const message = AppendReq.fromPartial({
    content: {
      $case: 'options',
      value: {
        streamIdentifier: { streamName: Buffer.from(stream) },
        expectedStreamRevision: { $case: 'any', value: {} },
      },
    },
  });
  return Buffer.from(AppendReq.encode(message).finish());
}

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Makes encoded proposed-event messages of `data`, each with a new random id: the message is encoded once and
 * each copy gets its id written over the placeholder's bytes (a UUID's text is always 36 ASCII bytes).
 */
export function proposedEventEncoder(data: Uint8Array): () => Buffer {
  const template = Buffer.from(
    AppendReq.encode(
      AppendReq.fromPartial({
        content: {
          $case: 'proposedMessage',
          value: {
            id: { value: { $case: 'string', value: PLACEHOLDER_ID } },
            metadata: { type: BENCH_EVENT_TYPE, 'content-type': 'application/octet-stream' },
            customMetadata: new Uint8Array(0),
            data,
          },
        },
      }),
    ).finish(),
  );
  const idOffset = template.indexOf(PLACEHOLDER_ID, 0, 'latin1');
  if (idOffset < 0) throw new Error('the encoded event does not hold its id as text');
  return () => {
    const message = Buffer.from(template);
    message.write(randomUUID(), idOffset, 'latin1');
    return message;
  };
}

/** A `$all` position: commit and prepare. */
export interface AllPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

const STRING_UUIDS = { content: { $case: 'string' as const, value: {} } };

/** A plain forwards read of `count` events of one stream from its start, with nothing filtered. */
export function streamReadRequest(stream: string, count: number): ReadReq {
  return ReadReq.fromPartial({
    options: {
      streamOption: {
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from(stream) },
          revisionOption: { $case: 'start', value: {} },
        },
      },
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: false,
      countOption: { $case: 'count', value: BigInt(count) },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: STRING_UUIDS,
    },
  } satisfies DeepPartial<ReadReq>);
}

/** A plain forwards read of `count` events of `$all` from its start, with nothing filtered. */
export function allReadRequest(count: number): ReadReq {
  return ReadReq.fromPartial({
    options: {
      streamOption: { $case: 'all', value: { allOption: { $case: 'start', value: {} } } },
      readDirection: ReadReq_Options_ReadDirection.Forwards,
      resolveLinks: false,
      countOption: { $case: 'count', value: BigInt(count) },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: STRING_UUIDS,
    },
  } satisfies DeepPartial<ReadReq>);
}

/** A plain read of the last event of `$all`, system events included. */
export function lastEventOfAllRequest(): ReadReq {
  return ReadReq.fromPartial({
    options: {
      streamOption: { $case: 'all', value: { allOption: { $case: 'end', value: {} } } },
      readDirection: ReadReq_Options_ReadDirection.Backwards,
      resolveLinks: false,
      countOption: { $case: 'count', value: 1n },
      filterOption: { $case: 'noFilter', value: {} },
      uuidOption: STRING_UUIDS,
    },
  } satisfies DeepPartial<ReadReq>);
}
