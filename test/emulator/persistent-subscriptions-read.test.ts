// PersistentSubscriptions.Read against the facts (docs/protocol.md §3.14 Read steps 1–8, §3.1.1,
// §3.9, §4, §5 item 8) and the 24.10 server's PersistentSubscription.cs, OutstandingMessage*.cs, StreamBuffer.cs,
// PersistentSubscriptionMessageParker.cs and the consumer strategies, through raw gRPC clients.
import { Metadata, Status } from 'nice-grpc';
import type {
  DeepPartial,
  CreateReq,
  PersistentSubscriptionsClient,
} from '../../src/generated/persistent.js';
import type { AppendReq } from '../../src/generated/streams.js';
import { asyncIterableOf } from '../support/async-iterable.js';
import {
  ackIdOf,
  CreateReq_ConsumerStrategy,
  enumStrategy,
  appendEvents,
  connect,
  Consumer,
  failure,
  identifier,
  nodeDefaults,
  readOptions,
  readStream,
  ReadReq_Nack_Action,
  retryCountOf,
  startPersistentNode,
  stopPersistentNode,
  streamCreate,
  streamNameOf,
  stringIdOf,
  uniqueName,
  type PersistentTestNode,
} from './persistent-support.js';

let node: PersistentTestNode;
let client: PersistentSubscriptionsClient;

beforeAll(async () => {
  node = await startPersistentNode();
  client = node.persistent;
});

afterAll(async () => {
  await stopPersistentNode(node);
});

const consumers: Consumer[] = [];

afterEach(() => {
  for (const consumer of consumers.splice(0)) consumer.cancel();
});

async function open(
  source: string,
  group: string,
  options: {
    readonly bufferSize?: number;
    readonly uuid?: 'string' | 'structured';
    readonly metadata?: Metadata;
  } = {},
): Promise<Consumer> {
  const consumer = await connect(client, source, group, options);
  consumers.push(consumer);
  return consumer;
}

function allCreate(
  group: string,
  allOption: NonNullable<
    NonNullable<NonNullable<DeepPartial<CreateReq>['options']>['streamOption']>
  > extends infer S
    ? S extends { $case: 'all'; value?: infer A }
      ? A
      : never
    : never,
  settings = nodeDefaults(),
): DeepPartial<CreateReq> {
  return { options: { streamOption: { $case: 'all', value: allOption }, groupName: group, settings } };
}

