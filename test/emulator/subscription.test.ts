// Catch-up subscriptions (Streams.Read with count_option = subscription) against the facts
// (docs/protocol.md §3.8, §3.9, §5 item 4, §3.19 exchange 5) and the 24.10 server source
// (Enumerator.StreamSubscription.cs, Enumerator.AllSubscription*.cs, SubscriptionsService.cs), through a raw gRPC
// client on the generated definitions. The emulator emulates 24.10, so `caught_up` carries no fields.
import { Status } from 'nice-grpc';
import { openCommitSignalCount } from '../../src/emulator/services/streams/commit-signal.js';
import type { ReadResp, ReadResp_ReadEvent, StreamsClient } from '../../src/generated/streams.js';
import {
  allSubscriptionRequest,
  append,
  eventually,
  kinds,
  LONG_MAX,
  positionOfAppend,
  recorded,
  startNode,
  stopNode,
  streamOf,
  streamSubscriptionRequest,
  Subscription,
  type TestNode,
  uniqueStream,
} from './read-support.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let node: TestNode;
let client: StreamsClient;
const open: Subscription[] = [];

beforeAll(async () => {
  node = await startNode();
  client = node.client;
});
afterEach(() => {
  for (const subscription of open.splice(0)) subscription.cancel();
});
afterAll(async () => {
  await stopNode(node);
});

function subscribe(request: Parameters<StreamsClient['read']>[0], on: StreamsClient = client): Subscription {
  const subscription = new Subscription(on, request);
  open.push(subscription);
  return subscription;
}

function eventOf(message: ReadResp | undefined): ReadResp_ReadEvent {
  if (message?.content?.$case !== 'event')
    throw new Error(`expected an event, got ${message?.content?.$case}`);
  return message.content.value;
}

const revisionOf = (message: ReadResp | undefined): bigint => recorded(eventOf(message)).streamRevision;

function expectConfirmation(message: ReadResp | undefined): void {
  expect(message?.content?.$case).toBe('confirmation');
  if (message?.content?.$case === 'confirmation') expect(message.content.value.subscriptionId).toMatch(GUID);
}

/** 24.10's `caught_up` is an empty message (§0 version matrix). */
function expectCaughtUp(message: ReadResp | undefined): void {
  expect(message?.content).toEqual({
    $case: 'caughtUp',
    value: { timestamp: undefined, streamRevision: undefined, position: undefined },
  });
}

async function tombstone(stream: string): Promise<void> {
  await client.tombstone({
    options: {
      streamIdentifier: { streamName: Buffer.from(stream) },
      expectedStreamRevision: { $case: 'any', value: {} },
    },
  });
}

