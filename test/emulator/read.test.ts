// Streams.Read plain reads (count_option = count) against the facts (docs/protocol.md §3.7, §3.9,
// §3.11–§3.13, §5 items 5–6, §3.19 exchange 3) and the 24.10 server source (Streams.Read.cs, RpcExceptions.cs,
// IndexReader.cs, AllReader.cs), through a raw gRPC client on the generated definitions.
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient, Metadata, Status, type Channel } from 'nice-grpc';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import {
  type DeepPartial,
  type ReadReq,
  type ReadReq_Options_FilterOptions,
  type ReadResp_ReadEvent,
  StreamsDefinition,
  type StreamsClient,
} from '../../src/generated/streams.js';
import {
  allReadRequest,
  append,
  idOf,
  kinds,
  LONG_MAX,
  positionOfAppend,
  readEvents,
  readMessages,
  recorded,
  run,
  startNode,
  stopNode,
  streamOf,
  streamReadRequest,
  type TestNode,
  UINT64_MAX,
  uniqueStream,
} from './read-support.js';

const OPTIONS_TYPE = 'EventStore.Client.Streams.ReadReq+Types+Options';
const HANDLER_EXCEPTION = 'Exception was thrown by handler.';

let node: TestNode;
let client: StreamsClient;

beforeAll(async () => {
  node = await startNode();
  client = node.client;
});
afterAll(async () => {
  await stopNode(node);
});

/** Numbers of the events a read returned. */
const revisions = (events: readonly ReadResp_ReadEvent[]): bigint[] =>
  events.map((event) => recorded(event).streamRevision);

/** A stream with `count` events of types T0, T1, …; returns the positions of its events. */
async function streamWith(stream: string, count: number): Promise<bigint[]> {
  const positions: bigint[] = [];
  for (let i = 0; i < count; i += 1) {
    positions.push(positionOfAppend(await append(client, stream, [{ type: `T${i}`, data: `{"n":${i}}` }])));
  }
  return positions;
}

/** Writes stream metadata, as clients do: a `$metadata` JSON event on `$$stream` (§3.13). */
async function setMetadata(stream: string, json: string): Promise<void> {
  positionOfAppend(await append(client, `$$${stream}`, [{ type: '$metadata', data: json }]));
}

async function tombstone(stream: string): Promise<void> {
  await client.tombstone({
    options: {
      streamIdentifier: { streamName: Buffer.from(stream) },
      expectedStreamRevision: { $case: 'any', value: {} },
    },
  });
}

async function softDelete(stream: string): Promise<void> {
  await client.delete({
    options: {
      streamIdentifier: { streamName: Buffer.from(stream) },
      expectedStreamRevision: { $case: 'any', value: {} },
    },
  });
}