describe('confirmation and delivery', () => {
  test('the confirmation carries <stream>::<group>; events follow with retry_count 0 and their positions', async () => {
    const stream = uniqueName('orders');
    const group = uniqueName('g');
    const first = await appendEvents(node.streams, stream, 1);
    const second = await appendEvents(node.streams, stream, 1);
    await client.create(streamCreate(stream, group, { $case: 'start' }));
    const consumer = await open(stream, group);
    expect(consumer.messages[0]?.content).toEqual({
      $case: 'subscriptionConfirmation',
      value: { subscriptionId: `${stream}::${group}` },
    });
    const events = await consumer.waitForEvents(2);
    expect(events.map((event) => stringIdOf(event.event))).toEqual([first.ids[0], second.ids[0]]);
    expect(events.map(retryCountOf)).toEqual([0, 0]);
    expect(events.map((event) => event.event?.streamRevision)).toEqual([0n, 1n]);
    expect(events.map((event) => event.link)).toEqual([undefined, undefined]);
    const positions = [first.lastPosition, second.lastPosition];
    expect(events.map((event) => event.event?.commitPosition)).toEqual(positions);
    expect(events.map((event) => event.event?.preparePosition)).toEqual(positions);
    expect(events.map((event) => event.position)).toEqual(
      positions.map((value) => ({ $case: 'commitPosition', value })),
    );
    expect(events[0]?.event?.metadata).toMatchObject({
      type: 'Happened',
      'content-type': 'application/json',
    });
  });

  test('structured ids are sent when the options ask for them', async () => {
    const stream = uniqueName('structured');
    await appendEvents(node.streams, stream, 1);
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const consumer = await open(stream, 'g', { uuid: 'structured' });
    const [event] = await consumer.waitForEvents(1);
    expect(event?.event?.id?.value?.$case).toBe('structured');
  });

  test('an unknown group is NOT_FOUND and a full group FAILED_PRECONDITION maximum-subscribers-reached', async () => {
    const stream = uniqueName('limited');
    const missing = new Consumer(client, readOptions(stream, 'nope'));
    const missingEnd = await missing.ended;
    if (missingEnd.kind !== 'error') throw new Error('expected a failure');
    expect(missingEnd.error.code).toBe(Status.NOT_FOUND);
    expect(missingEnd.error.details).toBe(`Subscription group nope on stream ${stream} does not exist.`);
    expect(missingEnd.trailer).toEqual({
      exception: 'persistent-subscription-does-not-exist',
      'stream-name': stream,
      'group-name': 'nope',
    });

    await client.create(
      streamCreate(stream, 'g', { $case: 'start' }, nodeDefaults({ maxSubscriberCount: 1 })),
    );
    await open(stream, 'g');
    const second = new Consumer(client, readOptions(stream, 'g'));
    const end = await second.ended;
    if (end.kind !== 'error') throw new Error('expected a failure');
    expect(end.error.code).toBe(Status.FAILED_PRECONDITION);
    expect(end.error.details).toBe(
      `Maximum subscriptions reached for subscription group g on stream ${stream}.`,
    );
    expect(end.trailer).toEqual({
      exception: 'maximum-subscribers-reached',
      'stream-name': stream,
      'group-name': 'g',
    });
  });

  test('a first message other than options, or options without uuid_option, is UNKNOWN', async () => {
    const stream = uniqueName('malformed');
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const ackFirst = new Consumer(client, { content: { $case: 'ack', value: { ids: [] } } });
    const ackEnd = await ackFirst.ended;
    expect(ackEnd.kind === 'error' ? [ackEnd.error.code, ackEnd.error.details] : ackEnd.kind).toEqual([
      Status.UNKNOWN,
      'Exception was thrown by handler.',
    ]);
    const noUuid = new Consumer(client, {
      content: {
        $case: 'options',
        value: {
          streamOption: { $case: 'streamIdentifier', value: identifier(stream) },
          groupName: 'g',
          bufferSize: 10,
        },
      },
    });
    const noUuidEnd = await noUuid.ended;
    expect(noUuidEnd.kind === 'error' ? noUuidEnd.error.code : noUuidEnd.kind).toBe(Status.UNKNOWN);
  });

  test('a client that closes without sending anything gets OK', async () => {
    const silent = new Consumer(client, undefined);
    silent.closeRequests();
    expect((await silent.ended).kind).toBe('ok');
  });
});