describe('subscriptions to a stream (§3.8)', () => {
  test('confirmation first, then the catch-up events, caught_up, then live events (§3.19 exchange 5)', async () => {
    const stream = uniqueStream();
    await append(client, stream, 2);
    const subscription = subscribe(streamSubscriptionRequest(stream));
    const [confirmation, first, second, caughtUp] = await subscription.take(4);
    expectConfirmation(confirmation);
    expect([revisionOf(first), revisionOf(second)]).toEqual([0n, 1n]);
    expect(streamOf(recorded(eventOf(first)))).toBe(stream);
    expectCaughtUp(caughtUp);
    await subscription.expectQuiet();

    await append(client, stream, [{ type: 'Later' }]);
    const live = await subscription.next();
    expect(revisionOf(live)).toBe(2n);
    expect(recorded(eventOf(live)).metadata.type).toBe('Later');
  });

  test('each subscription gets its own id', async () => {
    const stream = uniqueStream();
    const [a] = await subscribe(streamSubscriptionRequest(stream)).take(1);
    const [b] = await subscribe(streamSubscriptionRequest(stream)).take(1);
    expect(a?.content?.$case === 'confirmation' && b?.content?.$case === 'confirmation').toBe(true);
    expect(a?.content).not.toEqual(b?.content);
  });

  test('a revision start point is exclusive', async () => {
    const stream = uniqueStream();
    await append(client, stream, 4);
    const messages = await subscribe(streamSubscriptionRequest(stream, { from: 1n })).take(4);
    expect(kinds(messages)).toEqual(['confirmation', 'event', 'event', 'caughtUp']);
    expect([revisionOf(messages[1]), revisionOf(messages[2])]).toEqual([2n, 3n]);
  });

  test('end delivers only events appended after the confirmation', async () => {
    const stream = uniqueStream();
    await append(client, stream, 3);
    const subscription = subscribe(streamSubscriptionRequest(stream, { from: 'end' }));
    const messages = await subscription.take(2);
    expectConfirmation(messages[0]);
    expectCaughtUp(messages[1]);
    await subscription.expectQuiet();
    await append(client, stream, 1);
    expect(revisionOf(await subscription.next())).toBe(3n);
  });

  test('a revision past the end waits for events after it', async () => {
    const stream = uniqueStream();
    await append(client, stream, 1);
    const subscription = subscribe(streamSubscriptionRequest(stream, { from: 2n }));
    expect(kinds(await subscription.take(2))).toEqual(['confirmation', 'caughtUp']);
    await append(client, stream, 3);
    expect(revisionOf(await subscription.next())).toBe(3n);
  });

  test('a stream that does not exist is not an error: the subscription waits for it', async () => {
    const stream = uniqueStream();
    const subscription = subscribe(streamSubscriptionRequest(stream));
    expect(kinds(await subscription.take(2))).toEqual(['confirmation', 'caughtUp']);
    await subscription.expectQuiet();
    await append(client, stream, 2);
    expect([revisionOf(await subscription.next()), revisionOf(await subscription.next())]).toEqual([0n, 1n]);
  });

  test('a stream tombstoned before the subscription is refused before any confirmation', async () => {
    const stream = uniqueStream();
    await append(client, stream, 1);
    await tombstone(stream);
    const error = await subscribe(streamSubscriptionRequest(stream)).failure();
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.details).toBe(`Event stream '${stream}' is deleted.`);
  });

  test('a tombstone while subscribed: the $streamDeleted event, then stream-deleted', async () => {
    const stream = uniqueStream();
    await append(client, stream, 1);
    const subscription = subscribe(streamSubscriptionRequest(stream));
    expect(kinds(await subscription.take(3))).toEqual(['confirmation', 'event', 'caughtUp']);
    await tombstone(stream);
    const deleted = recorded(eventOf(await subscription.next()));
    expect(deleted.metadata.type).toBe('$streamDeleted');
    expect(deleted.streamRevision).toBe(LONG_MAX);
    const error = await subscription.failure();
    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.details).toBe(`Event stream '${stream}' is deleted.`);
  });

  test('a soft-deleted stream is empty; new appends recreate it and are delivered', async () => {
    const stream = uniqueStream();
    await append(client, stream, 2);
    await client.delete({
      options: {
        streamIdentifier: { streamName: Buffer.from(stream) },
        expectedStreamRevision: { $case: 'any', value: {} },
      },
    });
    const subscription = subscribe(streamSubscriptionRequest(stream));
    expect(kinds(await subscription.take(2))).toEqual(['confirmation', 'caughtUp']);
    await append(client, stream, 1);
    expect(revisionOf(await subscription.next())).toBe(2n);
  });

  test('catching up skips events hidden by $tb', async () => {
    const stream = uniqueStream();
    await append(client, stream, 40);
    await append(client, `$$${stream}`, [{ type: '$metadata', data: '{"$tb":38}' }]);
    const messages = await subscribe(streamSubscriptionRequest(stream)).take(4);
    expect(kinds(messages)).toEqual(['confirmation', 'event', 'event', 'caughtUp']);
    expect([revisionOf(messages[1]), revisionOf(messages[2])]).toEqual([38n, 39n]);
  });

  test('events appended while catching up arrive once each, in order', async () => {
    const stream = uniqueStream();
    await append(client, stream, 50);
    const subscription = subscribe(streamSubscriptionRequest(stream));
    const early = await subscription.take(11);
    await append(client, stream, 20);
    const rest = await subscription.take(61);
    const messages = [...early, ...rest];
    expect(kinds(messages).filter((kind) => kind === 'caughtUp')).toHaveLength(1);
    const numbers = messages.filter((message) => message.content?.$case === 'event').map(revisionOf);
    expect(numbers).toEqual(Array.from({ length: 70 }, (_, i) => BigInt(i)));
    await subscription.expectQuiet();
  });

  test('resolve_links resolves live links', async () => {
    const target = uniqueStream('target');
    const links = uniqueStream('links');
    await append(client, target, [{ type: 'Target' }]);
    const subscription = subscribe(streamSubscriptionRequest(links, { resolveLinks: true }));
    expect(kinds(await subscription.take(2))).toEqual(['confirmation', 'caughtUp']);
    const linkPosition = positionOfAppend(await append(client, links, [{ type: '$>', data: `0@${target}` }]));
    const event = eventOf(await subscription.next());
    expect(recorded(event).metadata.type).toBe('Target');
    expect(event.link?.commitPosition).toBe(linkPosition);
    expect(event.position).toEqual({ $case: 'commitPosition', value: linkPosition });
  });
});

