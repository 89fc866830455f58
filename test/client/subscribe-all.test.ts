// subscribeAllEvents against a server, in insecure and secure mode: the seed README's catch-up subscription
// (recorded events, then live ones on the same subscription), its exclusive start, server-side filters, loops
// that break and resume, close(), cancellation and deadlines, and argument checks. Progress items, stream-name
// filters and links: subscribe-all-progress.test.ts.
import {
  CancelledError,
  DeadlineExceededError,
  ESDB_EVENTS_REGEX,
  EsdbClient,
  NewEvent,
  RecordedEvent,
} from '../../src/client/index.js';
import type { ReadReq } from '../../src/generated/streams.js';
import { eventResponse, startFakeStreamsServer, untilAborted } from './support/fake-streams-server.js';
import { nothingWithin, sleep, take, takeUntil, textEvent, uniqueType } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

jest.setTimeout(30_000);

/** Appends events of `types` (data "0", "1", ...) to a new stream; returns it and each event's position. */
async function appendTypes(
  client: EsdbClient,
  types: readonly string[],
): Promise<{ streamName: string; positions: bigint[] }> {
  const streamName = uniqueStream('subscribe');
  const positions: bigint[] = [];
  for (const [index, type] of types.entries()) {
    positions.push(
      await client.appendEvents({
        streamName,
        expectedPosition: index === 0 ? null : index - 1,
        events: [textEvent(type, String(index))],
      }),
    );
  }
  return { streamName, positions };
}

const typesOf = (events: readonly RecordedEvent[]): string[] => events.map((event) => event.type);