describe('acknowledgements', () => {
  test('a nack with Retry redelivers with retry_count 1; Unknown does the same', async () => {
    const stream = uniqueName('retried');
    await appendEvents(node.streams, stream, 1);
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const consumer = await open(stream, 'g');
    const [first] = await consumer.waitForEvents(1);
    if (first === undefined) throw new Error('no event');
    consumer.nack([ackIdOf(first)], ReadReq_Nack_Action.Retry, 'later');
    const [, second] = await consumer.waitForEvents(2);
    expect(second === undefined ? undefined : [stringIdOf(second.event), retryCountOf(second)]).toEqual([
      stringIdOf(first.event),
      1,
    ]);
    consumer.nack([stringIdOf(first.event)], ReadReq_Nack_Action.Unknown);
    const [, , third] = await consumer.waitForEvents(3);
    expect(third === undefined ? undefined : retryCountOf(third)).toBe(2);
  });

  test('after max_retry_count retries the message is parked as a $> link to the event', async () => {
    const stream = uniqueName('exhausted');
    const group = uniqueName('g');
    const appended = await appendEvents(node.streams, stream, 2);
    await client.create(streamCreate(stream, group, { $case: 'start' }, nodeDefaults({ maxRetryCount: 1 })));
    const consumer = await open(stream, group, { bufferSize: 1 });
    const [first] = await consumer.waitForEvents(1);
    const id = appended.ids[0] ?? '';
    expect(first === undefined ? undefined : stringIdOf(first.event)).toBe(id);
    consumer.nack([id], ReadReq_Nack_Action.Retry);
    const [, again] = await consumer.waitForEvents(2);
    expect(again === undefined ? undefined : [stringIdOf(again.event), retryCountOf(again)]).toEqual([id, 1]);
    consumer.nack([id], ReadReq_Nack_Action.Retry);
    // Parked: the slot goes to the next event, and the first one does not come back.
    const [, , next] = await consumer.waitForEvents(3);
    expect(next === undefined ? undefined : [stringIdOf(next.event), retryCountOf(next)]).toEqual([
      appended.ids[1],
      0,
    ]);
    const parked = await readStream(node.streams, `$persistentsubscription-${stream}::${group}-parked`);
    expect(parked?.map((event) => [event.metadata.type, event.metadata['content-type']])).toEqual([
      ['$>', 'application/octet-stream'],
    ]);
    expect(Buffer.from(parked?.[0]?.data ?? new Uint8Array(0)).toString('utf8')).toBe(`0@${stream}`);
    const metadata = JSON.parse(
      Buffer.from(parked?.[0]?.customMetadata ?? new Uint8Array(0)).toString('utf8'),
    ) as Record<string, unknown>;
    expect(metadata.reason).toBe('Reached retry count of 1');
    expect(metadata).not.toHaveProperty('subscriptionEventNumber');
    expect(typeof metadata.added).toBe('string');
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
    });
    expect(info.subscriptionInfo?.parkedMessageCount).toBe(1n);
  });

  test('a nack with Park parks at once with the client’s reason; Skip and Stop drop the message', async () => {
    const stream = uniqueName('nacked');
    const group = uniqueName('g');
    const appended = await appendEvents(node.streams, stream, 3);
    await client.create(streamCreate(stream, group, { $case: 'start' }));
    const consumer = await open(stream, group);
    const events = await consumer.waitForEvents(3);
    const [park, skip, stop] = events.map(ackIdOf);
    consumer.nack([park ?? ''], ReadReq_Nack_Action.Park, 'poison');
    consumer.nack([skip ?? ''], ReadReq_Nack_Action.Skip);
    consumer.nack([stop ?? ''], ReadReq_Nack_Action.Stop);
    await consumer.expectQuiet(300);
    const parked = await readStream(node.streams, `$persistentsubscription-${stream}::${group}-parked`);
    expect(parked?.map((event) => Buffer.from(event.data).toString('utf8'))).toEqual([`0@${stream}`]);
    const metadata = JSON.parse(
      Buffer.from(parked?.[0]?.customMetadata ?? new Uint8Array(0)).toString('utf8'),
    ) as Record<string, unknown>;
    expect(metadata.reason).toBe("Client explicitly NAK'ed message.\npoison");
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
    });
    expect(info.subscriptionInfo).toMatchObject({ totalInFlightMessages: 0, outstandingMessagesCount: 0 });
    expect(appended.ids).toEqual(events.map((event) => stringIdOf(event.event)));
  });

  test('an unacknowledged message is redelivered after the message timeout with retry_count 1', async () => {
    const stream = uniqueName('timeout');
    await appendEvents(node.streams, stream, 1);
    await client.create(
      streamCreate(
        stream,
        'g',
        { $case: 'start' },
        nodeDefaults({ messageTimeout: { $case: 'messageTimeoutMs', value: 100 } }),
      ),
    );
    const consumer = await open(stream, 'g');
    const started = Date.now();
    const [first, second] = await consumer.waitForEvents(2, 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect([first, second].map((event) => (event === undefined ? undefined : retryCountOf(event)))).toEqual([
      0, 1,
    ]);
    expect(stringIdOf(second?.event)).toBe(stringIdOf(first?.event));
  });

  test('messages a consumer still holds when it leaves go to the next consumer as retries', async () => {
    const stream = uniqueName('handover');
    const appended = await appendEvents(node.streams, stream, 2);
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const leaving = await open(stream, 'g');
    await leaving.waitForEvents(2);
    leaving.cancel();
    await leaving.ended;
    const staying = await open(stream, 'g');
    const events = await staying.waitForEvents(2);
    expect(events.map((event) => [stringIdOf(event.event), retryCountOf(event)])).toEqual([
      [appended.ids[0], 1],
      [appended.ids[1], 1],
    ]);
  });
});