describe('subscriptions to $all (§3.8)', () => {
  test('from start: every record except the default exclusions, caught_up, then live; no checkpoints', async () => {
    const stream = uniqueStream();
    await append(client, stream, 2);
    const subscription = subscribe(allSubscriptionRequest());
    expectConfirmation(await subscription.next());
    const seen: ReadResp[] = [];
    for (
      let message = await subscription.next();
      message.content?.$case !== 'caughtUp';
      message = await subscription.next()
    ) {
      seen.push(message);
    }
    expect(new Set(kinds(seen))).toEqual(new Set(['event']));
    const streams = seen.map((message) => streamOf(recorded(eventOf(message))));
    expect(streams.filter((name) => name === stream)).toHaveLength(2);
    expect(streams).not.toContain('$epoch-information');
    const positions = seen.map((message) => recorded(eventOf(message)).commitPosition);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

    await append(client, stream, 1);
    const live = recorded(eventOf(await subscription.next()));
    expect(streamOf(live)).toBe(stream);
    expect(live.streamRevision).toBe(2n);
  });

  test('a position start point is exclusive; end means only new records', async () => {
    const stream = uniqueStream();
    const p0 = positionOfAppend(await append(client, stream, 1));
    const p1 = positionOfAppend(await append(client, stream, 1));
    const fromP0 = subscribe(allSubscriptionRequest({ from: { commit: p0, prepare: p0 } }));
    const messages = await fromP0.take(3);
    expect(kinds(messages)).toEqual(['confirmation', 'event', 'caughtUp']);
    expect(recorded(eventOf(messages[1])).commitPosition).toBe(p1);

    const fromEnd = subscribe(allSubscriptionRequest({ from: 'end' }));
    expect(kinds(await fromEnd.take(2))).toEqual(['confirmation', 'caughtUp']);
    await fromEnd.expectQuiet();
    const p2 = positionOfAppend(await append(client, stream, 1));
    expect(recorded(eventOf(await fromEnd.next())).commitPosition).toBe(p2);
    expect(recorded(eventOf(await fromP0.next())).commitPosition).toBe(p2);
  });

  test('a start inside a record fails after the confirmation: invalid position', async () => {
    const p0 = positionOfAppend(await append(client, uniqueStream(), 1));
    await append(client, uniqueStream(), 1);
    const subscription = subscribe(allSubscriptionRequest({ from: { commit: p0 + 1n, prepare: p0 + 1n } }));
    expectConfirmation(await subscription.next());
    const error = await subscription.failure();
    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    expect(error.details).toBe('Trying to read from an invalid position.');
  });

  test('a checkpoint interval multiplier of 0 is an unhandled exception before the confirmation (§3.9)', async () => {
    const error = await subscribe(
      allSubscriptionRequest({
        filter: {
          filter: { $case: 'streamIdentifier', value: { prefix: ['x'] } },
          window: { $case: 'count', value: {} },
          checkpointIntervalMultiplier: 0,
        },
      }),
    ).failure();
    expect(error.code).toBe(Status.UNKNOWN);
    expect(error.details).toBe('Exception was thrown by handler.');
  });

  test('a filtered subscription delivers matching records only, and checkpoints once at the end of catching up', async () => {
    const tag = crypto.randomUUID();
    const stream = `filtered-${tag}`;
    await append(client, stream, 2);
    await append(client, uniqueStream(), 1);
    const last = positionOfAppend(await append(client, stream, 1));
    const subscription = subscribe(
      allSubscriptionRequest({
        filter: {
          filter: { $case: 'streamIdentifier', value: { prefix: [stream] } },
          window: { $case: 'count', value: {} },
          checkpointIntervalMultiplier: 1000,
        },
      }),
    );
    const messages = await subscription.take(6);
    expect(kinds(messages)).toEqual(['confirmation', 'event', 'event', 'event', 'checkpoint', 'caughtUp']);
    expect(messages[4]?.content).toEqual({
      $case: 'checkpoint',
      value: { commitPosition: last, preparePosition: last, timestamp: undefined },
    });
    await append(client, uniqueStream(), 1);
    await append(client, stream, 1);
    expect(streamOf(recorded(eventOf(await subscription.next())))).toBe(stream);
  });
});

