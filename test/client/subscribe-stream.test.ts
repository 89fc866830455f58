// subscribeStreamEvents against a server, in insecure and secure mode: recorded then live events of one stream,
// the exclusive start, missing, soft-deleted and tombstoned streams, CaughtUp items, resolved links, loops that
// break and resume, close(), cancellation and deadlines, argument checks. The request on the wire:
// subscribe-wire.test.ts.
import {
  CancelledError,
  CaughtUp,
  DeadlineExceededError,
  EsdbClient,
  RecordedEvent,
  StreamDeletedError,
} from '../../src/client/index.js';
import { linkTo, sleep, take, textEvent } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** Appends events with data "<first>", "<first+1>", ... to `streamName`, after its event `first - 1`. */
async function appendNumbered(client: EsdbClient, streamName: string, first: number, count: number) {
  const events = Array.from({ length: count }, (_, index) => textEvent('Numbered', String(first + index)));
  await client.appendEvents({ streamName, expectedPosition: first === 0 ? null : first - 1, events });
}

/** Each item as [stream position, data] for events, or 'caught-up'. */
const summary = (items: readonly (RecordedEvent | CaughtUp)[]): (string | [bigint, string])[] =>
  items.map((item) => (item instanceof CaughtUp ? 'caught-up' : [item.streamPosition, textOf(item.data)]));