describe('links', () => {
  test('with resolve_link_tos a link delivers its target, both records at the link’s position, acked by the link id', async () => {
    const target = uniqueName('target');
    const links = uniqueName('links');
    const appended = await appendEvents(node.streams, target, 1);
    await appendLink(links, `0@${target}`);
    await appendLink(links, `5@${target}`);
    await client.create(streamCreate(links, 'g', { $case: 'start' }, nodeDefaults({ resolveLinks: true })));
    const consumer = await open(links, 'g');
    const [resolved, broken] = await consumer.waitForEvents(2);
    if (resolved === undefined || broken === undefined) throw new Error('missing events');
    const linkRecords = (await readStream(node.streams, links)) ?? [];
    expect(stringIdOf(resolved.event)).toBe(appended.ids[0]);
    expect(streamNameOf(resolved.link)).toBe(links);
    expect(resolved.event?.commitPosition).toBe(linkRecords[0]?.commitPosition);
    expect(resolved.event?.preparePosition).toBe(linkRecords[0]?.commitPosition);
    expect(resolved.position).toEqual({ $case: 'commitPosition', value: linkRecords[0]?.commitPosition });
    // A link whose target does not exist arrives as the link alone.
    expect(broken.event).toBeUndefined();
    expect(stringIdOf(broken.link)).toBe(stringIdOf(linkRecords[1]));
    consumer.ack([ackIdOf(resolved)]);
    consumer.nack([ackIdOf(broken)], ReadReq_Nack_Action.Park, 'broken');
    await consumer.expectQuiet(200);
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(links) }, groupName: 'g' },
    });
    expect(info.subscriptionInfo).toMatchObject({ totalInFlightMessages: 0, outstandingMessagesCount: 0 });
    // The parked link of an unresolved link keeps the link's own data, and the metadata its event number.
    const parked = await readStream(node.streams, `$persistentsubscription-${links}::g-parked`);
    expect(parked?.map((event) => Buffer.from(event.data).toString('utf8'))).toEqual([`5@${target}`]);
    const metadata = JSON.parse(
      Buffer.from(parked?.[0]?.customMetadata ?? new Uint8Array(0)).toString('utf8'),
    ) as Record<string, unknown>;
    expect(metadata.subscriptionEventNumber).toBe(1);
  });
});