describe('filtered $all checkpoints, position by position (§3.9; Enumerator.AllSubscriptionFiltered.cs)', () => {
  let own: TestNode;
  beforeAll(async () => {
    own = await startNode();
  });
  afterAll(async () => {
    await stopNode(own);
  });

  test('catch-up checkpoints every interval of records considered, at the page start; live ones every interval of commits', async () => {
    const positions: bigint[] = [];
    for (let i = 0; i < 6; i += 1) positions.push(positionOfAppend(await append(own.client, `s-${i}`, 1)));
    const [q0, q1, , q3, q4, q5] = positions as [bigint, bigint, bigint, bigint, bigint, bigint];
    // Window 1 makes every record a page; multiplier 2 makes the interval 2 records. Nothing matches.
    const subscription = subscribe(
      allSubscriptionRequest({
        from: { commit: q0, prepare: q0 },
        filter: {
          filter: { $case: 'eventType', value: { prefix: ['Wanted'] } },
          window: { $case: 'max', value: 1 },
          checkpointIntervalMultiplier: 2,
        },
      }),
      own.client,
    );
    const catchUp = await subscription.take(5);
    expectConfirmation(catchUp[0]);
    // Pages start at (q0, q0), then at (end of the previous record, 0): q1, q3 and q5 are where pages 2, 4 and 6
    // start. The checkpoint at the end of catching up would repeat (q5, 0), so it is dropped.
    expect(catchUp.slice(1, 4).map((message) => message.content)).toEqual([
      { $case: 'checkpoint', value: { commitPosition: q1, preparePosition: 0n, timestamp: undefined } },
      { $case: 'checkpoint', value: { commitPosition: q3, preparePosition: 0n, timestamp: undefined } },
      { $case: 'checkpoint', value: { commitPosition: q5, preparePosition: 0n, timestamp: undefined } },
    ]);
    expect(q4).toBeGreaterThan(q3);
    expectCaughtUp(catchUp[4]);

    // Live, the service counts every commit since the confirmation and reports every second one.
    const r0 = positionOfAppend(await append(own.client, 'live-0', 1));
    const r1 = positionOfAppend(await append(own.client, 'live-1', 1));
    const wanted = positionOfAppend(await append(own.client, 'live-2', [{ type: 'Wanted' }]));
    const r3 = positionOfAppend(await append(own.client, 'live-3', 1));
    const live = await subscription.take(3);
    expect(r0).toBeLessThan(r1);
    expect(live[0]?.content).toEqual({
      $case: 'checkpoint',
      value: { commitPosition: r1, preparePosition: r1, timestamp: undefined },
    });
    expect(recorded(eventOf(live[1])).commitPosition).toBe(wanted);
    expect(live[2]?.content).toEqual({
      $case: 'checkpoint',
      value: { commitPosition: r3, preparePosition: r3, timestamp: undefined },
    });
  });
});

describe('cancellation', () => {
  test('cancelling subscriptions lets go of the store', async () => {
    // Every subscription the earlier tests cancelled has let go by now.
    expect(await eventually(() => openCommitSignalCount() === 0)).toBe(true);
    const before = openCommitSignalCount();
    const stream = uniqueStream();
    const subscriptions = [
      subscribe(streamSubscriptionRequest(stream)),
      subscribe(allSubscriptionRequest({ from: 'end' })),
      subscribe(
        allSubscriptionRequest({
          from: 'end',
          filter: {
            filter: { $case: 'streamIdentifier', value: { regex: '^x' } },
            window: { $case: 'count', value: {} },
            checkpointIntervalMultiplier: 1,
          },
        }),
      ),
    ];
    for (const subscription of subscriptions)
      expect(kinds(await subscription.take(2))).toEqual(['confirmation', 'caughtUp']);
    expect(openCommitSignalCount()).toBe(before + 3);
    for (const subscription of subscriptions) subscription.cancel();
    expect(await eventually(() => openCommitSignalCount() === before)).toBe(true);
  });

  test('a subscription cancelled while the client is not reading also lets go', async () => {
    expect(await eventually(() => openCommitSignalCount() === 0)).toBe(true);
    const before = openCommitSignalCount();
    const stream = uniqueStream();
    // 2.4 MB: far more than HTTP/2 flow control lets through to a client that does not read, so the server
    // is left waiting for the transport to drain when the call is cancelled.
    const big = { data: `"${'x'.repeat(8000)}"` };
    for (let i = 0; i < 3; i += 1)
      await append(
        client,
        stream,
        Array.from({ length: 100 }, () => big),
      );
    const subscription = subscribe(streamSubscriptionRequest(stream));
    await subscription.take(1);
    subscription.cancel();
    expect(await eventually(() => openCommitSignalCount() === before)).toBe(true);
  });
});
