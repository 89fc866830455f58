// readAllEvents and getCommitPosition against a server, in insecure and secure mode: the seed README's reads
// of all events (commit order, inclusive forwards and exclusive backwards positions, limits) and its
// server-side event-type filters (default exclusion of system events, filterInclude winning, anchoring).
import { randomUUID } from 'node:crypto';
import {
  ESDB_EVENTS_REGEX,
  EsdbClient,
  EsdbError,
  GrpcError,
  NewEvent,
  RecordedEvent,
} from '../../src/client/index.js';
import {
  AGAINST_EMULATOR,
  MODES,
  rejectionOf,
  textOf,
  uniqueStream,
  useClientTarget,
  utf8,
} from './support/target.js';

const event = (type: string, data: string): NewEvent =>
  new NewEvent({ type, data: utf8(data), metadata: utf8('{}') });

/** The seed's first stream: three events in two appends; returns the stream and both commit positions. */
async function seedStream(
  client: EsdbClient,
): Promise<{ streamName: string; commitPosition1: bigint; commitPosition2: bigint }> {
  const streamName = uniqueStream();
  const commitPosition1 = await client.appendEvents({
    streamName,
    expectedPosition: null,
    events: [event('OrderCreated', 'data1')],
  });
  const commitPosition2 = await client.appendEvents({
    streamName,
    expectedPosition: 0,
    events: [event('OrderUpdated', 'data2'), event('OrderDeleted', 'data3')],
  });
  return { streamName, commitPosition1, commitPosition2 };
}

const summary = (events: readonly RecordedEvent[]): [string, bigint, string][] =>
  events.map((recorded) => [recorded.streamName, recorded.streamPosition, textOf(recorded.data)]);