describe('consumer strategies', () => {
  test('RoundRobin spreads messages across two consumers in turn', async () => {
    const stream = uniqueName('round-robin');
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const a = await open(stream, 'g');
    const b = await open(stream, 'g');
    const appended = await appendEvents(node.streams, stream, 4);
    const forA = await a.waitForEvents(2);
    const forB = await b.waitForEvents(2);
    expect(forA.map((event) => stringIdOf(event.event))).toEqual([appended.ids[0], appended.ids[2]]);
    expect(forB.map((event) => stringIdOf(event.event))).toEqual([appended.ids[1], appended.ids[3]]);
  });

  test('DispatchToSingle fills one consumer’s slots before the next', async () => {
    const stream = uniqueName('single');
    await client.create(
      streamCreate(
        stream,
        'g',
        { $case: 'start' },
        nodeDefaults(enumStrategy(CreateReq_ConsumerStrategy.DispatchToSingle)),
      ),
    );
    const a = await open(stream, 'g', { bufferSize: 2 });
    const b = await open(stream, 'g', { bufferSize: 5 });
    const appended = await appendEvents(node.streams, stream, 5);
    expect((await a.waitForEvents(2)).map((event) => stringIdOf(event.event))).toEqual(
      appended.ids.slice(0, 2),
    );
    expect((await b.waitForEvents(3)).map((event) => stringIdOf(event.event))).toEqual(appended.ids.slice(2));
  });

  test('Pinned keeps each source stream with one consumer', async () => {
    const source = uniqueName('pinned');
    const group = uniqueName('g');
    await client.create(
      allCreate(
        group,
        {
          allOption: { $case: 'end', value: {} },
          filterOption: {
            $case: 'filter',
            value: {
              filter: { $case: 'streamIdentifier', value: { prefix: [source] } },
              window: { $case: 'count', value: {} },
              checkpointIntervalMultiplier: 1,
            },
          },
        },
        nodeDefaults(enumStrategy(CreateReq_ConsumerStrategy.Pinned)),
      ),
    );
    const a = await open('$all', group);
    const b = await open('$all', group);
    const streams = [`${source}-x`, `${source}-y`, `${source}-z`];
    for (const stream of streams) await appendEvents(node.streams, stream, 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const owner = new Map<string, string>();
    for (const [name, consumer] of [
      ['a', a],
      ['b', b],
    ] as const) {
      for (const event of consumer.events) {
        const stream = streamNameOf(event.event);
        expect(owner.get(stream) ?? name).toBe(name);
        owner.set(stream, name);
      }
    }
    expect([...owner.keys()].sort()).toEqual(streams);
    expect(a.events.length + b.events.length).toBe(6);
  });
});

describe('GetInfo while reading', () => {
  test('connections show the connection-name header, the user, slots and messages in flight', async () => {
    const stream = uniqueName('info');
    await appendEvents(node.streams, stream, 3);
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const metadata = new Metadata();
    metadata.set('connection-name', 'worker-1');
    const named = await open(stream, 'g', { bufferSize: 5, metadata });
    await named.waitForEvents(3);
    await open(stream, 'g');
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: 'g' },
    });
    expect(info.subscriptionInfo).toMatchObject({
      status: 'Live',
      totalItems: 3n,
      lastKnownEventPosition: '2',
      totalInFlightMessages: 3,
      outstandingMessagesCount: 3,
    });
    expect(info.subscriptionInfo?.connections).toEqual([
      expect.objectContaining({
        from: '',
        username: 'system',
        connectionName: 'worker-1',
        availableSlots: 2,
        inFlightMessages: 3,
        totalItems: 3n,
        observedMeasurements: [],
      }),
      expect.objectContaining({ connectionName: '<unknown>', availableSlots: 10, inFlightMessages: 0 }),
    ]);
  });
});

describe('parked messages', () => {
  test('ReplayParked redelivers parked messages with retry_count 0 through the parked link', async () => {
    const stream = uniqueName('replayed');
    const group = uniqueName('g');
    const appended = await appendEvents(node.streams, stream, 2);
    await client.create(streamCreate(stream, group, { $case: 'start' }));
    const consumer = await open(stream, group);
    const events = await consumer.waitForEvents(2);
    consumer.nack(events.map(ackIdOf), ReadReq_Nack_Action.Park, 'later');
    const parkedStream = `$persistentsubscription-${stream}::${group}-parked`;
    await waitUntil(async () => (await readStream(node.streams, parkedStream))?.length === 2);
    const links = (await readStream(node.streams, parkedStream)) ?? [];
    await client.replayParked({
      options: {
        groupName: group,
        streamOption: { $case: 'streamIdentifier', value: identifier(stream) },
        stopAtOption: { $case: 'noLimit', value: {} },
      },
    });
    const replayed = (await consumer.waitForEvents(4)).slice(2);
    expect(
      replayed.map((event) => [stringIdOf(event.event), stringIdOf(event.link), retryCountOf(event)]),
    ).toEqual([
      [appended.ids[0], stringIdOf(links[0]), 0],
      [appended.ids[1], stringIdOf(links[1]), 0],
    ]);
    // Both records carry the parked link's position, as does commit_position.
    expect(replayed[0]?.event?.commitPosition).toBe(links[0]?.commitPosition);
    expect(replayed[0]?.link?.commitPosition).toBe(links[0]?.commitPosition);
    consumer.ack(replayed.map(ackIdOf));
    await consumer.expectQuiet(200);
    // The replayed links are now truncated away.
    expect(await readStream(node.streams, parkedStream)).toEqual([]);
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
    });
    expect(info.subscriptionInfo?.parkedMessageCount).toBe(0n);
  });

  test('ReplayParked with a negative stop_at fails', async () => {
    const stream = uniqueName('negative');
    await client.create(streamCreate(stream, 'g', { $case: 'start' }));
    const { error, trailer } = await failure((onTrailer) =>
      client.replayParked(
        {
          options: {
            groupName: 'g',
            streamOption: { $case: 'streamIdentifier', value: identifier(stream) },
            stopAtOption: { $case: 'stopAt', value: -1n },
          },
        },
        { onTrailer },
      ),
    );
    expect(error.code).toBe(Status.INTERNAL);
    expect(trailer.reason).toBe('Cannot stop replaying parked message at a negative version.');
  });
});