describe('request validation, in the order of §3.7', () => {
  async function rejection(request: DeepPartial<ReadReq>): Promise<{ code: Status; details: string }> {
    const outcome = await run(client, request);
    expect(outcome.messages).toEqual([]);
    if (outcome.error === undefined) throw new Error('the read succeeded');
    return { code: outcome.error.code, details: outcome.error.details };
  }

  test('a request without options is an unhandled exception (UNKNOWN)', async () => {
    expect(await rejection({})).toEqual({ code: Status.UNKNOWN, details: HANDLER_EXCEPTION });
  });

  test('uuid_option is required (24.10 wording of RpcExceptions.RequiredArgument)', async () => {
    const request = streamReadRequest('any-stream');
    delete request.options?.uuidOption;
    expect(await rejection(request)).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: ` \`uuidOption\` is a required argument of type ${OPTIONS_TYPE}+Types+UUIDOption`,
    });
  });

  test('uuid_option is checked before stream_option', async () => {
    expect(await rejection({ options: { countOption: { $case: 'count', value: 1n } } })).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: ` \`uuidOption\` is a required argument of type ${OPTIONS_TYPE}+Types+UUIDOption`,
    });
  });

  test('stream_option must be set', async () => {
    const request = streamReadRequest('any-stream');
    delete request.options?.streamOption;
    expect(await rejection(request)).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `'None' is not a valid ${OPTIONS_TYPE}+StreamOptionOneofCase`,
    });
  });

  test('a stream option without an identifier is an unhandled exception', async () => {
    expect(
      await rejection({
        options: {
          ...streamReadRequest('x').options,
          streamOption: { $case: 'stream', value: { revisionOption: { $case: 'start', value: {} } } },
        },
      }),
    ).toEqual({ code: Status.UNKNOWN, details: HANDLER_EXCEPTION });
  });

  test.each([
    [
      'a filter on a stream read',
      { ...streamReadRequest('s').options, filterOption: { $case: 'filter', value: {} } },
      '(Stream, Count, Forwards, Filter)',
    ],
    [
      'no filter_option at all',
      { ...allReadRequest({ backwards: true }).options, filterOption: undefined },
      '(All, Count, Backwards, None)',
    ],
    [
      'no count_option',
      { ...allReadRequest().options, countOption: undefined },
      '(All, None, Forwards, NoFilter)',
    ],
    [
      'a backwards subscription',
      {
        ...streamReadRequest('s').options,
        countOption: { $case: 'subscription', value: {} },
        readDirection: 1,
      },
      '(Stream, Subscription, Backwards, NoFilter)',
    ],
    [
      'an unknown direction',
      { ...streamReadRequest('s').options, readDirection: 7 },
      '(Stream, Count, 7, NoFilter)',
    ],
  ] as const)('%s is an invalid combination', async (_, options, tuple) => {
    expect(await rejection({ options } as DeepPartial<ReadReq>)).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `The combination of ${tuple} is invalid.`,
    });
  });

  test('a filter without an expression reports the FilterOptions message as diagnostic JSON', async () => {
    expect(
      await rejection(
        allReadRequest({ filter: { window: { $case: 'max', value: 30 }, checkpointIntervalMultiplier: 5 } }),
      ),
    ).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `'{ "max": 30, "checkpointIntervalMultiplier": 5 }' is not a valid ${OPTIONS_TYPE}+Types+FilterOptions`,
    });
    expect(await rejection(allReadRequest({ filter: { window: { $case: 'count', value: {} } } }))).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `'{ "count": { } }' is not a valid ${OPTIONS_TYPE}+Types+FilterOptions`,
    });
    expect(await rejection(allReadRequest({ filter: {} }))).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `'{ }' is not a valid ${OPTIONS_TYPE}+Types+FilterOptions`,
    });
  });

  test('a filter without a window is rejected after its expression was read', async () => {
    expect(
      await rejection(
        allReadRequest({ filter: { filter: { $case: 'eventType', value: { regex: '^x', prefix: [] } } } }),
      ),
    ).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: `'None' is not a valid ${OPTIONS_TYPE}+Types+FilterOptions+WindowOneofCase`,
    });
  });

  test('an invalid filter regex is an unhandled exception', async () => {
    const request = allReadRequest({
      filter: {
        filter: { $case: 'eventType', value: { regex: '(', prefix: [] } },
        window: { $case: 'count', value: {} },
      },
    });
    expect(await rejection(request)).toEqual({ code: Status.UNKNOWN, details: HANDLER_EXCEPTION });
  });

  test('a position whose commit is below its prepare is an unhandled exception (§3.7)', async () => {
    expect(await rejection(allReadRequest({ from: { commit: 5n, prepare: 6n } }))).toEqual({
      code: Status.UNKNOWN,
      details: HANDLER_EXCEPTION,
    });
  });

  test('a revision above long.MaxValue (but not UINT64 max) is an unhandled exception', async () => {
    expect(await rejection(streamReadRequest('s', { from: LONG_MAX + 1n }))).toEqual({
      code: Status.UNKNOWN,
      details: HANDLER_EXCEPTION,
    });
  });

  test('an unset start option makes the server swallow its InvalidOperationException: OK, no messages', async () => {
    const stream = uniqueStream();
    await append(client, stream, 1);
    const streamRequest = streamReadRequest(stream);
    if (streamRequest.options?.streamOption?.$case === 'stream') {
      delete streamRequest.options.streamOption.value?.revisionOption;
    }
    expect(await run(client, streamRequest)).toMatchObject({ messages: [], error: undefined });
    expect(
      await run(client, {
        options: { ...allReadRequest().options, streamOption: { $case: 'all', value: {} } },
      }),
    ).toMatchObject({ messages: [], error: undefined });
  });
});

