// Subscriptions that survive connection loss (issue 12 §1), against a durable emulator restarted mid-stream:
// every event exactly once, in order, and no error; `resubscribe: false` ends as before.
import {
  type PersistentRecordedEvent,
  ProtocolError,
  ServiceUnavailableError,
  SubscriptionNotFoundError,
} from '../../src/client/index.js';
import { nothingWithin } from './support/subscriptions.js';
import {
  appendPatiently,
  collect,
  type DurableNode,
  eventually,
  startDurableNode,
} from './support/durable-node.js';
import { AGAINST_EMULATOR, MODES, uniqueStream } from './support/target.js';

jest.setTimeout(120_000);

/** The faults a subscription must survive: the emulator's fault controls. */
const FAULTS: readonly [string, (node: DurableNode) => Promise<void>][] = [
  ['two restarts', (node) => node.restart()],
  [
    'two dropped connections',
    (node) => {
      node.emulator.dropConnections();
      return Promise.resolve();
    },
  ],
];

const describeOnEmulator = AGAINST_EMULATOR ? describe.each(MODES) : describe.skip.each(MODES);

describeOnEmulator('subscriptions across faults of a durable node (%s)', (mode) => {
  let node: DurableNode;

  beforeEach(async () => {
    node = await startDurableNode(mode);
  });

  afterEach(async () => {
    await node.stop();
  });

  test.each(FAULTS)(
    'a stream and a filtered $all subscription deliver every event once, in order, across %s',
    async (_name, fault) => {
      const client = node.client();
      const streamName = uniqueStream('heal');
      await appendPatiently(client, streamName, 50);
      const reconnects: number[] = [];
      const onReconnect = ({ attempt }: { attempt: number }): void => {
        reconnects.push(attempt);
      };
      const stream = client.subscribeStreamEvents({ streamName, onReconnect });
      const all = client.subscribeAllEvents({
        filterInclude: [streamName],
        filterByStreamName: true,
        includeCheckpoints: true,
        onReconnect,
      });
      const fromStream = collect(stream);
      const fromAll = collect(all);
      await eventually(
        () => fromStream.ids.length >= 50 && fromAll.ids.length >= 50,
        () => `${fromStream.ids.length} and ${fromAll.ids.length} of 50 before the restart`,
      );
      // Appended while the subscriptions are live, with the restart in the middle: some appends wait for the node.
      await appendPatiently(client, streamName, 100, async (index) => {
        if (index === 40 || index === 70) await fault(node);
      });
      const stored = (await client.readStreamEvents({ streamName }).toArray()).map((event) => event.id);
      expect(stored).toHaveLength(150);
      await eventually(
        () => fromStream.ids.length >= 150 && fromAll.ids.length >= 150,
        () => `${fromStream.ids.length} and ${fromAll.ids.length} of 150`,
      );
      expect(fromStream.ids).toEqual(stored);
      expect(fromAll.ids).toEqual(stored);
      expect(reconnects.length).toBeGreaterThanOrEqual(2);
      await stream.close();
      await all.close();
      expect(await fromStream.ended).toBe('done');
      expect(await fromAll.ended).toBe('done');
    },
  );

  test('with resubscribe: false a dropped connection ends the subscription with its error, as before', async () => {
    const client = node.client();
    const streamName = uniqueStream('no-heal');
    await appendPatiently(client, streamName, 3);
    const subscription = client.subscribeStreamEvents({ streamName, resubscribe: false });
    const collector = collect(subscription);
    await eventually(
      () => collector.ids.length === 3,
      () => `${collector.ids.length} of 3`,
    );
    node.emulator.dropConnections();
    // grpc-js reports the cut as a dropped connection, or as a stream that ended without a status (§4.1).
    const ended = await collector.ended;
    expect(ended instanceof ServiceUnavailableError || ended instanceof ProtocolError).toBe(true);
    expect(collector.ids).toHaveLength(3);
    await subscription.close();
  });

  test('a frozen node (a half-open connection) is noticed by keepalive; the subscription carries on after it', async () => {
    const client = node.client({ keepAliveInterval: 500, keepAliveTimeout: 500 });
    const streamName = uniqueStream('frozen');
    await appendPatiently(client, streamName, 1);
    const errors: string[] = [];
    const subscription = client.subscribeStreamEvents({
      streamName,
      onReconnect: ({ error }) => errors.push(error.name),
    });
    const collector = collect(subscription);
    await eventually(
      () => collector.ids.length === 1,
      () => 'the first event',
    );
    node.emulator.freeze();
    await eventually(
      () => errors.length > 0,
      () => `keepalive to notice the frozen node: ${collector.ids.length}`,
      10_000,
    );
    node.emulator.resume();
    await appendPatiently(client, streamName, 1);
    await eventually(
      () => collector.ids.length === 2,
      () => 'the event appended after the node resumed',
    );
    expect(errors[0]).toBe('ServiceUnavailableError');
    await subscription.close();
  });

  test('a subscription that has delivered nothing yet resubscribes from its original start', async () => {
    const client = node.client();
    const streamName = uniqueStream('heal-empty');
    await appendPatiently(client, streamName, 5);
    const subscription = client.subscribeStreamEvents({ streamName, streamPosition: 4 });
    const collector = collect(subscription);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await node.restart();
    await appendPatiently(client, streamName, 2);
    await eventually(
      () => collector.ids.length === 2,
      () => `${collector.ids.length} of 2`,
    );
    const stored = (await client.readStreamEvents({ streamName }).toArray()).map((event) => event.id);
    expect(collector.ids).toEqual(stored.slice(5));
    await subscription.close();
  });

  test('a persistent consumer reconnects to its group; acks given before the break are not lost', async () => {
    const client = node.client();
    const streamName = uniqueStream('heal-group');
    const groupName = `g-${streamName}`;
    await client.createStreamSubscription({ groupName, streamName, messageTimeout: 60_000 });
    await appendPatiently(client, streamName, 20);
    // Acks wait up to 10 s to be sent: those given before the break are still waiting when it comes.
    const [readReq, readResp] = client.readStreamSubscription({
      groupName,
      streamName,
      maxAckDelay: 10_000,
      maxAckBatchSize: 1000,
    });
    const received: PersistentRecordedEvent[] = [];
    const collector = collect(readResp, (event) => {
      received.push(event);
      readReq.ack(event);
    });
    await eventually(
      () => received.length >= 10,
      () => `${received.length} of 10`,
    );
    await node.restart();
    await eventually(
      () => received.length >= 20,
      () => `${received.length} of 20`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stored = (await client.readStreamEvents({ streamName }).toArray()).map((event) => event.id);
    // Each event once: the restarted node resumed the group from its last checkpoint (none yet: the acks had
    // not reached it), and the consumer settled again those it had acked instead of delivering them twice.
    expect(received.map((event) => event.id)).toEqual(stored);
    await readResp.close();
    expect(await collector.ended).toBe('done');
    // Every ack reached the group: a new consumer is given nothing.
    const [, again] = client.readStreamSubscription({ groupName, streamName });
    expect(await nothingWithin(again, 1000)).toBeUndefined();
    await again.close();
  });

  test('a persistent consumer of a deleted group ends with SubscriptionNotFoundError', async () => {
    const client = node.client();
    const streamName = uniqueStream('gone-group');
    const groupName = `g-${streamName}`;
    await client.createStreamSubscription({ groupName, streamName });
    await appendPatiently(client, streamName, 1);
    const [, readResp] = client.readStreamSubscription({
      groupName,
      streamName,
      resubscribe: { initialDelay: 1 },
    });
    const collector = collect(readResp);
    await eventually(
      () => collector.ids.length === 1,
      () => 'the first event',
    );
    await client.deleteSubscription({ groupName, streamName });
    expect(await collector.ended).toBeInstanceOf(SubscriptionNotFoundError);
    await readResp.close();
  });

  test('a persistent consumer keeps reading when its group is updated (the server drops its consumers)', async () => {
    const client = node.client();
    const streamName = uniqueStream('updated-group');
    const groupName = `g-${streamName}`;
    await client.createStreamSubscription({ groupName, streamName });
    await appendPatiently(client, streamName, 2);
    const errors: string[] = [];
    const [readReq, readResp] = client.readStreamSubscription({
      groupName,
      streamName,
      resubscribe: { initialDelay: 1 },
      onReconnect: ({ error }) => errors.push(error.name),
    });
    const collector = collect(readResp, (event) => {
      readReq.ack(event);
    });
    await eventually(
      () => collector.ids.length === 2,
      () => 'the first two events',
    );
    await client.updateSubscription({ groupName, streamName, messageTimeout: 5_000 });
    await appendPatiently(client, streamName, 1);
    const stored = (await client.readStreamEvents({ streamName }).toArray()).map((event) => event.id);
    await eventually(
      () => collector.ids.includes(stored[2] ?? ''),
      () => `the event appended after the update, in ${collector.ids.length}`,
    );
    expect(errors).toContain('SubscriptionDroppedError');
    // The rebuilt group resumes from its last checkpoint; what this consumer had acked since is not repeated.
    expect(collector.ids).toEqual(stored);
    await readResp.close();
    expect(await collector.ended).toBe('done');
  });

  test('a persistent consumer across a dropped connection: the server retries its in-flight events; the acked ones are not given again', async () => {
    const client = node.client();
    const streamName = uniqueStream('dropped-group');
    const groupName = `g-${streamName}`;
    await client.createStreamSubscription({ groupName, streamName, messageTimeout: 60_000 });
    await appendPatiently(client, streamName, 20);
    const [readReq, readResp] = client.readStreamSubscription({
      groupName,
      streamName,
      maxAckDelay: 10_000,
      maxAckBatchSize: 1000,
    });
    // The loop acks the first ten events and waits while the connection drops: their acks are still waiting
    // to be sent. It leaves the next ten unacked at their first delivery, as if it had failed on them.
    let dropped: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (dropped = resolve));
    const received: PersistentRecordedEvent[] = [];
    const loop = (async () => {
      for await (const event of readResp) {
        received.push(event);
        const position = Number(event.streamPosition);
        if (position < 10 || position >= 20 || event.retryCount > 0) readReq.ack(event);
        if (received.length === 10) await gate;
        if (position === 24) break;
      }
    })();
    await eventually(
      () => received.length === 10,
      () => `${received.length} of 10`,
    );
    node.emulator.dropConnections();
    dropped();
    await appendPatiently(client, streamName, 5);
    await loop;
    const seen = (from: number, to: number, retryCount: number): number[] =>
      received
        .filter((event) => event.retryCount === retryCount)
        .map((event) => Number(event.streamPosition))
        .filter((position) => position >= from && position < to);
    const range = (from: number, to: number): number[] =>
      Array.from({ length: to - from }, (_, i) => from + i);
    // Acked before the break: given once. The server retried the dropped consumer's in-flight events
    // (§3.14.3): the acked ones were settled again on the new call, the unacked ones came again with retryCount 1.
    expect(seen(0, 10, 0)).toEqual(range(0, 10));
    expect(received.filter((event) => event.streamPosition < 10n)).toHaveLength(10);
    expect(seen(10, 20, 1)).toEqual(range(10, 20));
    expect(seen(20, 25, 0)).toEqual(range(20, 25));
    expect(received.every((event) => event.retryCount <= 1)).toBe(true);
    expect(await nothingWithin(readResp, 500)).toBeUndefined();
    await readResp.close();
    const [, again] = client.readStreamSubscription({ groupName, streamName });
    expect(await nothingWithin(again, 1000)).toBeUndefined();
    await again.close();
  });
});