describe.each(MODES)('subscribeAllEvents (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('catches up with recorded events, then receives new ones on the same subscription', async () => {
    const client = target().client();
    const commitPosition = await client.getCommitPosition();
    const streamName2 = uniqueStream('seed');
    await client.appendEvents({
      streamName: streamName2,
      expectedPosition: null,
      events: [
        textEvent('OrderCreated', 'data4'),
        textEvent('OrderUpdated', 'data5'),
        textEvent('OrderDeleted', 'data6'),
      ],
    });
    const subscription = client.subscribeAllEvents({ commitPosition });
    try {
      const caughtUp = await take(subscription, 3);
      expect(caughtUp.map((event) => [event.streamName, textOf(event.data)])).toEqual([
        [streamName2, 'data4'],
        [streamName2, 'data5'],
        [streamName2, 'data6'],
      ]);
      expect(caughtUp.every((event) => event instanceof RecordedEvent)).toBe(true);
      expect(caughtUp[0]?.streamPosition).toBe(0n);
      expect((caughtUp[0]?.commitPosition ?? 0n) > commitPosition).toBe(true);

      // Live: the loop above broke out, the subscription stays open and continues.
      const streamName3 = uniqueStream('seed');
      const live = take(subscription, 3);
      await sleep(50);
      await client.appendEvents({
        streamName: streamName3,
        expectedPosition: null,
        events: [
          textEvent('OrderCreated', 'data7'),
          textEvent('OrderUpdated', 'data8'),
          textEvent('OrderDeleted', 'data9'),
        ],
      });
      expect((await live).map((event) => [event.streamName, textOf(event.data)])).toEqual([
        [streamName3, 'data7'],
        [streamName3, 'data8'],
        [streamName3, 'data9'],
      ]);
    } finally {
      await subscription.close();
    }
  });

  test('the event at commitPosition is not included', async () => {
    const client = target().client();
    const { streamName, positions } = await appendTypes(client, ['First', 'Second', 'Third']);
    const subscription = client.subscribeAllEvents({ commitPosition: positions[0] ?? 0n });
    try {
      const events = await take(subscription, 2);
      expect(events.map((event) => [event.streamName, event.streamPosition, event.type])).toEqual([
        [streamName, 1n, 'Second'],
        [streamName, 2n, 'Third'],
      ]);
      expect(events[0]?.commitPosition).toBe(positions[1]);
    } finally {
      await subscription.close();
    }
  });

  test('without commitPosition, it starts at the first recorded event', async () => {
    const client = target().client();
    const type = uniqueType('FromStart');
    // Recorded before the subscription, found by reading from the very start (filtered to this test's type).
    const { streamName } = await appendTypes(client, [type, 'Other', type]);
    const subscription = client.subscribeAllEvents({ filterInclude: [type] });
    try {
      const events = await take(subscription, 2);
      expect(events.map((event) => [event.streamName, event.streamPosition])).toEqual([
        [streamName, 0n],
        [streamName, 2n],
      ]);
    } finally {
      await subscription.close();
    }
  });

  test('by default system events are left out; an empty filterExclude lets them in', async () => {
    const client = target().client();
    const { streamName, positions } = await appendTypes(client, ['Before']);
    await client.appendEvents({
      streamName: `$$${streamName}`,
      expectedPosition: -1,
      events: [
        new NewEvent({ type: '$metadata', data: utf8('{"$maxCount":10}'), contentType: 'application/json' }),
      ],
    });
    await client.appendEvents({ streamName, expectedPosition: 0, events: [textEvent('After', '1')] });
    const from = positions[0] ?? 0n;

    const filtered = client.subscribeAllEvents({ commitPosition: from });
    const explicit = client.subscribeAllEvents({ commitPosition: from, filterExclude: [ESDB_EVENTS_REGEX] });
    const unfiltered = client.subscribeAllEvents({ commitPosition: from, filterExclude: [] });
    try {
      expect(typesOf(await take(filtered, 1))).toEqual(['After']);
      expect(typesOf(await take(explicit, 1))).toEqual(['After']);
      const all = await takeUntil(unfiltered, (event) => event.type === 'After');
      expect(typesOf(all.filter((event) => event.streamName.endsWith(streamName)))).toEqual([
        '$metadata',
        'After',
      ]);
    } finally {
      await Promise.all([filtered.close(), explicit.close(), unfiltered.close()]);
    }
  });

  test('filterExclude and filterInclude patterns match whole types; filterInclude wins', async () => {
    const client = target().client();
    const { positions } = await appendTypes(client, [
      'OrderCreated',
      'OrderSnapshot',
      'SnapshotTaken',
      'XOrderCreated',
      'Invoiced',
    ]);
    const from = positions[0] ?? 0n;
    const excluding = client.subscribeAllEvents({
      commitPosition: from,
      filterExclude: [ESDB_EVENTS_REGEX, '.*Snapshot'],
    });
    const including = client.subscribeAllEvents({
      commitPosition: from,
      filterInclude: ['Order.*', 'Invoiced'],
      filterExclude: ['.*'],
    });
    try {
      expect(typesOf(await take(excluding, 3))).toEqual(['SnapshotTaken', 'XOrderCreated', 'Invoiced']);
      expect(typesOf(await take(including, 2))).toEqual(['OrderSnapshot', 'Invoiced']);
      // Live events pass the same filter.
      await appendTypes(client, ['OrderShipped', 'Ignored']);
      expect(typesOf(await take(including, 1))).toEqual(['OrderShipped']);
    } finally {
      await Promise.all([excluding.close(), including.close()]);
    }
  });

  test('close() ends a loop that is waiting for an event, and later loops at once', async () => {
    const client = target().client();
    const head = await client.getCommitPosition();
    const subscription = client.subscribeAllEvents({ commitPosition: head, filterInclude: [uniqueType()] });
    const received: RecordedEvent[] = [];
    const loop = (async () => {
      for await (const event of subscription) received.push(event);
      return 'ended';
    })();
    await sleep(100);
    await subscription.close();
    await expect(loop).resolves.toBe('ended');
    expect(received).toEqual([]);
    await expect(take(subscription, 1, 1_000)).resolves.toEqual([]);
    // Closing twice is harmless.
    await subscription.close();
  });

  test('close() before any iteration sends nothing; the subscription is then done', async () => {
    const client = target().client();
    const subscription = client.subscribeAllEvents();
    await subscription.close();
    const iterator = subscription[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  test('closing the client ends open subscriptions quietly', async () => {
    const client = target().client();
    const subscription = client.subscribeAllEvents({ filterInclude: [uniqueType()] });
    const loop = (async () => {
      const events: RecordedEvent[] = [];
      for await (const event of subscription) events.push(event);
      return events;
    })();
    await sleep(100);
    await client.close();
    await expect(loop).resolves.toEqual([]);
  });

  test('aborting the signal fails the loop with CancelledError', async () => {
    const client = target().client();
    const controller = new AbortController();
    const subscription = client.subscribeAllEvents({
      filterInclude: [uniqueType()],
      signal: controller.signal,
    });
    const loop = take(subscription, 1, 10_000);
    await sleep(100);
    controller.abort(new Error('stop'));
    const error = await rejectionOf(loop);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error('stop'));
    await subscription.close();
  });

  test('a timeout fails the loop with DeadlineExceededError; there is no deadline otherwise', async () => {
    const client = target().client();
    const timed = client.subscribeAllEvents({ filterInclude: [uniqueType()], timeout: 200 });
    expect(await rejectionOf(take(timed, 1, 10_000))).toBeInstanceOf(DeadlineExceededError);
    await timed.close();
    // Without a timeout, the client's default deadline (10 s) does not apply to subscriptions: a short
    // defaultDeadline on the client leaves a subscription running past it.
    const shortDeadline = new EsdbClient({
      ...target().hostOptions,
      defaultDeadline: 100,
    });
    const untimed = shortDeadline.subscribeAllEvents({ filterInclude: [uniqueType()] });
    try {
      expect(await nothingWithin(untimed, 400)).toBeUndefined();
    } finally {
      await shortDeadline.close();
    }
  });

  test('bad options are refused before anything is sent', () => {
    const client = target().client();
    expect(() => client.subscribeAllEvents({ commitPosition: -1 })).toThrow(RangeError);
    expect(() => client.subscribeAllEvents({ commitPosition: 1.5 })).toThrow(/commitPosition/);
    expect(() => client.subscribeAllEvents({ filterExclude: 'x' as unknown as string[] })).toThrow(TypeError);
    expect(() => client.subscribeAllEvents({ limit: 1 } as unknown as { timeout: number })).toThrow(
      /unknown option 'limit'/,
    );
    expect(() => client.subscribeAllEvents({ timeout: 0 })).toThrow(RangeError);
    const subscribe = client.subscribeAllEvents.bind(client) as (options?: unknown) => unknown;
    expect(() => subscribe({ filterByStreamName: 'yes' })).toThrow(
      /subscribeAllEvents: filterByStreamName must be a boolean/,
    );
    expect(() => subscribe({ resolveLinks: null })).toThrow(/resolveLinks must be a boolean/);
    expect(() => subscribe({ includeCaughtUp: 1 })).toThrow(/includeCaughtUp must be a boolean/);
    expect(() => subscribe({ includeCheckpoints: 'no' })).toThrow(/includeCheckpoints must be a boolean/);
  });
});

