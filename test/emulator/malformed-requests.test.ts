// Issue 3: a battery of malformed requests against every method one insecure node serves. Each case cites where
// its status and detail text come from: the facts (docs/protocol.md, §x.y) or the 24.10 server
// (EventStore v24.10.0, src/EventStore.Core/Services/Transport/Grpc/*.cs, named by file). After every call the
// node must still serve an append and a read, and nothing may escape as an uncaught exception.
import { randomUUID } from 'node:crypto';
import { Client, credentials, Metadata as GrpcMetadata, type StatusObject } from '@grpc/grpc-js';
import { isAbortError } from 'abort-controller-x';
import { ClientError, createChannel, createClient, Status, type Channel, type Metadata } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Code } from '../../src/generated/code.js';
import {
  type DeepPartial as PersistentPartial,
  type PersistentSubscriptionsClient,
  PersistentSubscriptionsDefinition,
  type ReadReq as PersistentReadReq,
} from '../../src/generated/persistent.js';
import { BadRequest, MaximumAppendSizeExceeded, type UUID } from '../../src/generated/shared.js';
import {
  AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type DeepPartial,
  type DeleteReq,
  type ReadReq,
  ReadReq_Options_ReadDirection,
  type StreamsClient,
  StreamsDefinition,
} from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';
import {
  Consumer,
  failure,
  legacyCreate,
  nodeDefaults,
  readOptions,
  streamCreate,
  updateDefaults,
} from './persistent-support.js';
import {
  allReadRequest,
  allSubscriptionRequest,
  readMessages,
  run,
  streamReadRequest,
} from './read-support.js';

const LONG_MAX = 9223372036854775807n;
const UINT64_MAX = 18446744073709551615n;
/** `MaxAppendSize` of servers up to 25.0 (§3.18). */
const MAX_APPEND_SIZE = 1024 * 1024;
/** The Streams service's gRPC per-message cap, `MaxReceiveMessageSize` (§3.18, ClusterVNodeStartup.cs). */
const MESSAGE_CAP = 16 * 1024 * 1024 - 10_000;

/** What a failed call must show: status, detail text, and the server's trailer keys (none unless given). */
interface Expected {
  readonly code: Status;
  readonly details: string;
  readonly trailer?: Readonly<Record<string, string>>;
}

/** An unhandled exception in a handler (§3.1 channel 3). */
const handlerException: Expected = { code: Status.UNKNOWN, details: 'Exception was thrown by handler.' };
/** `RpcExceptions.InvalidArgument(oneofCase)` for an unset oneof (§3.1.2). */
const unsetOneof = (clrCaseType: string): Expected => ({
  code: Status.INVALID_ARGUMENT,
  details: `'None' is not a valid ${clrCaseType}`,
});
const invalidCombination = (tuple: string): Expected => ({
  code: Status.INVALID_ARGUMENT,
  details: `The combination of (${tuple}) is invalid.`,
});
/** §3.1.1, §3.3, §3.18. */
const maximumAppendSizeExceeded: Expected = {
  code: Status.INVALID_ARGUMENT,
  details: `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`,
  trailer: { exception: 'maximum-append-size-exceeded', 'maximum-append-size': String(MAX_APPEND_SIZE) },
};

const fresh = (prefix = 'malformed'): string => `${prefix}-${randomUUID()}`;
const identifier = (stream: string) => ({ streamName: Buffer.from(stream) });
const stringId = (text: string = randomUUID()): UUID => ({ value: { $case: 'string', value: text } });
const structuredId = (most: bigint, least: bigint): UUID => ({
  value: { $case: 'structured', value: { mostSignificantBits: most, leastSignificantBits: least } },
});
const JSON_EVENT = { type: 'Happened', 'content-type': 'application/json' };

let emulator: RunningEmulator;
let channel: Channel;
let streams: StreamsClient;
let persistent: PersistentSubscriptionsClient;

/** A stream with two events, for positions inside a record and for the persistent group `g`. */
const fixture = { stream: fresh('fixture'), first: 0n, second: 0n };

beforeAll(async () => {
  emulator = await startEmulator();
  channel = createChannel(`${emulator.host}:${emulator.port}`);
  streams = createClient(StreamsDefinition, channel);
  persistent = createClient(PersistentSubscriptionsDefinition, channel);
  const [first, second] = await Promise.all([appendOne(fixture.stream), appendOne(fixture.stream)]);
  [fixture.first, fixture.second] = [first, second].sort((a, b) => (a < b ? -1 : 1)) as [bigint, bigint];
  await persistent.create(streamCreate(fixture.stream, 'g', { $case: 'start' }));
});

afterAll(async () => {
  channel.close();
  await emulator.stop();
});

// After every malformed call: the node still appends and reads.
afterEach(async () => {
  await expectServing(streams);
});

/** Appends one event to `stream` and returns its position. */
async function appendOne(stream: string, id: UUID = stringId()): Promise<bigint> {
  const response = await streams.append(
    asyncIterableOf<DeepPartial<AppendReq>>([
      appendOptions(identifier(stream), { $case: 'any', value: {} }),
      proposed({ id }),
    ]),
  );
  const position = response.result?.$case === 'success' ? response.result.value.positionOption : undefined;
  if (position?.$case !== 'position') throw new Error(`the append failed: ${String(response.result?.$case)}`);
  return position.value.commitPosition;
}

/** An append and a read of a fresh stream both succeed. */
async function expectServing(client: StreamsClient): Promise<void> {
  const stream = fresh('serving');
  const id = randomUUID();
  const appended = await client.append(
    asyncIterableOf<DeepPartial<AppendReq>>([
      appendOptions(identifier(stream), { $case: 'noStream', value: {} }),
      proposed({ id: stringId(id) }),
    ]),
  );
  expect(appended.result?.$case).toBe('success');
  const read = await readMessages(client, streamReadRequest(stream));
  expect(read.map((message) => idTextOf(message))).toEqual([id]);
}

function idTextOf(message: { content?: { $case: string; value: unknown } }): string | undefined {
  if (message.content?.$case !== 'event') return undefined;
  const id = (message.content.value as { event?: { id?: UUID } }).event?.id?.value;
  return id?.$case === 'string' ? id.value : undefined;
}

async function expectFailure(
  call: (onTrailer: (trailer: Metadata) => void) => Promise<unknown>,
  expected: Expected,
): Promise<void> {
  const { error, trailer } = await failure(call);
  expect({ code: error.code, details: error.details, trailer }).toEqual({
    code: expected.code,
    details: expected.details,
    trailer: expected.trailer ?? {},
  });
}

async function drain<T>(responses: AsyncIterable<T>): Promise<T[]> {
  const received: T[] = [];
  for await (const response of responses) received.push(response);
  return received;
}

