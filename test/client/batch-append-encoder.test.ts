// The hand-written BatchAppendReq encoder against the generated one (docs/protocol.md §3.5): for every shape of
// message an append can take, the two must write the same bytes.
import { NewEvent } from '../../src/client/index.js';
import type { ExpectedState } from '../../src/client/arguments/checks.js';
import {
  type BatchChunk,
  type BatchOptions,
  encodeBatchChunk,
  type WireDeadline,
  type WireEvent,
} from '../../src/client/wire/batch-append-encoder.js';
import { StreamsBatchAppendDefinition } from '../../src/client/wire/batch-append-definition.js';
import { batchAppendMessages, type BatchAppendParts } from '../../src/client/wire/batch-append-request.js';
import { BatchAppendReq, type BatchAppendReq_Options } from '../../src/generated/streams.js';

const CORRELATION = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** The generated message of a chunk, built field by field as the client built it before the encoder. */
function generatedOf(chunk: BatchChunk): Uint8Array {
  const message: BatchAppendReq = {
    correlationId: { value: { $case: 'string', value: chunk.correlationId } },
    options: chunk.options === undefined ? undefined : generatedOptionsOf(chunk.options),
    proposedMessages: chunk.events.slice(chunk.from, chunk.to).map((event) => ({
      id: { value: { $case: 'string', value: event.id } },
      metadata: { type: event.type, 'content-type': event.contentType },
      customMetadata: event.metadata,
      data: event.data,
    })),
    isFinal: chunk.isFinal,
  };
  return BatchAppendReq.encode(BatchAppendReq.fromPartial(message)).finish();
}

function generatedOptionsOf(options: BatchOptions): BatchAppendReq_Options {
  const expected = options.expected;
  const deadline = options.deadline;
  const time = deadline && { seconds: deadline.seconds, nanos: deadline.nanos };
  return {
    streamIdentifier: { streamName: Buffer.from(options.streamName, 'utf8') },
    expectedStreamPosition:
      expected.kind === 'position'
        ? { $case: 'streamPosition', value: expected.position }
        : { $case: expected.kind === 'any' ? 'any' : 'noStream', value: {} },
    deadlineOption:
      deadline === undefined || time === undefined
        ? undefined
        : deadline.field === 'duration'
          ? { $case: 'deadline', value: time }
          : {
              $case: 'deadline21100',
              value: new Date(Number(time.seconds) * 1000 + time.nanos / 1_000_000),
            },
  };
}

const bytes = (length: number, seed = 7): Uint8Array =>
  Uint8Array.from({ length }, (_, index) => (index * seed) & 0xff);

const event = (data: number, metadata = 0, type = 'OrderPlaced', contentType?: string): NewEvent =>
  new NewEvent({ type, data: bytes(data), metadata: bytes(metadata, 13), contentType });

/** An event the constructor would refuse (empty type and content type), which the encoder still writes. */
const bare: WireEvent = { id: CORRELATION, type: '', contentType: '', data: bytes(0), metadata: bytes(0) };

const options = (
  expected: ExpectedState,
  deadline?: WireDeadline,
  streamName = 'orders-1',
): BatchOptions => ({ streamName, expected, deadline });

const chunk = (events: readonly WireEvent[], chunkOptions?: BatchOptions, isFinal = true): BatchChunk => ({
  correlationId: CORRELATION,
  options: chunkOptions,
  events,
  from: 0,
  to: events.length,
  isFinal,
});

const any: ExpectedState = { kind: 'any' };
const position = (value: bigint): ExpectedState => ({ kind: 'position', position: value });