describe('subscribeAllEvents on the wire (scripted server)', () => {
  test('sends a $all subscription request, reads past control messages, and close() cancels the call', async () => {
    const requests: ReadReq[] = [];
    const server = await startFakeStreamsServer({
      async *read(request, context) {
        requests.push(request);
        yield { content: { $case: 'confirmation', value: { subscriptionId: 'abc' } } };
        yield eventResponse('s', 0n, 'One');
        yield { content: { $case: 'checkpoint', value: { commitPosition: 1000n, preparePosition: 1000n } } };
        yield { content: { $case: 'caughtUp', value: {} } };
        yield eventResponse('s', 1n, 'Two');
        await untilAborted(context.signal);
      },
    });
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    try {
      const subscription = client.subscribeAllEvents({ commitPosition: 548, filterExclude: ['Noise'] });
      expect(typesOf(await take(subscription, 2))).toEqual(['One', 'Two']);
      const options = requests[0]?.options;
      expect(options?.countOption?.$case).toBe('subscription');
      expect(options?.streamOption).toEqual({
        $case: 'all',
        value: { allOption: { $case: 'position', value: { commitPosition: 548n, preparePosition: 548n } } },
      });
      const filter = options?.filterOption;
      expect(filter?.$case === 'filter' ? filter.value.filter : undefined).toEqual({
        $case: 'eventType',
        value: { regex: '^(?!(?:Noise)$)', prefix: [] },
      });
      expect(options?.uuidOption?.content?.$case).toBe('string');
      const call = server.calls[0];
      expect(call?.signal.aborted).toBe(false);
      await subscription.close();
      await untilAborted(call?.signal ?? AbortSignal.abort(), 5_000);
      expect(call?.signal.aborted).toBe(true);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