describe.each(MODES)('subscribeStreamEvents (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('catches up with the recorded events of the stream, then receives its new ones', async () => {
    const client = target().client();
    const streamName = uniqueStream('orders');
    await appendNumbered(client, streamName, 0, 3);
    await appendNumbered(client, uniqueStream('other'), 0, 2);
    const subscription = client.subscribeStreamEvents({ streamName });
    try {
      const recorded = await take(subscription, 3);
      expect(summary(recorded)).toEqual([
        [0n, '0'],
        [1n, '1'],
        [2n, '2'],
      ]);
      expect(
        recorded.every((event) => event instanceof RecordedEvent && event.streamName === streamName),
      ).toBe(true);
      // Live: another stream's events do not come, this stream's do.
      await appendNumbered(client, uniqueStream('other'), 0, 1);
      await appendNumbered(client, streamName, 3, 2);
      expect(summary(await take(subscription, 2))).toEqual([
        [3n, '3'],
        [4n, '4'],
      ]);
    } finally {
      await subscription.close();
    }
  });

  test('the event at streamPosition is not included; number and bigint positions both work', async () => {
    const client = target().client();
    const streamName = uniqueStream('exclusive');
    await appendNumbered(client, streamName, 0, 4);
    const fromNumber = client.subscribeStreamEvents({ streamName, streamPosition: 1 });
    const fromBigint = client.subscribeStreamEvents({ streamName, streamPosition: 2n });
    try {
      expect(summary(await take(fromNumber, 2))).toEqual([
        [2n, '2'],
        [3n, '3'],
      ]);
      expect(summary(await take(fromBigint, 1))).toEqual([[3n, '3']]);
    } finally {
      await Promise.all([fromNumber.close(), fromBigint.close()]);
    }
  });

  test('a missing stream is not an error: the subscription waits for its first events', async () => {
    const client = target().client();
    const streamName = uniqueStream('later');
    const subscription = client.subscribeStreamEvents({ streamName });
    try {
      let settled = false;
      const events = take(subscription, 2, 10_000).finally(() => {
        settled = true;
      });
      await sleep(300);
      // Neither an event nor an error while the stream does not exist.
      expect(settled).toBe(false);
      await appendNumbered(client, streamName, 0, 2);
      expect(summary(await events)).toEqual([
        [0n, '0'],
        [1n, '1'],
      ]);
    } finally {
      await subscription.close();
    }
  });

  test('includeCaughtUp: CaughtUp follows the recorded events and comes before live ones', async () => {
    const client = target().client();
    const streamName = uniqueStream('caught-up');
    await appendNumbered(client, streamName, 0, 2);
    const subscription = client.subscribeStreamEvents({ streamName, includeCaughtUp: true });
    const missing = client.subscribeStreamEvents({
      streamName: uniqueStream('missing'),
      includeCaughtUp: true,
    });
    try {
      const recorded = await take(subscription, 3);
      expect(summary(recorded)).toEqual([[0n, '0'], [1n, '1'], 'caught-up']);
      expect(recorded[2]).toBeInstanceOf(CaughtUp);
      await appendNumbered(client, streamName, 2, 1);
      expect(summary(await take(subscription, 1))).toEqual([[2n, '2']]);
      // Nothing to catch up on: CaughtUp comes at once.
      expect(summary(await take(missing, 1))).toEqual(['caught-up']);
    } finally {
      await Promise.all([subscription.close(), missing.close()]);
    }
  });

  test('a soft-deleted stream is empty; its new events come when it is written to again', async () => {
    const client = target().client();
    const streamName = uniqueStream('soft');
    await appendNumbered(client, streamName, 0, 3);
    await client.deleteStream({ streamName });
    const subscription = client.subscribeStreamEvents({ streamName, includeCaughtUp: true });
    try {
      expect(summary(await take(subscription, 1))).toEqual(['caught-up']);
      // Recreated: the numbering goes on after the deleted events (§3.13).
      await client.appendEvents({ streamName, expectedPosition: -1, events: [textEvent('Again', 'again')] });
      expect(summary(await take(subscription, 1))).toEqual([[3n, 'again']]);
    } finally {
      await subscription.close();
    }
  });

  test('a tombstoned stream fails the subscription with StreamDeletedError', async () => {
    const client = target().client();
    const streamName = uniqueStream('tombstoned');
    await appendNumbered(client, streamName, 0, 1);
    await client.tombstoneStream({ streamName });
    const subscription = client.subscribeStreamEvents({ streamName });
    const error = await rejectionOf(take(subscription, 1));
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(streamName);
    // The subscription is over: later loops end at once.
    await expect(take(subscription, 1, 1_000)).resolves.toEqual([]);
    await subscription.close();
  });

  test('a stream tombstoned while subscribed: its $streamDeleted event, then StreamDeletedError', async () => {
    const client = target().client();
    const streamName = uniqueStream('tombstoned-live');
    await appendNumbered(client, streamName, 0, 1);
    const subscription = client.subscribeStreamEvents({ streamName });
    try {
      expect(summary(await take(subscription, 1))).toEqual([[0n, '0']]);
      const seen: RecordedEvent[] = [];
      // Watched from the start: the loop may fail before the tombstone's own answer arrives.
      const failure = rejectionOf(
        (async () => {
          for await (const event of subscription) seen.push(event);
        })(),
      );
      await sleep(50);
      await client.tombstoneStream({ streamName });
      expect(await failure).toBeInstanceOf(StreamDeletedError);
      expect(seen.map((event) => [event.streamName, event.type])).toEqual([[streamName, '$streamDeleted']]);
    } finally {
      await subscription.close();
    }
  });

  test('resolveLinks delivers the events that links point to, recorded and live', async () => {
    const client = target().client();
    const targetStream = uniqueStream('linked');
    await client.appendEvents({
      streamName: targetStream,
      expectedPosition: null,
      events: [textEvent('Placed', 'placed'), textEvent('Paid', 'paid')],
    });
    const linkStream = uniqueStream('links');
    await client.appendEvents({
      streamName: linkStream,
      expectedPosition: null,
      events: [linkTo(1, targetStream), linkTo(0, targetStream)],
    });
    const resolved = client.subscribeStreamEvents({ streamName: linkStream, resolveLinks: true });
    const unresolved = client.subscribeStreamEvents({ streamName: linkStream });
    const asTarget = (event: RecordedEvent) => [
      event.streamName,
      event.streamPosition,
      event.type,
      textOf(event.data),
    ];
    try {
      const recorded = await take(resolved, 2);
      expect(recorded.map(asTarget)).toEqual([
        [targetStream, 1n, 'Paid', 'paid'],
        [targetStream, 0n, 'Placed', 'placed'],
      ]);
      // Each resolved event carries the link record it was reached through.
      expect(recorded.map((event) => event.link && asTarget(event.link))).toEqual([
        [linkStream, 0n, '$>', `1@${targetStream}`],
        [linkStream, 1n, '$>', `0@${targetStream}`],
      ]);
      const links = await take(unresolved, 2);
      expect(links.map(asTarget)).toEqual([
        [linkStream, 0n, '$>', `1@${targetStream}`],
        [linkStream, 1n, '$>', `0@${targetStream}`],
      ]);
      expect(links.map((event) => event.link)).toEqual([undefined, undefined]);
      await client.appendEvents({
        streamName: linkStream,
        expectedPosition: 1,
        events: [linkTo(1, targetStream)],
      });
      expect((await take(resolved, 1)).map(asTarget)).toEqual([[targetStream, 1n, 'Paid', 'paid']]);
    } finally {
      await Promise.all([resolved.close(), unresolved.close()]);
    }
  });

  test('loops take turns: break keeps the subscription, close() ends a waiting loop and later ones', async () => {
    const client = target().client();
    const streamName = uniqueStream('turns');
    await appendNumbered(client, streamName, 0, 3);
    const subscription = client.subscribeStreamEvents({ streamName });
    expect(summary(await take(subscription, 1))).toEqual([[0n, '0']]);
    expect(summary(await take(subscription, 2))).toEqual([
      [1n, '1'],
      [2n, '2'],
    ]);
    const loop = (async () => {
      const events: RecordedEvent[] = [];
      for await (const event of subscription) events.push(event);
      return events;
    })();
    await sleep(100);
    await subscription.close();
    await expect(loop).resolves.toEqual([]);
    await expect(take(subscription, 1, 1_000)).resolves.toEqual([]);
    await subscription.close();
  });

  test('aborting the signal fails the loop with CancelledError; a timeout with DeadlineExceededError', async () => {
    const client = target().client();
    const controller = new AbortController();
    const aborted = client.subscribeStreamEvents({
      streamName: uniqueStream('abort'),
      signal: controller.signal,
    });
    const loop = take(aborted, 1, 10_000);
    await sleep(100);
    controller.abort(new Error('enough'));
    const error = await rejectionOf(loop);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error('enough'));
    await aborted.close();

    const timed = client.subscribeStreamEvents({ streamName: uniqueStream('timed'), timeout: 200 });
    expect(await rejectionOf(take(timed, 1, 10_000))).toBeInstanceOf(DeadlineExceededError);
    await timed.close();
  });

  test('bad options are refused before anything is sent', () => {
    const client = target().client();
    const streamName = uniqueStream('bad');
    const subscribe = client.subscribeStreamEvents.bind(client) as (options?: unknown) => unknown;
    expect(() => subscribe()).toThrow(TypeError);
    expect(() => subscribe({})).toThrow(/subscribeStreamEvents: streamName must be a string/);
    expect(() => subscribe({ streamName: '' })).toThrow(/streamName must not be empty/);
    expect(() => subscribe({ streamName, streamPosition: -1 })).toThrow(RangeError);
    expect(() => subscribe({ streamName, streamPosition: 1.5 })).toThrow(/streamPosition/);
    expect(() => subscribe({ streamName, resolveLinks: 'yes' })).toThrow(/resolveLinks must be a boolean/);
    expect(() => subscribe({ streamName, includeCaughtUp: 1 })).toThrow(/includeCaughtUp must be a boolean/);
    // Checkpoints belong to filtered subscriptions to all streams.
    expect(() => subscribe({ streamName, includeCheckpoints: true })).toThrow(
      /unknown option 'includeCheckpoints'/,
    );
    expect(() => subscribe({ streamName, timeout: 0 })).toThrow(RangeError);
  });
});