/** Resolves with `promise`'s value, or rejects when it takes longer than `ms` (so a silent server fails fast). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Streams.Read

type ReadOptions = NonNullable<DeepPartial<ReadReq>['options']>;

/** A valid stream read with some options replaced. */
function streamRead(overrides: Partial<ReadOptions>): DeepPartial<ReadReq> {
  return { options: { ...streamReadRequest(fresh()).options, ...overrides } };
}

const READ_OPTIONS = 'EventStore.Client.Streams.ReadReq+Types+Options';
const at = (commit: bigint, prepare: bigint) => ({ commit, prepare });
/** A read direction the enum does not define (only Forwards = 0 and Backwards = 1 exist). */
const UNDEFINED_DIRECTION = 7 as unknown as ReadReq_Options_ReadDirection;

const readCases: readonly (readonly [string, () => DeepPartial<ReadReq>, Expected])[] = [
  // Streams.Read.cs dereferences `request.Options` unchecked (§3.1 channel 3).
  ['no options', () => ({}), handlerException],
  // 24.10 RpcExceptions.RequiredArgument; §3.7 step 1 (§3.1.2 quotes KurrentDB's later wording).
  [
    'no uuid_option',
    () => streamRead({ uuidOption: undefined }),
    {
      code: Status.INVALID_ARGUMENT,
      details: ` \`uuidOption\` is a required argument of type ${READ_OPTIONS}+Types+UUIDOption`,
    },
  ],
  // §3.7 step 2.
  [
    'an unset stream_option',
    () => streamRead({ streamOption: undefined }),
    unsetOneof(`${READ_OPTIONS}+StreamOptionOneofCase`),
  ],
  // The access check converts the missing identifier to a name (§3.1 channel 3).
  [
    'stream options without an identifier',
    () =>
      streamRead({
        streamOption: { $case: 'stream', value: { revisionOption: { $case: 'start', value: {} } } },
      }),
    handlerException,
  ],
  // An empty name converts to null; the enumerator's argument check throws (StreamIdentifier.cs).
  ['an empty stream name', () => streamReadRequest(''), handlerException],
  // §3.7 step 4: every tuple outside the table is an invalid combination, printed as .NET prints the tuple.
  [
    'an unset count_option',
    () => streamRead({ countOption: undefined }),
    invalidCombination('Stream, None, Forwards, NoFilter'),
  ],
  [
    'an unset filter_option',
    () => streamRead({ filterOption: undefined }),
    invalidCombination('Stream, Count, Forwards, None'),
  ],
  [
    'a filter on a stream read',
    () =>
      streamRead({
        filterOption: {
          $case: 'filter',
          value: {
            filter: { $case: 'eventType', value: { prefix: ['x'] } },
            window: { $case: 'count', value: {} },
          },
        },
      }),
    invalidCombination('Stream, Count, Forwards, Filter'),
  ],
  [
    'a backwards subscription',
    () =>
      streamRead({
        countOption: { $case: 'subscription', value: {} },
        readDirection: ReadReq_Options_ReadDirection.Backwards,
      }),
    invalidCombination('Stream, Subscription, Backwards, NoFilter'),
  ],
  // An undefined enum value prints as its number.
  [
    'an unknown read direction',
    () => streamRead({ readDirection: UNDEFINED_DIRECTION }),
    invalidCombination('Stream, Count, 7, NoFilter'),
  ],
  // StreamRevision's constructor throws above long.MaxValue unless the value is UINT64 max (StreamRevision.cs).
  [
    'a revision above long.MaxValue',
    () => streamReadRequest(fresh(), { from: LONG_MAX + 1n }),
    handlerException,
  ],
  // Position's constructor (Transport/Common/Position.cs; §3.7 "Reading $all").
  ['a $all position with commit below prepare', () => allReadRequest({ from: at(5n, 6n) }), handlerException],
  [
    'a $all commit above long.MaxValue',
    () => allReadRequest({ from: at(LONG_MAX + 1n, 0n) }),
    handlerException,
  ],
  [
    'a $all prepare above long.MaxValue',
    () => allReadRequest({ from: at(UINT64_MAX, LONG_MAX + 1n) }),
    handlerException,
  ],
  // A lone UINT64 max commit is cast to -1, which storage rejects: an unexpected result (RpcExceptions.UnknownError).
  [
    'a lone UINT64 max commit',
    () => allReadRequest({ from: at(UINT64_MAX, 0n) }),
    { code: Status.UNKNOWN, details: 'Unexpected ReadAllResult: InvalidPosition' },
  ],
  // A position inside a record is not a record boundary (§3.12); plain reads report storage's answer as an
  // unexpected result (Enumerator.ReadAllForwards.cs, Enumerator.ReadAllForwardsFiltered.cs).
  [
    'forwards from inside a record',
    () => allReadRequest({ from: at(fixture.first + 1n, fixture.first + 1n) }),
    { code: Status.UNKNOWN, details: 'Unexpected ReadAllResult: InvalidPosition' },
  ],
  [
    'filtered forwards from inside a record',
    () =>
      allReadRequest({
        from: at(fixture.first + 1n, fixture.first + 1n),
        filter: {
          filter: { $case: 'eventType', value: { regex: '.' } },
          window: { $case: 'count', value: {} },
        },
      }),
    { code: Status.UNKNOWN, details: 'Unexpected FilteredReadAllResult: InvalidPosition' },
  ],
  // §3.1.2: a subscription from a position that is not on a record boundary (after its confirmation).
  [
    'a $all subscription from inside a record',
    () => allSubscriptionRequest({ from: at(fixture.first + 1n, fixture.first + 1n) }),
    { code: Status.INVALID_ARGUMENT, details: 'Trying to read from an invalid position.' },
  ],
  // §3.7: both the filter and window oneofs must be set.
  [
    'a filter without a window',
    () => allReadRequest({ filter: { filter: { $case: 'eventType', value: { prefix: ['x'] } } } }),
    unsetOneof(`${READ_OPTIONS}+Types+FilterOptions+WindowOneofCase`),
  ],
  // §3.9: a checkpoint multiplier of 0 makes the server throw.
  [
    'a filtered subscription with a checkpoint multiplier of 0',
    () =>
      allSubscriptionRequest({
        filter: {
          filter: { $case: 'eventType', value: { regex: '.' } },
          window: { $case: 'count', value: {} },
          checkpointIntervalMultiplier: 0,
        },
      }),
    handlerException,
  ],
];