describe('start positions', () => {
  test('a stream group from revision R delivers R first; from end only what is appended after Create', async () => {
    const stream = uniqueName('starts');
    const appended = await appendEvents(node.streams, stream, 4);
    await client.create(streamCreate(stream, 'from-2', { $case: 'revision', value: 2n }));
    await client.create(streamCreate(stream, 'from-end', { $case: 'end' }));
    await client.create(streamCreate(stream, 'from-start', { $case: 'start' }));
    const later = await appendEvents(node.streams, stream, 1);
    const fromTwo = await open(stream, 'from-2');
    expect((await fromTwo.waitForEvents(3)).map((event) => stringIdOf(event.event))).toEqual([
      appended.ids[2],
      appended.ids[3],
      later.ids[0],
    ]);
    const fromEnd = await open(stream, 'from-end');
    expect((await fromEnd.waitForEvents(1)).map((event) => stringIdOf(event.event))).toEqual(later.ids);
    await fromEnd.expectQuiet(100);
    const fromStart = await open(stream, 'from-start');
    expect((await fromStart.waitForEvents(5)).map((event) => event.event?.streamRevision)).toEqual([
      0n,
      1n,
      2n,
      3n,
      4n,
    ]);
  });

  test('a $all group from a position includes the event at that position and applies its filter', async () => {
    const prefix = uniqueName('all');
    const group = uniqueName('g');
    await appendEvents(node.streams, `${prefix}-a`, 1);
    const start = await appendEvents(node.streams, `${prefix}-b`, 1);
    await appendEvents(node.streams, uniqueName('other'), 1);
    const after = await appendEvents(node.streams, `${prefix}-a`, 1);
    await client.create(
      allCreate(group, {
        allOption: {
          $case: 'position',
          value: { commitPosition: start.lastPosition, preparePosition: start.lastPosition },
        },
        filterOption: {
          $case: 'filter',
          value: {
            filter: { $case: 'streamIdentifier', value: { prefix: [prefix] } },
            window: { $case: 'max', value: 10 },
            checkpointIntervalMultiplier: 1,
          },
        },
      }),
    );
    const consumer = await open('$all', group);
    expect(consumer.messages[0]?.content).toEqual({
      $case: 'subscriptionConfirmation',
      value: { subscriptionId: `$all::${group}` },
    });
    const events = await consumer.waitForEvents(2);
    expect(events.map((event) => stringIdOf(event.event))).toEqual([start.ids[0], after.ids[0]]);
    const live = await appendEvents(node.streams, `${prefix}-c`, 1);
    await appendEvents(node.streams, uniqueName('other'), 1);
    const [, , third] = await consumer.waitForEvents(3);
    expect(stringIdOf(third?.event)).toBe(live.ids[0]);
    await consumer.expectQuiet(100);
  });

  test('a $all group filtered by event type regex takes only matching types, from start', async () => {
    const group = uniqueName('g');
    const type = `Matched${crypto.randomUUID().replace(/-/g, '')}`;
    const first = await appendEvents(node.streams, uniqueName('typed'), 1, { type });
    await appendEvents(node.streams, uniqueName('typed'), 1, { type: 'Other' });
    const second = await appendEvents(node.streams, uniqueName('typed'), 1, { type: `${type}Too` });
    await client.create(
      allCreate(group, {
        allOption: { $case: 'start', value: {} },
        filterOption: {
          $case: 'filter',
          value: {
            filter: { $case: 'eventType', value: { regex: `^${type}`, prefix: ['ignored'] } },
            window: { $case: 'count', value: {} },
            checkpointIntervalMultiplier: 1,
          },
        },
      }),
    );
    const consumer = await open('$all', group);
    const events = await consumer.waitForEvents(2);
    expect(events.map((event) => stringIdOf(event.event))).toEqual([first.ids[0], second.ids[0]]);
    await consumer.expectQuiet(100);
  });

  test('a $all start beyond the last record is refused', async () => {
    const { error, trailer } = await failure((onTrailer) =>
      client.create(
        allCreate('g', {
          allOption: { $case: 'position', value: { commitPosition: 1n << 40n, preparePosition: 1n << 40n } },
          filterOption: { $case: 'noFilter', value: {} },
        }),
        { onTrailer },
      ),
    );
    expect(error.code).toBe(Status.INTERNAL);
    expect(error.details).toBe(
      "Subscription group g on stream $all failed: 'Invalid Start From position: commit position must be less than or equal to the last commit position in the transaction file.'",
    );
    expect(trailer['stream-name']).toBe('$all');
  });
});