describe.each(MODES)('readAllEvents (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('reads all events forwards, in commit order', async () => {
    const client = target().client();
    const before = await client.getCommitPosition();
    const { streamName } = await seedStream(client);
    // From the start: the database's first events (a bounded number, the target may be a big database).
    const first = await client.readAllEvents({ limit: 50 }).toArray();
    expect(first.length).toBeGreaterThanOrEqual(3);
    for (let index = 1; index < first.length; index += 1) {
      expect((first[index]?.commitPosition ?? 0n) > (first[index - 1]?.commitPosition ?? 0n)).toBe(true);
    }
    const recent = await client.readAllEvents({ commitPosition: before }).toArray();
    expect(summary(recent.filter((recorded) => recorded.streamName === streamName))).toEqual([
      [streamName, 0n, 'data1'],
      [streamName, 1n, 'data2'],
      [streamName, 2n, 'data3'],
    ]);
  });

  test('forwards from a commit position includes the event at that position', async () => {
    const client = target().client();
    const { streamName, commitPosition1 } = await seedStream(client);
    const events = await client.readAllEvents({ commitPosition: commitPosition1 }).toArray();
    expect(summary(events)).toEqual([
      [streamName, 0n, 'data1'],
      [streamName, 1n, 'data2'],
      [streamName, 2n, 'data3'],
    ]);
    const [first] = await client.readAllEvents({ commitPosition: commitPosition1, limit: 1 }).toArray();
    expect(first?.commitPosition).toBe(commitPosition1);
    expect(first?.type).toBe('OrderCreated');
  });

  test('backwards from the end returns the last events first', async () => {
    const client = target().client();
    const { streamName } = await seedStream(client);
    const events = await client.readAllEvents({ backwards: true, limit: 3 }).toArray();
    expect(summary(events)).toEqual([
      [streamName, 2n, 'data3'],
      [streamName, 1n, 'data2'],
      [streamName, 0n, 'data1'],
    ]);
    const [last] = await client.readAllEvents({ backwards: true, limit: 1 }).toArray();
    expect(last?.type).toBe('OrderDeleted');
  });

  test('backwards from a commit position excludes the event at that position', async () => {
    const client = target().client();
    const { streamName, commitPosition2 } = await seedStream(client);
    const events = await client
      .readAllEvents({ commitPosition: commitPosition2, backwards: true, limit: 1 })
      .toArray();
    expect(events).toHaveLength(1);
    expect((events[0]?.commitPosition ?? commitPosition2) < commitPosition2).toBe(true);
    expect(summary(events)).toEqual([[streamName, 1n, 'data2']]);
  });

  test('a commit position that is not an event position fails with an error from the server', async () => {
    const client = target().client();
    const { commitPosition1 } = await seedStream(client);
    const error = await rejectionOf(client.readAllEvents({ commitPosition: commitPosition1 + 1n }).toArray());
    expect(error).toBeInstanceOf(EsdbError);
    expect(error).toBeInstanceOf(GrpcError);
    // A plain read reports the storage result as UNKNOWN `Unexpected FilteredReadAllResult: InvalidPosition`.
    expect((error as GrpcError).details).toMatch(/position/i);
  });

  test('by default system events are left out; an empty filterExclude lets them in', async () => {
    const client = target().client();
    const { streamName, commitPosition1 } = await seedStream(client);
    // Stream metadata is a system event ($metadata in $$stream), written on the server's behalf by clients.
    await client.appendEvents({
      streamName: `$$${streamName}`,
      expectedPosition: -1,
      events: [
        new NewEvent({ type: '$metadata', data: utf8('{"$maxCount":10}'), contentType: 'application/json' }),
      ],
    });
    const filtered = await client.readAllEvents({ commitPosition: commitPosition1 }).toArray();
    expect(filtered.map((recorded) => recorded.type)).toEqual([
      'OrderCreated',
      'OrderUpdated',
      'OrderDeleted',
    ]);
    const explicit = await client
      .readAllEvents({ commitPosition: commitPosition1, filterExclude: [ESDB_EVENTS_REGEX] })
      .toArray();
    expect(explicit).toHaveLength(3);
    const unfiltered = await client
      .readAllEvents({ commitPosition: commitPosition1, filterExclude: [] })
      .toArray();
    expect(unfiltered.map((recorded) => recorded.type)).toEqual([
      'OrderCreated',
      'OrderUpdated',
      'OrderDeleted',
      '$metadata',
    ]);
    expect(unfiltered[3]?.streamName).toBe(`$$${streamName}`);
    const backwards = await client.readAllEvents({ backwards: true, limit: 50 }).toArray();
    expect(backwards.some((recorded) => recorded.type.startsWith('$'))).toBe(false);
  });

  describe('filters', () => {
    /** Appends events of the given types to a new stream; returns the commit position of the first. */
    async function appendTypes(client: EsdbClient, types: readonly string[]): Promise<bigint> {
      const streamName = uniqueStream('filters');
      const [first, ...rest] = types;
      const firstPosition = await client.appendEvents({
        streamName,
        expectedPosition: null,
        events: [event(first ?? 'X', '0')],
      });
      if (rest.length > 0) {
        await client.appendEvents({
          streamName,
          expectedPosition: 0,
          events: rest.map((type, index) => event(type, String(index + 1))),
        });
      }
      return firstPosition;
    }

    test('filterExclude patterns must match the whole type', async () => {
      const client = target().client();
      const from = await appendTypes(client, ['OrderCreated', 'OrderSnapshot', 'SnapshotTaken', 'Order']);
      const events = await client
        .readAllEvents({ commitPosition: from, filterExclude: [ESDB_EVENTS_REGEX, '.*Snapshot'] })
        .toArray();
      expect(events.map((recorded) => recorded.type)).toEqual(['OrderCreated', 'SnapshotTaken', 'Order']);
      const exact = await client.readAllEvents({ commitPosition: from, filterExclude: ['Order'] }).toArray();
      expect(exact.map((recorded) => recorded.type)).toEqual([
        'OrderCreated',
        'OrderSnapshot',
        'SnapshotTaken',
      ]);
    });

    test('filterInclude patterns must match the whole type, and win over filterExclude', async () => {
      const client = target().client();
      const from = await appendTypes(client, ['OrderCreated', 'XOrderCreated', 'OrderCreatedX', 'Invoiced']);
      const included = await client
        .readAllEvents({ commitPosition: from, filterInclude: ['OrderCreated', 'Invoiced'] })
        .toArray();
      expect(included.map((recorded) => recorded.type)).toEqual(['OrderCreated', 'Invoiced']);
      const winning = await client
        .readAllEvents({ commitPosition: from, filterInclude: ['Order.*'], filterExclude: ['.*'] })
        .toArray();
      expect(winning.map((recorded) => recorded.type)).toEqual(['OrderCreated', 'OrderCreatedX']);
      const systemIncluded = await client
        .readAllEvents({ filterInclude: [ESDB_EVENTS_REGEX], limit: 5 })
        .toArray();
      expect(systemIncluded.every((recorded) => recorded.type.startsWith('$'))).toBe(true);
    });

    test('the limit counts events after filtering', async () => {
      const client = target().client();
      const type = `Counted${randomUUID().replace(/-/g, '')}`;
      const from = await appendTypes(client, ['Noise', type, 'Noise', 'Noise', type, type]);
      const events = await client
        .readAllEvents({ commitPosition: from, filterInclude: [type], limit: 2 })
        .toArray();
      expect(events.map((recorded) => [recorded.type, recorded.streamPosition])).toEqual([
        [type, 1n],
        [type, 4n],
      ]);
    });
  });
});

describe.each(MODES)('getCommitPosition (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('is 0 when the database holds no events but system events', async () => {
    if (!AGAINST_EMULATOR) return; // an external server already holds events
    expect(await target().client().getCommitPosition()).toBe(0n);
  });

  test('is the commit position of the last recorded event, system events excluded by default', async () => {
    const client = target().client();
    const { streamName, commitPosition2 } = await seedStream(client);
    expect(await client.getCommitPosition()).toBe(commitPosition2);
    const systemPosition = await client.appendEvents({
      streamName: `$$${streamName}`,
      expectedPosition: -1,
      events: [new NewEvent({ type: '$metadata', data: utf8('{}'), contentType: 'application/json' })],
    });
    expect(await client.getCommitPosition()).toBe(commitPosition2);
    expect(await client.getCommitPosition({ filterExclude: [] })).toBe(systemPosition);
    expect(systemPosition > commitPosition2).toBe(true);
  });

  test('subscribing or reading from it later yields exactly the events recorded since', async () => {
    const client = target().client();
    await seedStream(client);
    const commitPosition = await client.getCommitPosition();
    const { streamName } = await seedStream(client);
    // Reading forwards includes the event at the position: skip it, as a catch-up subscription would (§3.8).
    const events = (await client.readAllEvents({ commitPosition }).toArray()).filter(
      (recorded) => recorded.commitPosition !== commitPosition,
    );
    expect(summary(events)).toEqual([
      [streamName, 0n, 'data1'],
      [streamName, 1n, 'data2'],
      [streamName, 2n, 'data3'],
    ]);
  });
});