describe('Streams.Read (§3.7, §3.8)', () => {
  test.each(readCases)('%s', async (_title, request, expected) => {
    await expectFailure((onTrailer) => within(drain(streams.read(request(), { onTrailer })), 3000), expected);
  });

  test('an unset start option: the server swallows its InvalidOperationException, OK and no messages', async () => {
    const request = streamRead({
      streamOption: { $case: 'stream', value: { streamIdentifier: identifier(fixture.stream) } },
    });
    expect(await readMessages(streams, request)).toEqual([]);
  });

  test('UINT64 max means end: backwards from it returns the last event, and the last record of $all', async () => {
    const stream = await readMessages(
      streams,
      streamReadRequest(fixture.stream, { from: UINT64_MAX, backwards: true, count: 1n }),
    );
    expect(stream).toHaveLength(1);
    expect(stream[0]?.content?.$case === 'event' && stream[0].content.value.position).toEqual({
      $case: 'commitPosition',
      value: fixture.second,
    });
    const all = await run(
      streams,
      allReadRequest({ from: at(UINT64_MAX, UINT64_MAX), backwards: true, count: 1n }),
    );
    expect(all.error).toBeUndefined();
    expect(all.messages).toHaveLength(1);
    expect(all.messages).toEqual(
      await readMessages(streams, allReadRequest({ from: 'end', backwards: true, count: 1n })),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Streams.Append

type AppendMessage = DeepPartial<AppendReq>;
type AppendOptions = Extract<NonNullable<AppendMessage['content']>, { $case: 'options' }>['value'];
type ProposedFields = Extract<NonNullable<AppendMessage['content']>, { $case: 'proposedMessage' }>['value'];

function appendOptions(
  streamIdentifier: { streamName: Buffer } | undefined,
  expectedStreamRevision: NonNullable<AppendOptions>['expectedStreamRevision'],
): AppendMessage {
  return { content: { $case: 'options', value: { streamIdentifier, expectedStreamRevision } } };
}

function proposed(overrides: ProposedFields = {}): AppendMessage {
  return {
    content: {
      $case: 'proposedMessage',
      value: { id: stringId(), metadata: JSON_EVENT, data: Buffer.from('{}'), ...overrides },
    },
  };
}

const anyRevision = { $case: 'any', value: {} } as const;
const toFresh = (): AppendMessage => appendOptions(identifier(fresh()), anyRevision);
const APPEND_REVISION_CASE =
  'EventStore.Client.Streams.AppendReq+Types+Options+ExpectedStreamRevisionOneofCase';
/** Size as the server counts it: data + custom metadata + 2 × UTF-16 length of the type (§3.3). */
const dataOfSize = (eventSize: number): Buffer => Buffer.alloc(eventSize - 2 * 'Happened'.length, 0x61);

const appendCases: readonly (readonly [string, () => AppendMessage[], Expected])[] = [
  // §3.3 step 1: no message, or anything but options first, makes the handler throw.
  ['no messages at all, then half-close', () => [], handlerException],
  ['a proposed message first', () => [proposed()], handlerException],
  ['an empty message first', () => [{}], handlerException],
  // §3.3 step 3: every later message must be a proposed message.
  ['options twice', () => [toFresh(), toFresh()], handlerException],
  // The identifier is converted at the access check (§3.1 channel 3) ...
  [
    'options without a stream identifier',
    () => [appendOptions(undefined, anyRevision), proposed()],
    handlerException,
  ],
  // ... which comes after the expected revision is read (Streams.Append.cs).
  [
    'options with neither a stream identifier nor an expected revision',
    () => [appendOptions(undefined, undefined), proposed()],
    unsetOneof(APPEND_REVISION_CASE),
  ],
  // §3.3 step 1, §3.1.2.
  [
    'an unset expected revision',
    () => [appendOptions(identifier(fresh()), undefined), proposed()],
    unsetOneof(APPEND_REVISION_CASE),
  ],
  // StreamRevision.cs.
  [
    'an expected revision above long.MaxValue',
    () => [appendOptions(identifier(fresh()), { $case: 'revision', value: LONG_MAX + 1n }), proposed()],
    handlerException,
  ],
  // An empty name is null to the server; the internal write message refuses it (ClientMessage.WriteEvents).
  ['an empty stream name', () => [appendOptions(identifier(''), anyRevision), proposed()], handlerException],
  // §3.1.1 missing-required-metadata-property.
  ...(['type', 'content-type'] as const).map(
    (key) =>
      [
        `a proposed message without ${key}`,
        () => [
          toFresh(),
          proposed({ metadata: key === 'type' ? { 'content-type': 'application/json' } : { type: 'T' } }),
        ],
        {
          code: Status.INVALID_ARGUMENT,
          details: `Required Metadata Property '${key}' is missing`,
          trailer: {
            exception: 'missing-required-metadata-property',
            'required-metadata-properties': 'type,content-type',
          },
        },
      ] as const,
  ),
  // Data/Event.cs refuses an empty type.
  ['an empty type', () => [toFresh(), proposed({ metadata: { ...JSON_EVENT, type: '' } })], handlerException],
  // §3.3 step 3: the id must be a UUID in either form (Uuid.FromDto, Guid.Parse); Data/Event.cs refuses Guid.Empty.
  ['no event id', () => [toFresh(), proposed({ id: undefined })], handlerException],
  ['an event id with neither form', () => [toFresh(), proposed({ id: {} })], handlerException],
  ...[
    '',
    'not-a-uuid',
    'g'.repeat(32),
    '01234567-89ab-cdef-0123-456789abcde',
    '01234567-89ab-cdef-0123-456789abcdef0',
    '0123456789ab-cdef-0123-4567-89abcdef',
    '{01234567-89ab-cdef-0123-456789abcdef',
    '00000000-0000-0000-0000-000000000000',
  ].map(
    (text) =>
      [
        `the string event id '${text}'`,
        () => [toFresh(), proposed({ id: stringId(text) })],
        handlerException,
      ] as const,
  ),
  [
    'the structured event id 0/0 (Guid.Empty)',
    () => [toFresh(), proposed({ id: structuredId(0n, 0n) })],
    handlerException,
  ],
  // §3.3 step 3, §3.18: the sizes are summed as messages arrive.
  [
    'two events over MaxAppendSize in total',
    () => [toFresh(), proposed({ data: dataOfSize(600 * 1024) }), proposed({ data: dataOfSize(600 * 1024) })],
    maximumAppendSizeExceeded,
  ],
  [
    'one event of MaxAppendSize + 1',
    () => [toFresh(), proposed({ data: dataOfSize(MAX_APPEND_SIZE + 1) })],
    maximumAppendSizeExceeded,
  ],
];

/** A proposed message whose encoded AppendReq is exactly `size` bytes long. */
function proposedOfEncodedSize(size: number): AppendMessage {
  let length = size;
  for (;;) {
    const message = proposed({ data: Buffer.alloc(length, 0x61) });
    const encoded = AppendReq.encode(AppendReq.fromPartial(message)).finish().length;
    if (encoded === size) return message;
    length += size - encoded;
  }
}

describe('Streams.Append (§3.3)', () => {
  test.each(appendCases)('%s', async (_title, messages, expected) => {
    await expectFailure((onTrailer) => streams.append(asyncIterableOf(messages()), { onTrailer }), expected);
  });

  test('a message between 4 MiB and the gRPC cap reaches the handler; one byte over the cap is RESOURCE_EXHAUSTED (§3.18)', async () => {
    // Streams raises the receive limit from ASP.NET's default 4 MiB to the cap (ClusterVNodeStartup.cs), so an
    // 8 MiB message reaches the handler, which refuses the event's size.
    await expectFailure(
      (onTrailer) =>
        streams.append(asyncIterableOf([toFresh(), proposedOfEncodedSize(8 * 1024 * 1024)]), { onTrailer }),
      maximumAppendSizeExceeded,
    );
    // Over the cap gRPC itself refuses the message, before EventStore code runs. The detail text is the
    // transport's own (ASP.NET's differs from grpc's), so only the status is checked.
    const { error } = await failure((onTrailer) =>
      streams.append(asyncIterableOf([toFresh(), proposedOfEncodedSize(MESSAGE_CAP + 1)]), { onTrailer }),
    );
    expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
  });

  test('an event of exactly MaxAppendSize is written (the limit is "greater than", Streams.Append.cs)', async () => {
    const response = await streams.append(
      asyncIterableOf([toFresh(), proposed({ data: dataOfSize(MAX_APPEND_SIZE) })]),
    );
    expect(response.result?.$case).toBe('success');
  });

  test.each([
    ['structured -1/-1', structuredId(-1n, -1n), 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['structured long.MinValue/1', structuredId(-LONG_MAX - 1n, 1n), '80000000-0000-0000-0000-000000000001'],
    ['upper case', stringId('0123ABCD-89AB-CDEF-0123-456789ABCDEF'), '0123abcd-89ab-cdef-0123-456789abcdef'],
    ['32 digits', stringId('0123abcd89abcdef0123456789abcdef'), '0123abcd-89ab-cdef-0123-456789abcdef'],
    ['braces', stringId('{0123abcd-89ab-cdef-0123-456789abcdef}'), '0123abcd-89ab-cdef-0123-456789abcdef'],
    [
      'parentheses',
      stringId('(0123abcd-89ab-cdef-0123-456789abcdef)'),
      '0123abcd-89ab-cdef-0123-456789abcdef',
    ],
    [
      'surrounding spaces',
      stringId('  0123abcd-89ab-cdef-0123-456789abcdef '),
      '0123abcd-89ab-cdef-0123-456789abcdef',
    ],
  ])(
    'an event id in an edge form Guid.Parse accepts (%s) is stored and read back lower-case (§3.11)',
    async (_title, id, text) => {
      const stream = fresh();
      await appendOne(stream, id);
      const read = await readMessages(streams, streamReadRequest(stream));
      expect(read.map(idTextOf)).toEqual([text]);
    },
  );

  test('UINT64 max as expected revision is no_stream; a wrong-version answer echoes it as the revision sent', async () => {
    const stream = fresh();
    const send = (): Promise<AppendResp> =>
      streams.append(
        asyncIterableOf([
          appendOptions(identifier(stream), { $case: 'revision', value: UINT64_MAX }),
          proposed(),
        ]),
      );
    expect((await send()).result).toMatchObject({
      $case: 'success',
      value: { currentRevisionOption: { $case: 'currentRevision', value: 0n } },
    });
    // Streams.Append.cs fills the expected side by the request's case: revision, as StreamRevision.FromInt64(-1).
    expect((await send()).result).toEqual({
      $case: 'wrongExpectedVersion',
      value: {
        currentRevisionOption2060: { $case: 'currentRevision2060', value: 0n },
        expectedRevisionOption2060: { $case: 'expectedRevision2060', value: UINT64_MAX },
        currentRevisionOption: { $case: 'currentRevision', value: 0n },
        expectedRevisionOption: { $case: 'expectedRevision', value: UINT64_MAX },
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Streams.Delete and Streams.Tombstone

/** DeleteReq and TombstoneReq share this shape (§2.4). */
type DeleteOptions = NonNullable<DeepPartial<DeleteReq>['options']>;

const deleteCases: readonly (readonly [
  string,
  () => { options?: DeleteOptions },
  (method: string) => Expected,
])[] = [
  // Streams.Delete.cs dereferences the options unchecked (§3.1 channel 3).
  ['no options', () => ({}), () => handlerException],
  [
    'no stream identifier',
    () => ({ options: { expectedStreamRevision: anyRevision } }),
    () => handlerException,
  ],
  // The expected revision is read before the identifier is converted (Streams.Delete.cs); §3.1.2.
  [
    'neither a stream identifier nor an expected revision',
    () => ({ options: {} }),
    (method) =>
      unsetOneof(`EventStore.Client.Streams.${method}Req+Types+Options+ExpectedStreamRevisionOneofCase`),
  ],
  [
    'an unset expected revision',
    () => ({ options: { streamIdentifier: identifier(fresh()) } }),
    (method) =>
      unsetOneof(`EventStore.Client.Streams.${method}Req+Types+Options+ExpectedStreamRevisionOneofCase`),
  ],
  // StreamRevision.cs.
  [
    'a revision above long.MaxValue',
    () => ({
      options: {
        streamIdentifier: identifier(fresh()),
        expectedStreamRevision: { $case: 'revision', value: LONG_MAX + 1n },
      },
    }),
    () => handlerException,
  ],
  // The internal DeleteStream message refuses the null name (ClientMessage.cs, Ensure.NotNullOrEmpty).
  [
    'an empty stream name',
    () => ({ options: { streamIdentifier: identifier(''), expectedStreamRevision: anyRevision } }),
    () => handlerException,
  ],
];

describe.each(['Delete', 'Tombstone'] as const)('Streams.%s (§3.4)', (method) => {
  test.each(deleteCases)('%s', async (_title, request, expected) => {
    const call = (onTrailer: (trailer: Metadata) => void): Promise<unknown> =>
      method === 'Delete'
        ? streams.delete(request(), { onTrailer })
        : streams.tombstone(request(), { onTrailer });
    await expectFailure(call, expected(method));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Streams.BatchAppend

type BatchRequest = DeepPartial<BatchAppendReq>;

/** A bidirectional call: requests are pushed, responses taken one at a time, and the client cancels at the end. */
class OpenCall<Request, Response> {
  private readonly queued: (Request | undefined)[] = [];
  private wake: (() => void) | undefined;
  private readonly aborter = new AbortController();
  private readonly responses: AsyncIterator<Response>;
  private pendingRead: Promise<IteratorResult<Response> | 'ended'> | undefined;
  /** How the call ended, once it has: 'ok', or the error. */
  ended: 'ok' | ClientError | undefined;

  constructor(open: (requests: AsyncIterable<Request>, signal: AbortSignal) => AsyncIterable<Response>) {
    this.responses = open(this.requests(), this.aborter.signal)[Symbol.asyncIterator]();
  }

  send(...requests: Request[]): void {
    this.queued.push(...requests);
    this.wake?.();
  }

  /** Half-closes the call. */
  end(): void {
    this.queued.push(undefined);
    this.wake?.();
  }

  cancel(): void {
    this.aborter.abort();
  }

  /** The next response; undefined when none arrives within `ms`, or when the call ended. */
  async next(ms = 2000): Promise<Response | undefined> {
    this.pendingRead ??= this.responses.next().catch((error: unknown) => {
      if (error instanceof ClientError) this.ended = error;
      else if (!isAbortError(error)) throw error;
      return 'ended' as const;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    const result = await Promise.race([this.pendingRead, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return undefined;
    this.pendingRead = undefined;
    if (result === 'ended') return undefined;
    if (result.done === true) {
      this.ended = 'ok';
      return undefined;
    }
    return result.value;
  }

  private async *requests(): AsyncGenerator<Request> {
    for (;;) {
      if (this.queued.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const next = this.queued.shift();
      if (next === undefined) return;
      yield next;
    }
  }
}

const openBatchAppend = (): OpenCall<BatchRequest, BatchAppendResp> =>
  new OpenCall((requests, signal) => streams.batchAppend(requests, { signal }));

type BatchOptions = NonNullable<BatchRequest['options']>;
type BatchEvent = NonNullable<BatchRequest['proposedMessages']>[number];

const batchOptions = (overrides: BatchOptions = {}): BatchOptions => ({
  streamIdentifier: identifier(fresh()),
  expectedStreamPosition: { $case: 'any', value: {} },
  deadlineOption: { $case: 'deadline', value: { seconds: 10n, nanos: 0 } },
  ...overrides,
});
const batchEvent = (overrides: BatchEvent = {}): BatchEvent => ({
  id: stringId(),
  metadata: JSON_EVENT,
  data: Buffer.from('{}'),
  ...overrides,
});
const batch = (overrides: BatchRequest = {}): BatchRequest => ({
  correlationId: stringId(),
  options: batchOptions(),
  proposedMessages: [batchEvent()],
  isFinal: true,
  ...overrides,
});

// In-band BadRequest: the text of the exception the server caught while handling the chunk (§3.5 table,
// Streams.BatchAppend.cs's catch block).
const batchCases: readonly (readonly [string, () => BatchRequest, string])[] = [
  // Uuid.FromDto (Uuid.cs) on the correlation id.
  ['no correlation id', () => batch({ correlationId: undefined }), "Value cannot be null. (Parameter 'dto')"],
  [
    'a correlation id with neither form',
    () => batch({ correlationId: {} }),
    "Invalid argument: None (Parameter 'dto')",
  ],
  // .NET's Guid.Parse: anything shorter than 32 characters is an unrecognized format.
  ["the correlation id ''", () => batch({ correlationId: stringId('') }), 'Unrecognized Guid format.'],
  [
    "the correlation id 'not-a-uuid'",
    () => batch({ correlationId: stringId('not-a-uuid') }),
    'Unrecognized Guid format.',
  ],
  // The internal write message refuses Guid.Empty as correlation id (ClientMessage.WriteEvents, Ensure.NotEmptyGuid).
  ...[structuredId(0n, 0n), stringId('00000000-0000-0000-0000-000000000000')].map(
    (correlationId) =>
      [
        `the all-zero correlation id (${correlationId.value?.$case ?? ''})`,
        () => batch({ correlationId }),
        "correlationId (Parameter 'correlationId should be non-empty GUID.')",
      ] as const,
  ),
  // The access check converts the missing identifier to a name first.
  [
    'options without a stream identifier',
    () => batch({ options: batchOptions({ streamIdentifier: undefined }) }),
    'Object reference not set to an instance of an object.',
  ],
  // RpcExceptions.InvalidArgument, as the exception's message prints an RpcException.
  [
    'an unset expected position',
    () => batch({ options: batchOptions({ expectedStreamPosition: undefined }) }),
    'Status(StatusCode="InvalidArgument", Detail="\'None\' is not a valid ' +
      'EventStore.Client.Streams.BatchAppendReq+Types+Options+ExpectedStreamPositionOneofCase")',
  ],
  // StreamRevision.cs.
  [
    'an expected position above long.MaxValue',
    () =>
      batch({
        options: batchOptions({ expectedStreamPosition: { $case: 'streamPosition', value: LONG_MAX + 1n } }),
      }),
    "Specified argument was out of the range of valid values. (Parameter 'value')",
  ],
  // The empty name is null; Ensure.NotNullOrEmpty passes it as the parameter name (ClientMessage.WriteEvents).
  [
    'an empty stream name',
    () => batch({ options: batchOptions({ streamIdentifier: identifier('') }) }),
    'eventStreamId',
  ],
  // 24.10 reads `type` and `content-type` through protobuf's map indexer.
  [
    'an event without type',
    () => batch({ proposedMessages: [batchEvent({ metadata: { 'content-type': 'application/json' } })] }),
    'The given key was not present in the dictionary.',
  ],
  // Data/Event.cs.
  [
    'an event with an empty type',
    () => batch({ proposedMessages: [batchEvent({ metadata: { ...JSON_EVENT, type: '' } })] }),
    "Empty eventType provided. (Parameter 'eventType')",
  ],
  [
    'an event without id',
    () => batch({ proposedMessages: [batchEvent({ id: undefined })] }),
    "Value cannot be null. (Parameter 'dto')",
  ],
  [
    "the event id 'not-a-uuid'",
    () => batch({ proposedMessages: [batchEvent({ id: stringId('not-a-uuid') })] }),
    'Unrecognized Guid format.',
  ],
  [
    'the structured event id 0/0 (Guid.Empty)',
    () => batch({ proposedMessages: [batchEvent({ id: structuredId(0n, 0n) })] }),
    "Empty eventId provided. (Parameter 'eventId')",
  ],
];

function statusOf(response: BatchAppendResp | undefined): {
  code: number;
  message: string;
  typeUrl: string | undefined;
  value: Uint8Array;
} {
  if (response?.result?.$case !== 'error')
    throw new Error(`not an error: ${String(response?.result?.$case)}`);
  const status = response.result.value;
  return {
    code: status.code,
    message: status.message,
    typeUrl: status.details?.typeUrl,
    value: status.details?.value ?? new Uint8Array(),
  };
}

describe('Streams.BatchAppend (§3.5)', () => {
  let call: OpenCall<BatchRequest, BatchAppendResp>;
  beforeEach(() => {
    call = openBatchAppend();
  });
  afterEach(() => {
    call.cancel();
  });

  /** The call is still open: a good batch on it is written. */
  async function expectCallOpen(): Promise<void> {
    call.send(batch());
    expect((await call.next())?.result?.$case).toBe('success');
  }

  test.each(batchCases)(
    '%s: in-band INVALID_ARGUMENT BadRequest, and the call stays open',
    async (_title, request, message) => {
      call.send(request());
      const status = statusOf(await call.next());
      expect({ ...status, value: BadRequest.decode(status.value).message }).toEqual({
        code: Code.INVALID_ARGUMENT,
        message: 'BadRequest',
        typeUrl: 'type.googleapis.com/event_store.client.BadRequest',
        value: message,
      });
      await expectCallOpen();
    },
  );

  test('over MaxAppendSize: in-band MaximumAppendSizeExceeded with the limit (§3.5 table, §3.18)', async () => {
    const id = stringId();
    const options = batchOptions();
    call.send(
      { correlationId: id, options, proposedMessages: [batchEvent({ data: dataOfSize(600 * 1024) })] },
      { correlationId: id, proposedMessages: [batchEvent({ data: dataOfSize(600 * 1024) })], isFinal: true },
    );
    const status = statusOf(await call.next());
    expect({ ...status, value: MaximumAppendSizeExceeded.decode(status.value) }).toEqual({
      code: Code.INVALID_ARGUMENT,
      message: 'MaximumAppendSizeExceeded',
      typeUrl: 'type.googleapis.com/event_store.client.MaximumAppendSizeExceeded',
      value: { maxAppendSize: MAX_APPEND_SIZE },
    });
    await expectCallOpen();
  });

  test('a first chunk without options, for an unknown id, is ignored silently (§3.5)', async () => {
    call.send({ correlationId: stringId(), proposedMessages: [batchEvent()], isFinal: true });
    expect(await call.next(200)).toBeUndefined();
    expect(call.ended).toBeUndefined();
    await expectCallOpen();
  });

  test('no messages at all, then half-close: the call stays open until the client cancels (Send loop)', async () => {
    call.end();
    expect(await call.next(300)).toBeUndefined();
    expect(call.ended).toBeUndefined();
  });

  test('one message over the gRPC cap fails the whole call with RESOURCE_EXHAUSTED (§3.18)', async () => {
    const over = Buffer.alloc(MESSAGE_CAP + 1, 0x61);
    call.send(batch({ proposedMessages: [batchEvent({ data: over })] }));
    expect(await call.next(5000)).toBeUndefined();
    expect(call.ended).toBeInstanceOf(ClientError);
    expect((call.ended as ClientError).code).toBe(Status.RESOURCE_EXHAUSTED);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// PersistentSubscriptions: Create, Update, Delete, GetInfo, List, ReplayParked

const PS = 'EventStore.Client.PersistentSubscriptions';
type Unary = (onTrailer: (trailer: Metadata) => void) => Promise<unknown>;

const psStream = (
  streamIdentifier: { streamName: Buffer } | undefined,
  revisionOption?: { $case: 'revision'; value: bigint } | { $case: 'start'; value: object },
) => ({ $case: 'stream', value: { streamIdentifier, revisionOption } }) as const;
const psAll = (
  allOption: { $case: 'position'; value: { commitPosition: bigint; preparePosition: bigint } } | undefined,
) => ({ $case: 'all', value: { allOption, filterOption: { $case: 'noFilter', value: {} } } }) as const;
const start = { $case: 'start', value: {} } as const;
const allPosition = (commitPosition: bigint, preparePosition: bigint) =>
  ({ $case: 'position', value: { commitPosition, preparePosition } }) as const;

const managementCases: readonly (readonly [string, Unary, Expected])[] = [
  // Create.cs reads `request.Options.Settings` first, then `settings.ConsumerStrategy` (§3.1 channel 3).
  ['Create without options', (onTrailer) => persistent.create({}, { onTrailer }), handlerException],
  [
    'Create without settings',
    (onTrailer) =>
      persistent.create(
        { options: { streamOption: psStream(identifier(fresh()), start), groupName: 'g' } },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create: stream options without an identifier',
    (onTrailer) =>
      persistent.create(
        { options: { streamOption: psStream(undefined, start), groupName: 'g', settings: nodeDefaults() } },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create: stream options without a start',
    (onTrailer) =>
      persistent.create(
        {
          options: { streamOption: psStream(identifier(fresh())), groupName: 'g', settings: nodeDefaults() },
        },
        { onTrailer },
      ),
    unsetOneof(`${PS}.CreateReq+Types+StreamOptions+RevisionOptionOneofCase`),
  ],
  // StreamRevision.cs, for the current and the legacy shape (§3.14 Create).
  [
    'Create: a start revision above long.MaxValue',
    (onTrailer) =>
      persistent.create(
        {
          options: {
            streamOption: psStream(identifier(fresh()), { $case: 'revision', value: LONG_MAX + 1n }),
            groupName: 'g',
            settings: nodeDefaults(),
          },
        },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create, legacy shape: settings.revision above long.MaxValue',
    (onTrailer) => persistent.create(legacyCreate(fresh(), 'g', LONG_MAX + 1n), { onTrailer }),
    handlerException,
  ],
  [
    'Create, legacy shape: no stream identifier',
    (onTrailer) =>
      persistent.create(
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the legacy shape under test
        { options: { groupName: 'g', settings: { ...nodeDefaults(), revision: 0n } } },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create $all without a start',
    (onTrailer) =>
      persistent.create(
        { options: { streamOption: psAll(undefined), groupName: 'g', settings: nodeDefaults() } },
        { onTrailer },
      ),
    unsetOneof(`${PS}.CreateReq+Types+AllOptions+AllOptionOneofCase`),
  ],
  // Position's constructor throws in the handler, before the subsystem sees the start (Position.cs).
  [
    'Create $all: a position with commit below prepare',
    (onTrailer) =>
      persistent.create(
        { options: { streamOption: psAll(allPosition(5n, 6n)), groupName: 'g', settings: nodeDefaults() } },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create $all: a commit above long.MaxValue',
    (onTrailer) =>
      persistent.create(
        {
          options: {
            streamOption: psAll(allPosition(LONG_MAX + 1n, 0n)),
            groupName: 'g',
            settings: nodeDefaults(),
          },
        },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Create $all: a filter without an expression',
    (onTrailer) =>
      persistent.create(
        {
          options: {
            streamOption: {
              $case: 'all',
              value: {
                allOption: start,
                filterOption: { $case: 'filter', value: { window: { $case: 'count', value: {} } } },
              },
            },
            groupName: 'g',
            settings: nodeDefaults(),
          },
        },
        { onTrailer },
      ),
    unsetOneof(`${PS}.CreateReq+Types+AllOptions+Types+FilterOptions+FilterOneofCase`),
  ],
  // Update.cs: the options are dereferenced unchecked; the start is read before the settings.
  ['Update without options', (onTrailer) => persistent.update({}, { onTrailer }), handlerException],
  [
    'Update: stream options without a start',
    (onTrailer) =>
      persistent.update(
        {
          options: {
            streamOption: psStream(identifier(fixture.stream)),
            groupName: 'g',
            settings: updateDefaults(),
          },
        },
        { onTrailer },
      ),
    unsetOneof(`${PS}.UpdateReq+Types+StreamOptions+RevisionOptionOneofCase`),
  ],
  [
    'Update: neither a start nor settings',
    (onTrailer) =>
      persistent.update(
        { options: { streamOption: psStream(identifier(fixture.stream)), groupName: 'g' } },
        { onTrailer },
      ),
    unsetOneof(`${PS}.UpdateReq+Types+StreamOptions+RevisionOptionOneofCase`),
  ],
  [
    'Update without settings',
    (onTrailer) =>
      persistent.update(
        { options: { streamOption: psStream(identifier(fixture.stream), start), groupName: 'g' } },
        { onTrailer },
      ),
    handlerException,
  ],
  // Update.cs throws InvalidOperationException for an unset `$all` start.
  [
    'Update $all without a start',
    (onTrailer) =>
      persistent.update(
        {
          options: { streamOption: { $case: 'all', value: {} }, groupName: 'g', settings: updateDefaults() },
        },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'Update: a start revision above long.MaxValue',
    (onTrailer) =>
      persistent.update(
        {
          options: {
            streamOption: psStream(identifier(fixture.stream), { $case: 'revision', value: LONG_MAX + 1n }),
            groupName: 'g',
            settings: updateDefaults(),
          },
        },
        { onTrailer },
      ),
    handlerException,
  ],
  // Delete.cs, Info.cs, ReplayParked.cs: options dereferenced unchecked, an unset source or stop option throws
  // InvalidOperationException.
  ['Delete without options', (onTrailer) => persistent.delete({}, { onTrailer }), handlerException],
  [
    'Delete without a source',
    (onTrailer) => persistent.delete({ options: { groupName: 'g' } }, { onTrailer }),
    handlerException,
  ],
  ['GetInfo without options', (onTrailer) => persistent.getInfo({}, { onTrailer }), handlerException],
  [
    'GetInfo without a source',
    (onTrailer) => persistent.getInfo({ options: { groupName: 'g' } }, { onTrailer }),
    handlerException,
  ],
  ['List without options', (onTrailer) => persistent.list({}, { onTrailer }), handlerException],
  [
    'List for a stream without a source',
    (onTrailer) =>
      persistent.list({ options: { listOption: { $case: 'listForStream', value: {} } } }, { onTrailer }),
    handlerException,
  ],
  [
    'ReplayParked without options',
    (onTrailer) => persistent.replayParked({}, { onTrailer }),
    handlerException,
  ],
  [
    'ReplayParked without a source',
    (onTrailer) =>
      persistent.replayParked(
        { options: { groupName: 'g', stopAtOption: { $case: 'noLimit', value: {} } } },
        { onTrailer },
      ),
    handlerException,
  ],
  [
    'ReplayParked with neither stop_at nor no_limit',
    (onTrailer) =>
      persistent.replayParked(
        {
          options: {
            groupName: 'g',
            streamOption: { $case: 'streamIdentifier', value: identifier(fixture.stream) },
          },
        },
        { onTrailer },
      ),
    handlerException,
  ],
];

// An empty stream name reaches the 24.10 handlers as null, and the answer is lost on the subsystem's queue: the
// call is never answered (StreamIdentifier.cs, RpcExceptions.cs, QueuedHandlerThreadPool.cs; see
// src/emulator/services/persistent-subscriptions/unanswered.ts). §3.14's "Bad stream name." never reaches a client.
const empty = identifier('');
const unansweredCases: readonly (readonly [string, (signal: AbortSignal) => Promise<unknown>])[] = [
  ['Create', (signal) => persistent.create(streamCreate('', 'g', { $case: 'start' }), { signal })],
  ['Create, legacy shape', (signal) => persistent.create(legacyCreate('', 'g', 0n), { signal })],
  [
    'Update',
    (signal) =>
      persistent.update(
        { options: { streamOption: psStream(empty, start), groupName: 'g', settings: updateDefaults() } },
        { signal },
      ),
  ],
  [
    'Delete',
    (signal) =>
      persistent.delete(
        { options: { streamOption: { $case: 'streamIdentifier', value: empty }, groupName: 'g' } },
        { signal },
      ),
  ],
  [
    'GetInfo',
    (signal) =>
      persistent.getInfo(
        { options: { streamOption: { $case: 'streamIdentifier', value: empty }, groupName: 'g' } },
        { signal },
      ),
  ],
  [
    'List',
    (signal) =>
      persistent.list(
        {
          options: {
            listOption: {
              $case: 'listForStream',
              value: { streamOption: { $case: 'stream', value: empty } },
            },
          },
        },
        { signal },
      ),
  ],
  [
    'ReplayParked',
    (signal) =>
      persistent.replayParked(
        {
          options: {
            groupName: 'g',
            streamOption: { $case: 'streamIdentifier', value: empty },
            stopAtOption: { $case: 'noLimit', value: {} },
          },
        },
        { signal },
      ),
  ],
];

describe('PersistentSubscriptions management (§3.14)', () => {
  test.each(managementCases)('%s', async (_title, call, expected) => {
    await expectFailure(call, expected);
  });

  test.each(unansweredCases)('%s with an empty stream name is never answered', async (_title, call) => {
    const giveUp = new AbortController();
    const timer = setTimeout(() => {
      giveUp.abort();
    }, 250);
    const outcome = await call(giveUp.signal).then(
      () => 'answered',
      (error: unknown) => (isAbortError(error) ? 'no answer' : error),
    );
    clearTimeout(timer);
    expect(outcome).toBe('no answer');
  });

  test('edge values that are not errors: legacy revision UINT64 max and $all (UINT64 max, UINT64 max) mean end', async () => {
    await persistent.create(legacyCreate(fresh(), 'g', UINT64_MAX));
    const group = fresh('g');
    await persistent.create({
      options: {
        streamOption: psAll(allPosition(UINT64_MAX, UINT64_MAX)),
        groupName: group,
        settings: nodeDefaults(),
      },
    });
    await persistent.delete({ options: { streamOption: { $case: 'all', value: {} }, groupName: group } });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// PersistentSubscriptions.Read

type PersistentRead = PersistentPartial<PersistentReadReq>;
type PersistentReadOptions = Extract<NonNullable<PersistentRead['content']>, { $case: 'options' }>['value'];

/** Read options for the fixture group `g`, with some fields replaced. */
function groupRead(overrides: PersistentReadOptions = {}): PersistentRead {
  const base = readOptions(fixture.stream, 'g').content;
  if (base?.$case !== 'options') throw new Error('readOptions changed shape');
  return { content: { $case: 'options', value: { ...base.value, ...overrides } } };
}

const persistentReadCases: readonly (readonly [string, () => PersistentRead])[] = [
  // §3.14 Read step 1: anything but options first.
  ['an ack first', () => ({ content: { $case: 'ack', value: { ids: [] } } })],
  ['a nack first', () => ({ content: { $case: 'nack', value: { ids: [] } } })],
  ['an empty message first', () => ({})],
  // Read.cs: an unset source throws InvalidOperationException; `uuid_option` is dereferenced unchecked (§3.14).
  ['options without a source', () => groupRead({ streamOption: undefined })],
  ['options without uuid_option', () => groupRead({ uuidOption: undefined })],
  // A bounded channel needs a capacity of at least 1 (Read.cs, PersistentStreamSubscriptionEnumerator).
  ['a buffer_size of 0', () => groupRead({ bufferSize: 0 })],
  ['a negative buffer_size', () => groupRead({ bufferSize: -1 })],
  // The enumerator refuses a null stream name; the connect message an empty group (ClientMessage.cs).
  ['an empty stream name', () => groupRead({ streamOption: { $case: 'streamIdentifier', value: empty } })],
  ['an empty group name', () => groupRead({ groupName: '' })],
];

describe('PersistentSubscriptions.Read (§3.14)', () => {
  test.each(persistentReadCases)('%s: UNKNOWN', async (_title, first) => {
    const consumer = new Consumer(persistent, first());
    const end = await within(consumer.ended, 3000);
    expect(
      end.kind === 'error' ? { code: end.error.code, details: end.error.details, trailer: end.trailer } : end,
    ).toEqual({
      ...handlerException,
      trailer: {},
    });
  });

  test('no messages at all, then half-close: OK (§3.14 Read step 1)', async () => {
    const consumer = new Consumer(persistent, undefined);
    consumer.closeRequests();
    expect((await within(consumer.ended, 3000)).kind).toBe('ok');
  });

  test('an ack with ids that are not UUIDs stops the ack pump silently; the subscription carries on (Read.cs)', async () => {
    const stream = fresh();
    await persistent.create(streamCreate(stream, 'g', { $case: 'start' }));
    await appendOne(stream);
    const consumer = new Consumer(persistent, readOptions(stream, 'g'));
    try {
      await consumer.waitForEvents(1);
      consumer.send({
        content: { $case: 'ack', value: { ids: [stringId('not-a-uuid'), structuredId(0n, 1n)] } },
      });
      await appendOne(stream);
      expect(await consumer.waitForEvents(2)).toHaveLength(2);
    } finally {
      consumer.cancel();
      await consumer.ended;
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Raw request bodies, below the generated codecs, on every method

const METHODS = [
  ['/event_store.client.streams.Streams/Read', 'unary request'],
  ['/event_store.client.streams.Streams/Append', 'request stream'],
  ['/event_store.client.streams.Streams/Delete', 'unary request'],
  ['/event_store.client.streams.Streams/Tombstone', 'unary request'],
  ['/event_store.client.streams.Streams/BatchAppend', 'request stream'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/Create', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/Update', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/Delete', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/Read', 'request stream'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/GetInfo', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/ReplayParked', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/List', 'unary request'],
  ['/event_store.client.persistent_subscriptions.PersistentSubscriptions/RestartSubsystem', 'unary request'],
  ['/event_store.client.gossip.Gossip/Read', 'unary request'],
  ['/event_store.client.server_features.ServerFeatures/GetSupportedMethods', 'unary request'],
] as const;
const UNARY_REQUEST_METHODS = METHODS.filter(([, kind]) => kind === 'unary request').map(([path]) => path);

/** Field 1 as a varint, cut off before its value: no protobuf decoder can read it. */
const TRUNCATED_VARINT = Buffer.from([0x08]);
/** Field 1 = 1: a field `google.protobuf.Empty`-like requests do not know, which decoders skip. */
const UNKNOWN_FIELD = Buffer.from([0x08, 0x01]);

describe('raw request bodies', () => {
  let raw: Client;
  beforeAll(() => {
    raw = new Client(`${emulator.host}:${emulator.port}`, credentials.createInsecure());
  });
  afterAll(() => {
    raw.close();
  });

  /** Sends `messages` as they are, half-closes, and resolves with the status (or 'open' after `ms`). */
  function send(path: string, messages: readonly Buffer[], ms = 3000): Promise<StatusObject | 'open'> {
    return new Promise((resolve) => {
      const call = raw.makeBidiStreamRequest(
        path,
        (message: Buffer) => message,
        (message: Buffer) => message,
        new GrpcMetadata(),
      );
      const timer = setTimeout(() => {
        resolve('open');
        call.cancel();
      }, ms);
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      call.on('status', (status: StatusObject) => {
        clearTimeout(timer);
        resolve(status);
      });
      for (const message of messages) call.write(message);
      call.end();
    });
  }

  // grpc-js numbers statuses as gRPC does, like nice-grpc's Status.
  const codeOf = (outcome: StatusObject | 'open'): number | 'open' =>
    outcome === 'open' ? 'open' : outcome.code;

  // Both gRPC stacks fail a call whose message cannot be decoded; which status they pick is their own (grpc-js
  // and our transport say INTERNAL, ASP.NET's handler wrapper may say UNKNOWN), so only the failure is checked.
  test.each(METHODS.map(([path]) => path))('%s: an undecodable message fails the call', async (path) => {
    const code = codeOf(await send(path, [TRUNCATED_VARINT]));
    expect(code).not.toBe('open');
    expect(code).not.toBe(Status.OK);
  });

  // A unary request needs exactly one message; gRPC refuses none or two before any handler runs.
  test.each(UNARY_REQUEST_METHODS)('%s: no message at all, or two, fails the call', async (path) => {
    for (const messages of [[], [Buffer.alloc(0), Buffer.alloc(0)]]) {
      const code = codeOf(await send(path, messages));
      expect(code).not.toBe('open');
      expect(code).not.toBe(Status.OK);
    }
  });

  // Protobuf skips unknown fields, so an Empty request with extra fields is still a valid Empty (§3.15, §3.16).
  test.each([
    '/event_store.client.gossip.Gossip/Read',
    '/event_store.client.server_features.ServerFeatures/GetSupportedMethods',
    '/event_store.client.persistent_subscriptions.PersistentSubscriptions/RestartSubsystem',
  ])('%s: an unknown field in the Empty request is ignored: OK', async (path) => {
    expect(codeOf(await send(path, [UNKNOWN_FIELD]))).toBe(Status.OK);
  });

  test.each(['/event_store.client.streams.Streams/NoSuchMethod', '/event_store.client.no_such.Service/Read'])(
    '%s: UNIMPLEMENTED',
    async (path) => {
      expect(codeOf(await send(path, [Buffer.alloc(0)]))).toBe(Status.UNIMPLEMENTED);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------

// No count of escaped errors is kept: listeners a test adds to `process` never see them, because jest's own
// handlers take every uncaught exception and unhandled rejection of this process and fail the running test (or,
// between tests, the suite) instead.
test('at the end: a new connection is served as well', async () => {
  const second = createChannel(`${emulator.host}:${emulator.port}`);
  try {
    await expectServing(createClient(StreamsDefinition, second));
  } finally {
    second.close();
  }
});