describe('reading a stream (§3.7)', () => {
  test('forwards from start: every event in order, as stored', async () => {
    const stream = uniqueStream();
    const id = crypto.randomUUID();
    const written = positionOfAppend(
      await append(client, stream, [{ id, type: 'Created', data: '{"a":1}', metadata: '{"m":2}' }]),
    );
    await append(client, stream, [
      { type: 'Binary', data: new Uint8Array([1, 2, 3]), contentType: 'application/octet-stream' },
    ]);

    const events = readEvents(await readMessages(client, streamReadRequest(stream)));
    expect(revisions(events)).toEqual([0n, 1n]);
    const first = recorded(events[0] as ReadResp_ReadEvent);
    expect(idOf(first)).toBe(id);
    expect(streamOf(first)).toBe(stream);
    expect(first.commitPosition).toBe(written);
    expect(first.preparePosition).toBe(written);
    expect(events[0]?.position).toEqual({ $case: 'commitPosition', value: written });
    expect(Buffer.from(first.data).toString()).toBe('{"a":1}');
    expect(Buffer.from(first.customMetadata).toString()).toBe('{"m":2}');
    expect(Object.keys(first.metadata).sort()).toEqual(['content-type', 'created', 'type']);
    expect(first.metadata).toMatchObject({ type: 'Created', 'content-type': 'application/json' });
    expect(first.metadata.created).toMatch(/^\d{17,}$/);
    expect(events[0]?.link).toBeUndefined();
    const second = recorded(events[1] as ReadResp_ReadEvent);
    expect(second.metadata['content-type']).toBe('application/octet-stream');
    expect([...second.data]).toEqual([1, 2, 3]);
    expect(second.commitPosition).toBeGreaterThan(first.commitPosition);
  });

  test('forwards from revision R includes R', async () => {
    const stream = uniqueStream();
    await streamWith(stream, 5);
    expect(
      revisions(readEvents(await readMessages(client, streamReadRequest(stream, { from: 2n })))),
    ).toEqual([2n, 3n, 4n]);
  });

  test('backwards from end returns the last event first; backwards from R includes R', async () => {
    const stream = uniqueStream();
    await streamWith(stream, 4);
    expect(
      revisions(
        readEvents(await readMessages(client, streamReadRequest(stream, { from: 'end', backwards: true }))),
      ),
    ).toEqual([3n, 2n, 1n, 0n]);
    expect(
      revisions(
        readEvents(await readMessages(client, streamReadRequest(stream, { from: 2n, backwards: true }))),
      ),
    ).toEqual([2n, 1n, 0n]);
    expect(
      revisions(
        readEvents(
          await readMessages(
            client,
            streamReadRequest(stream, { from: UINT64_MAX, backwards: true, count: 1n }),
          ),
        ),
      ),
    ).toEqual([3n]);
    expect(
      revisions(
        readEvents(await readMessages(client, streamReadRequest(stream, { from: 99n, backwards: true }))),
      ),
    ).toEqual([3n, 2n, 1n, 0n]);
  });

  test('count limits the events, across the internal pages of 32, and may be UINT64 max', async () => {
    const stream = uniqueStream();
    await append(client, stream, 70);
    expect(readEvents(await readMessages(client, streamReadRequest(stream, { count: 40n })))).toHaveLength(
      40,
    );
    expect(
      readEvents(await readMessages(client, streamReadRequest(stream, { count: UINT64_MAX }))),
    ).toHaveLength(70);
    expect(
      revisions(
        readEvents(
          await readMessages(client, streamReadRequest(stream, { from: 'end', backwards: true, count: 33n })),
        ),
      ),
    ).toEqual(Array.from({ length: 33 }, (_, i) => BigInt(69 - i)));
  });

  test('a stream that does not exist: exactly one stream_not_found, then OK (§3.19 exchange 3)', async () => {
    const stream = uniqueStream();
    const outcome = await run(client, streamReadRequest(stream, { compatibility: 1 }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.messages).toEqual([
      {
        content: {
          $case: 'streamNotFound',
          value: { streamIdentifier: { streamName: Buffer.from(stream) } },
        },
      },
    ]);
    const backwards = await readMessages(client, streamReadRequest(stream, { from: 'end', backwards: true }));
    expect(kinds(backwards)).toEqual(['streamNotFound']);
  });

  test('a soft-deleted stream reads as not found', async () => {
    const stream = uniqueStream();
    await append(client, stream, 2);
    await softDelete(stream);
    expect(kinds(await readMessages(client, streamReadRequest(stream)))).toEqual(['streamNotFound']);
  });

  test('a tombstoned stream fails with stream-deleted and sends nothing', async () => {
    const stream = uniqueStream();
    await append(client, stream, 2);
    await tombstone(stream);
    const outcome = await run(client, streamReadRequest(stream));
    expect(outcome.messages).toEqual([]);
    expect(outcome.error?.code).toBe(Status.FAILED_PRECONDITION);
    expect(outcome.error?.details).toBe(`Event stream '${stream}' is deleted.`);
    expect(outcome.trailer.get('exception')).toBe('stream-deleted');
    expect(outcome.trailer.get('stream-name')).toBe(stream);
  });

  test('events hidden by $tb and $maxCount are skipped', async () => {
    const truncated = uniqueStream();
    await streamWith(truncated, 5);
    await setMetadata(truncated, '{"$tb":3}');
    expect(revisions(readEvents(await readMessages(client, streamReadRequest(truncated))))).toEqual([3n, 4n]);
    expect(
      revisions(
        readEvents(
          await readMessages(client, streamReadRequest(truncated, { from: 'end', backwards: true })),
        ),
      ),
    ).toEqual([4n, 3n]);

    const capped = uniqueStream();
    await streamWith(capped, 5);
    await setMetadata(capped, '{"$maxCount":2}');
    expect(revisions(readEvents(await readMessages(client, streamReadRequest(capped))))).toEqual([3n, 4n]);
  });

  test('ids come back in the form uuid_option asks for (§3.11)', async () => {
    const stream = uniqueStream();
    await append(client, stream, [{ id: '00112233-4455-6677-8899-aabbccddeeff' }]);
    const [event] = readEvents(await readMessages(client, streamReadRequest(stream, { uuid: 'structured' })));
    expect(recorded(event as ReadResp_ReadEvent).id).toEqual({
      value: {
        $case: 'structured',
        value: { mostSignificantBits: 0x0011223344556677n, leastSignificantBits: -8603657889541918977n },
      },
    });
  });

  test('a count of 0, or forwards from end, is rejected by storage: UNKNOWN unexpected result', async () => {
    const stream = uniqueStream();
    await append(client, stream, 1);
    for (const request of [
      streamReadRequest(stream, { count: 0n }),
      streamReadRequest(stream, { count: 0n, backwards: true }),
      streamReadRequest(stream, { from: 'end' }),
      streamReadRequest(uniqueStream(), { from: UINT64_MAX }),
    ]) {
      const outcome = await run(client, request);
      expect(outcome.messages).toEqual([]);
      expect(outcome.error?.code).toBe(Status.UNKNOWN);
      expect(outcome.error?.details).toBe('Unexpected ReadStreamResult: Error');
    }
  });

  describe('control_option.compatibility ≥ 1', () => {
    test('last_stream_position follows the events, forwards and backwards, also when count stops the read', async () => {
      const stream = uniqueStream();
      await streamWith(stream, 3);
      const forwards = await readMessages(client, streamReadRequest(stream, { compatibility: 1 }));
      expect(kinds(forwards)).toEqual(['event', 'event', 'event', 'lastStreamPosition']);
      expect(forwards[3]?.content).toEqual({ $case: 'lastStreamPosition', value: 2n });
      const limited = await readMessages(client, streamReadRequest(stream, { compatibility: 1, count: 1n }));
      expect(kinds(limited)).toEqual(['event', 'lastStreamPosition']);
      const backwards = await readMessages(
        client,
        streamReadRequest(stream, { compatibility: 2, backwards: true, from: 'end' }),
      );
      expect(kinds(backwards)).toEqual(['event', 'event', 'event', 'lastStreamPosition']);
      expect(backwards[3]?.content).toEqual({ $case: 'lastStreamPosition', value: 2n });
      // Without the option neither message is sent.
      expect(kinds(await readMessages(client, streamReadRequest(stream)))).toEqual([
        'event',
        'event',
        'event',
      ]);
    });

    test('first_stream_position reports where a stream really starts when the first page is empty', async () => {
      const stream = uniqueStream();
      await append(client, stream, 40);
      await setMetadata(stream, '{"$tb":35}');
      const below = await readMessages(client, streamReadRequest(stream, { compatibility: 1 }));
      expect(below[0]?.content).toEqual({ $case: 'firstStreamPosition', value: 35n });
      expect(revisions(readEvents(below.slice(1, -1)))).toEqual([35n, 36n, 37n, 38n, 39n]);
      expect(below.at(-1)?.content).toEqual({ $case: 'lastStreamPosition', value: 39n });
      // A first page reaching past the truncation point is not empty: no first_stream_position.
      expect(
        kinds(await readMessages(client, streamReadRequest(stream, { compatibility: 1, from: 10n })))[0],
      ).toBe('event');
    });

    test('reading past the end reports the next event number, then the last one', async () => {
      const stream = uniqueStream();
      await streamWith(stream, 3);
      const past = await readMessages(client, streamReadRequest(stream, { compatibility: 1, from: 10n }));
      expect(past.map((message) => message.content)).toEqual([
        { $case: 'firstStreamPosition', value: 3n },
        { $case: 'lastStreamPosition', value: 2n },
      ]);
      const atEnd = await readMessages(client, streamReadRequest(stream, { compatibility: 1, from: 3n }));
      expect(atEnd.map((message) => message.content)).toEqual([{ $case: 'lastStreamPosition', value: 2n }]);
    });
  });

  describe('resolve_links (§3.7, §3.13)', () => {
    test('a resolved link: event is the target, link the $> record, commit_position the link’s', async () => {
      const target = uniqueStream('target');
      const links = uniqueStream('links');
      await streamWith(target, 2);
      const linkPosition = positionOfAppend(
        await append(client, links, [{ type: '$>', data: `1@${target}` }]),
      );

      const [resolved] = readEvents(
        await readMessages(client, streamReadRequest(links, { resolveLinks: true })),
      );
      const event = recorded(resolved as ReadResp_ReadEvent);
      expect(streamOf(event)).toBe(target);
      expect(event.streamRevision).toBe(1n);
      expect(event.metadata.type).toBe('T1');
      expect(resolved?.link?.metadata.type).toBe('$>');
      expect(resolved?.link?.commitPosition).toBe(linkPosition);
      expect(resolved?.position).toEqual({ $case: 'commitPosition', value: linkPosition });
      expect(event.commitPosition).toBeLessThan(linkPosition);

      const [unresolved] = readEvents(await readMessages(client, streamReadRequest(links)));
      expect(recorded(unresolved as ReadResp_ReadEvent).metadata.type).toBe('$>');
      expect(unresolved?.link).toBeUndefined();
    });

    test('an unresolvable link has a link but no event; an unparsable one stays an ordinary event', async () => {
      const links = uniqueStream('links');
      await append(client, links, [
        { type: '$>', data: `0@${uniqueStream('missing')}` },
        { type: '$>', data: 'not-a-number@somewhere' },
        { type: '$>', data: '-1' },
      ]);
      const events = readEvents(await readMessages(client, streamReadRequest(links, { resolveLinks: true })));
      expect(events[0]?.event).toBeUndefined();
      expect(events[0]?.link?.streamRevision).toBe(0n);
      expect(events[0]?.position).toEqual({
        $case: 'commitPosition',
        value: events[0]?.link?.commitPosition,
      });
      expect(recorded(events[1] as ReadResp_ReadEvent).streamRevision).toBe(1n);
      expect(events[1]?.link).toBeUndefined();
      expect(events[2]?.event).toBeUndefined();
      expect(events[2]?.link?.streamRevision).toBe(2n);
    });

    test('-1 links to the last event; a link to a truncated event does not resolve', async () => {
      const target = uniqueStream('target');
      const links = uniqueStream('links');
      await streamWith(target, 3);
      await setMetadata(target, '{"$tb":2}');
      await append(client, links, [
        { type: '$>', data: `-1@${target}` },
        { type: '$>', data: `0@${target}` },
      ]);
      const events = readEvents(await readMessages(client, streamReadRequest(links, { resolveLinks: true })));
      expect(recorded(events[0] as ReadResp_ReadEvent).streamRevision).toBe(2n);
      expect(events[1]?.event).toBeUndefined();
    });
  });
});

describe('reading $all (§3.7, §3.9)', () => {
  /** Appends `count` events to a new stream and returns their positions. */
  async function freshEvents(
    count: number,
    type = 'Happened',
  ): Promise<{ stream: string; positions: bigint[] }> {
    const stream = uniqueStream('all');
    const positions: bigint[] = [];
    for (let i = 0; i < count; i += 1)
      positions.push(positionOfAppend(await append(client, stream, [{ type }])));
    return { stream, positions };
  }

  const positionsOf = (events: readonly ReadResp_ReadEvent[]): bigint[] =>
    events.map((event) => recorded(event).commitPosition);

  test('forwards from start: every record in log order, system ones too, except the default exclusions', async () => {
    const { stream, positions } = await freshEvents(2);
    await setMetadata(stream, '{"custom":true}');
    const events = readEvents(await readMessages(client, allReadRequest()));
    const all = positionsOf(events);
    expect([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(all);
    expect(all).toEqual(expect.arrayContaining(positions));
    const streams = events.map((event) => streamOf(recorded(event)));
    expect(streams).toContain(`$$${stream}`);
    expect(streams).not.toContain('$epoch-information');
    for (const event of events) {
      expect(event.position).toEqual({ $case: 'commitPosition', value: recorded(event).commitPosition });
      expect(recorded(event).preparePosition).toBe(recorded(event).commitPosition);
    }
  });

  test('forwards from P includes the record at P; backwards from P excludes it', async () => {
    const { positions } = await freshEvents(3);
    const [p0, p1, p2] = positions as [bigint, bigint, bigint];
    expect(
      positionsOf(
        readEvents(await readMessages(client, allReadRequest({ from: { commit: p1, prepare: p1 } }))),
      ),
    ).toEqual([p1, p2]);
    expect(
      positionsOf(
        readEvents(
          await readMessages(
            client,
            allReadRequest({ from: { commit: p1, prepare: p1 }, backwards: true, count: 1n }),
          ),
        ),
      ),
    ).toEqual([p0]);
  });

  test('backwards from end, or from (UINT64 max, UINT64 max), returns the last record first', async () => {
    const { positions } = await freshEvents(2);
    const last = positions[1];
    for (const from of ['end', { commit: UINT64_MAX, prepare: UINT64_MAX }] as const) {
      const events = readEvents(
        await readMessages(client, allReadRequest({ from, backwards: true, count: 2n })),
      );
      expect(positionsOf(events)).toEqual([last, positions[0]]);
    }
    expect(await readMessages(client, allReadRequest({ from: 'end' }))).toEqual([]);
    expect(
      await readMessages(client, allReadRequest({ from: { commit: UINT64_MAX, prepare: UINT64_MAX } })),
    ).toEqual([]);
  });

  test('backwards from a record’s end with a smaller prepare leaves that record out (AllReader.cs)', async () => {
    const { positions } = await freshEvents(3);
    const [p0, p1, p2] = positions as [bigint, bigint, bigint];
    // p2 is where the record at p1 ends.
    const events = readEvents(
      await readMessages(
        client,
        allReadRequest({ from: { commit: p2, prepare: p1 }, backwards: true, count: 1n }),
      ),
    );
    expect(positionsOf(events)).toEqual([p0]);
  });

  test('count limits the records', async () => {
    await freshEvents(3);
    expect(readEvents(await readMessages(client, allReadRequest({ count: 2n })))).toHaveLength(2);
    expect(
      readEvents(await readMessages(client, allReadRequest({ from: 'end', backwards: true, count: 3n }))),
    ).toHaveLength(3);
  });

  test('a position inside a record, or a lone UINT64 max commit, is an invalid position', async () => {
    const { positions } = await freshEvents(2);
    const inside = { commit: (positions[0] ?? 0n) + 1n, prepare: (positions[0] ?? 0n) + 1n };
    const filter = {
      filter: { $case: 'eventType' as const, value: { regex: '', prefix: [''] } },
      window: { $case: 'count' as const, value: {} },
    };
    for (const [request, details] of [
      [allReadRequest({ from: inside }), 'Unexpected ReadAllResult: InvalidPosition'],
      [allReadRequest({ from: inside, backwards: true }), 'Unexpected ReadAllResult: InvalidPosition'],
      [allReadRequest({ from: inside, filter }), 'Unexpected FilteredReadAllResult: InvalidPosition'],
      [
        allReadRequest({ from: { commit: UINT64_MAX, prepare: 5n } }),
        'Unexpected ReadAllResult: InvalidPosition',
      ],
    ] as const) {
      const outcome = await run(client, request);
      expect(outcome.messages).toEqual([]);
      expect({ code: outcome.error?.code, details: outcome.error?.details }).toEqual({
        code: Status.UNKNOWN,
        details,
      });
    }
  });

  test('backwards from past the head of the log is a storage error', async () => {
    const head = (await freshEvents(1)).positions[0] ?? 0n;
    const outcome = await run(
      client,
      allReadRequest({ from: { commit: head + 10_000_000n, prepare: 0n }, backwards: true }),
    );
    expect(outcome.error?.code).toBe(Status.UNKNOWN);
    expect(outcome.error?.details).toBe('Unexpected ReadAllResult: Error');
    // Forwards from there is simply the end of the log.
    expect(
      await readMessages(client, allReadRequest({ from: { commit: head + 10_000_000n, prepare: 0n } })),
    ).toEqual([]);
  });

  test('a count of 0 never completes: the server keeps asking for an empty page', async () => {
    const started = Date.now();
    await expect(
      run(client, allReadRequest({ count: 0n }), { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // A search window of 0 does the same.
    await expect(
      run(
        client,
        allReadRequest({
          filter: {
            filter: { $case: 'streamIdentifier', value: { regex: '.' } },
            window: { $case: 'max', value: 0 },
          },
        }),
        { signal: AbortSignal.timeout(200) },
      ),
    ).rejects.toThrow(/abort/i);
  });

  test('$all is never stream_not_found, and resolves links', async () => {
    const target = uniqueStream('target');
    const links = uniqueStream('links');
    await append(client, target, [{ type: 'Target' }]);
    const linkPosition = positionOfAppend(await append(client, links, [{ type: '$>', data: `0@${target}` }]));
    const events = readEvents(
      await readMessages(
        client,
        allReadRequest({ from: { commit: linkPosition, prepare: linkPosition }, resolveLinks: true }),
      ),
    );
    expect(events).toHaveLength(1);
    expect(recorded(events[0] as ReadResp_ReadEvent).metadata.type).toBe('Target');
    expect(events[0]?.link?.commitPosition).toBe(linkPosition);
    expect(events[0]?.position).toEqual({ $case: 'commitPosition', value: linkPosition });
  });

  describe('server-side filters (§3.9)', () => {
    const window = { $case: 'max' as const, value: 5 };

    async function filtered(
      filter: DeepPartial<ReadReq_Options_FilterOptions>,
      backwards = false,
    ): Promise<ReadResp_ReadEvent[]> {
      return readEvents(
        await readMessages(client, allReadRequest({ filter, backwards, from: backwards ? 'end' : 'start' })),
      );
    }

    test('stream prefixes match the stored stream name; any prefix will do', async () => {
      const tag = crypto.randomUUID();
      await append(client, `apple-${tag}`, 1);
      await append(client, `banana-${tag}`, 1);
      await append(client, `cherry-${tag}`, 1);
      const events = await filtered({
        filter: { $case: 'streamIdentifier', value: { prefix: [`apple-${tag}`, `cherry-${tag}`] } },
        window,
      });
      expect(events.map((event) => streamOf(recorded(event)))).toEqual([`apple-${tag}`, `cherry-${tag}`]);
    });

    test('a regex is unanchored and wins over prefixes; it matches event types with eventType', async () => {
      const tag = crypto.randomUUID().replace(/-/g, '');
      const stream = uniqueStream();
      await append(client, stream, [
        { type: `pre${tag}post` },
        { type: `other${tag}` },
        { type: 'Unrelated' },
      ]);
      const events = await filtered({
        filter: { $case: 'eventType', value: { regex: `${tag}post`, prefix: ['Unrelated'] } },
        window,
      });
      expect(events.map((event) => recorded(event).metadata.type)).toEqual([`pre${tag}post`]);
      const byPrefix = await filtered({
        filter: { $case: 'eventType', value: { regex: '', prefix: [`other${tag}`] } },
        window,
      });
      expect(byPrefix.map((event) => recorded(event).metadata.type)).toEqual([`other${tag}`]);
      const backwards = await filtered(
        { filter: { $case: 'eventType', value: { regex: tag } }, window: { $case: 'count', value: {} } },
        true,
      );
      expect(backwards.map((event) => recorded(event).metadata.type)).toEqual([
        `other${tag}`,
        `pre${tag}post`,
      ]);
    });

    test('an empty prefix list matches nothing; the default exclusions still apply to a match-all regex', async () => {
      await append(client, uniqueStream(), 1);
      expect(
        await filtered({ filter: { $case: 'streamIdentifier', value: { prefix: [] } }, window }),
      ).toEqual([]);
      const everything = await filtered({
        filter: { $case: 'streamIdentifier', value: { regex: '.' } },
        window,
      });
      expect(everything.length).toBeGreaterThan(0);
      expect(everything.map((event) => streamOf(recorded(event)))).not.toContain('$epoch-information');
    });

    test('a plain filtered read sends no checkpoints', async () => {
      await append(client, uniqueStream(), 40);
      const messages = await readMessages(
        client,
        allReadRequest({
          filter: {
            filter: { $case: 'streamIdentifier', value: { regex: '^never$' } },
            window: { $case: 'max', value: 1 },
            checkpointIntervalMultiplier: 1,
          },
        }),
      );
      expect(messages).toEqual([]);
    });
  });
});

describe('access control (§3.7 step 3, §4)', () => {
  let emulator: RunningEmulator;
  let channel: Channel;
  let secureClient: StreamsClient;

  beforeAll(async () => {
    emulator = await startEmulator({ secure: true });
    channel = createChannel(
      `${emulator.host}:${emulator.port}`,
      ChannelCredentials.createSsl(Buffer.from(emulator.serverCert ?? '')),
    );
    secureClient = createClient(StreamsDefinition, channel);
  });
  afterAll(async () => {
    channel.close();
    await emulator.stop();
  });

  const admin = Metadata({ authorization: `Basic ${Buffer.from('admin:changeit').toString('base64')}` });
  const ops = Metadata({ authorization: `Basic ${Buffer.from('ops:changeit').toString('base64')}` });

  async function outcome(request: DeepPartial<ReadReq>, metadata?: Metadata) {
    const messages = [];
    let trailer = Metadata();
    try {
      for await (const message of secureClient.read(request, { metadata, onTrailer: (t) => (trailer = t) })) {
        messages.push(message);
      }
      return { messages, code: Status.OK, details: '', exception: undefined };
    } catch (error) {
      const { code, details } = error as { code: Status; details: string };
      return { messages, code, details, exception: trailer.get('exception') };
    }
  }

  test('anonymous reads are denied after the option checks but before the combination check', async () => {
    const invalidCombination = {
      ...streamReadRequest('s').options,
      readDirection: 1,
      countOption: { $case: 'subscription' as const, value: {} },
    };
    expect(await outcome({ options: invalidCombination })).toMatchObject({
      messages: [],
      code: Status.PERMISSION_DENIED,
      details: 'Access Denied',
      exception: 'access-denied',
    });
    const noUuid = streamReadRequest('s');
    delete noUuid.options?.uuidOption;
    expect((await outcome(noUuid)).code).toBe(Status.INVALID_ARGUMENT);
  });

  test('reading $all is reading a system stream: admins only', async () => {
    expect(await outcome(allReadRequest({ count: 1n }), ops)).toMatchObject({
      code: Status.PERMISSION_DENIED,
      exception: 'access-denied',
    });
    const allowed = await outcome(allReadRequest({ count: 1n }), admin);
    expect(allowed.code).toBe(Status.OK);
    expect(kinds(allowed.messages)).toEqual(['event']);
  });

  test('a user stream is readable by any authenticated user', async () => {
    const stream = uniqueStream();
    expect(kinds((await outcome(streamReadRequest(stream), ops)).messages)).toEqual(['streamNotFound']);
  });
});