const shapes: [string, BatchChunk][] = [
  ['no events, final, with options', chunk([], options(any))],
  ['no events, not final, no options', chunk([], undefined, false)],
  ['one empty event', chunk([event(0)], options({ kind: 'no-stream' }))],
  ['an event with custom metadata and JSON', chunk([event(10, 30, 'T', 'application/json')], options(any))],
  ['an event with empty type and content type', chunk([bare], options(any))],
  ['many events of varied sizes', chunk([0, 1, 127, 128, 300, 16_383, 16_384].map((n) => event(n, n % 5)))],
  ['a big event (multi-byte lengths)', chunk([event(1_100_000, 70_000)], options(any), false)],
  ['unicode names and types', chunk([event(5, 0, 'Größe-✓-😀')], options(any, undefined, 'straße-日本-😀'))],
  ['a lone surrogate in the type', chunk([event(1, 0, 'bad\ud800x')], options(any, undefined, '\udc00'))],
  ['an empty stream name', chunk([event(1)], options(any, undefined, ''))],
  ['expected position 0', chunk([event(1)], options(position(0n)))],
  ['expected position 127', chunk([event(1)], options(position(127n)))],
  ['expected position 128', chunk([event(1)], options(position(128n)))],
  ['expected position 2^31', chunk([event(1)], options(position(2n ** 31n)))],
  ['expected position 2^53 + 1', chunk([event(1)], options(position(2n ** 53n + 1n)))],
  ['expected position 2^63 - 1', chunk([event(1)], options(position(2n ** 63n - 1n)))],
  ['a Duration deadline', chunk([event(1)], options(any, { field: 'duration', seconds: 2n, nanos: 250e6 }))],
  ['a zero Duration', chunk([event(1)], options(any, { field: 'duration', seconds: 0n, nanos: 0 }))],
  ['whole seconds', chunk([event(1)], options(any, { field: 'duration', seconds: 86_400n, nanos: 0 }))],
  [
    'negative seconds and nanos (ten-byte varints)',
    chunk([event(1)], options(any, { field: 'duration', seconds: -1n, nanos: -5 })),
  ],
  ['only nanos', chunk([event(1)], options(any, { field: 'duration', seconds: 0n, nanos: 1e6 }))],
  [
    'a Timestamp deadline',
    chunk([event(1)], options(any, { field: 'timestamp', seconds: 1_786_000_000n, nanos: 999e6 })),
  ],
];

describe('encodeBatchChunk', () => {
  test.each(shapes)('%s: the same bytes as the generated encoder', (_, shape) => {
    expect(Buffer.from(encodeBatchChunk(shape)).equals(Buffer.from(generatedOf(shape)))).toBe(true);
  });

  test('a chunk from the middle of the events writes those events only', () => {
    const events = [event(1), event(2), event(3), event(4)];
    const middle = { ...chunk(events, undefined, false), from: 1, to: 3 };
    expect(
      BatchAppendReq.decode(encodeBatchChunk(middle)).proposedMessages.map((m) => m.data.length),
    ).toEqual([2, 3]);
    expect(Buffer.from(encodeBatchChunk(middle)).equals(Buffer.from(generatedOf(middle)))).toBe(true);
  });
});

describe('batchAppendMessages', () => {
  const parts = (events: NewEvent[], deadline: BatchAppendParts['deadline']): BatchAppendParts => ({
    correlationId: CORRELATION,
    streamName: 'orders-1',
    expected: position(41n),
    events,
    deadline,
  });

  test('a chunked append: the first message has the options, the last is_final, each as generated', () => {
    const events = [event(400), event(400), event(5000), event(100)];
    const messages = batchAppendMessages(parts(events, { kind: 'duration', milliseconds: 1500.7 }), 1300);
    const deadline: WireDeadline = { field: 'duration', seconds: 1n, nanos: 500e6 };
    const expected = [
      { ...chunk(events, options(position(41n), deadline), false), to: 2 },
      { ...chunk(events, undefined, false), from: 2, to: 3 },
      { ...chunk(events), from: 3 },
    ].map((shape) => Buffer.from(generatedOf(shape)));
    expect(messages).toEqual(expected);
  });

  test('an absolute deadline is now plus the timeout, in whole milliseconds', () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_786_000_000_123);
    try {
      const events = [event(1)];
      const [message] = batchAppendMessages(parts(events, { kind: 'timestamp', milliseconds: 5000.9 }));
      const deadline: WireDeadline = { field: 'timestamp', seconds: 1_786_000_005n, nanos: 123e6 };
      expect(message).toEqual(Buffer.from(generatedOf(chunk(events, options(position(41n), deadline)))));
      const option = BatchAppendReq.decode(message as Buffer).options?.deadlineOption;
      expect(option).toEqual({ $case: 'deadline21100', value: new Date(1_786_000_005_123) });
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe('StreamsBatchAppendDefinition', () => {
  const serialize = (message: Uint8Array): Buffer =>
    // What nice-grpc does with the request type of a definition without fromPartial.
    Buffer.from(StreamsBatchAppendDefinition.methods.batchAppend.requestType.encode(message).finish());

  test('an encoded request is sent as it is, small or large', () => {
    const small = encodeBatchChunk(chunk([event(10)], options(any)));
    const large = encodeBatchChunk(chunk([event(100_000)], options(any)));
    expect(serialize(small).equals(small)).toBe(true);
    expect(serialize(large).equals(large)).toBe(true);
  });
});