describe('checkpoints', () => {
  test('acknowledged messages are checkpointed; after a restart the group resumes after the checkpoint', async () => {
    const stream = uniqueName('checkpointed');
    const group = uniqueName('g');
    const appended = await appendEvents(node.streams, stream, 3);
    await client.create(
      streamCreate(
        stream,
        group,
        { $case: 'start' },
        nodeDefaults({ minCheckpointCount: 2, maxCheckpointCount: 2 }),
      ),
    );
    const consumer = await open(stream, group);
    const events = await consumer.waitForEvents(3);
    consumer.ack(events.slice(0, 2).map(ackIdOf));
    const checkpoints = `$persistentsubscription-${stream}::${group}-checkpoint`;
    await waitUntil(async () => (await readStream(node.streams, checkpoints))?.length === 1);
    const [checkpoint] = (await readStream(node.streams, checkpoints)) ?? [];
    expect(checkpoint?.metadata.type).toBe('$SubscriptionCheckpoint');
    expect(Buffer.from(checkpoint?.data ?? new Uint8Array(0)).toString('utf8')).toBe('"1"');
    const info = await client.getInfo({
      options: { streamOption: { $case: 'streamIdentifier', value: identifier(stream) }, groupName: group },
    });
    expect(info.subscriptionInfo?.lastCheckpointedEventPosition).toBe('1');

    await client.restartSubsystem({});
    await consumer.ended;
    const resumed = await open(stream, group);
    const again = await resumed.waitForEvents(1);
    expect(again.map((event) => [stringIdOf(event.event), retryCountOf(event)])).toEqual([
      [appended.ids[2], 0],
    ]);
    await resumed.expectQuiet(100);
  });
});

/** Appends a `$>` link event whose data is `text`. */
async function appendLink(stream: string, text: string): Promise<void> {
  const response = await node.streams.append(
    asyncIterableOf<DeepPartial<AppendReq>>([
      {
        content: {
          $case: 'options',
          value: {
            streamIdentifier: identifier(stream),
            expectedStreamRevision: { $case: 'any', value: {} },
          },
        },
      },
      {
        content: {
          $case: 'proposedMessage',
          value: {
            id: { value: { $case: 'string', value: crypto.randomUUID() } },
            metadata: { type: '$>', 'content-type': 'application/octet-stream' },
            data: Buffer.from(text),
          },
        },
      },
    ]),
  );
  if (response.result?.$case !== 'success') throw new Error('link append failed');
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
