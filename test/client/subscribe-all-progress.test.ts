// subscribeAllEvents' progress items and options beyond the seed's, against a server in insecure and secure
// mode: CaughtUp after the recorded events, checkpoints of filtered subscriptions and resuming from them,
// filters on stream names, resolved links; and, on a fresh emulator, the checkpoint that is no position.
import { CaughtUp, Checkpoint, EsdbClient, NewEvent, RecordedEvent } from '../../src/client/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { linkTo, take, takeUntil, textEvent, uniqueType } from './support/subscriptions.js';
import { AGAINST_EMULATOR, MODES, textOf, uniqueStream, useClientTarget, utf8 } from './support/target.js';

jest.setTimeout(30_000);

const isEvent = (item: RecordedEvent | CaughtUp | Checkpoint): item is RecordedEvent =>
  item instanceof RecordedEvent;

/** Each item as its data for events (the tests' labels), or 'caught-up', or 'checkpoint'. */
const labelsOf = (items: readonly (RecordedEvent | CaughtUp | Checkpoint)[]): string[] =>
  items.map((item) =>
    item instanceof CaughtUp ? 'caught-up' : isEvent(item) ? textOf(item.data) : 'checkpoint',
  );

/** `count` events of a type no filter here includes. */
const noise = (count: number): NewEvent[] =>
  Array.from({ length: count }, (_, index) => textEvent('Noise', String(index)));

/**
 * Appends three events of type `rare` (data "0", "1", "2") with more than a checkpoint interval (5 × 32 records
 * considered, docs/protocol.md §3.9) of noise between them; returns the stream and the last one's position.
 */
async function appendRareAmongNoise(
  client: EsdbClient,
  rare: string,
): Promise<{ streamName: string; lastRare: bigint }> {
  const streamName = uniqueStream('checkpoints');
  let lastRare = 0n;
  for (const label of ['0', '1', '2']) {
    if (label !== '0') await client.appendEvents({ streamName, expectedPosition: -1, events: noise(200) });
    lastRare = await client.appendEvents({
      streamName,
      expectedPosition: -1,
      events: [textEvent(rare, label)],
    });
  }
  return { streamName, lastRare };
}

/**
 * Checks each checkpoint of `items` (a subscription to `rare` events that started after `start`): it is not
 * before the event delivered before it, it is before the event delivered after it, and a subscription resumed
 * from it receives that event first (§3.9.1).
 */
async function expectResumable(
  client: EsdbClient,
  rare: string,
  items: readonly (RecordedEvent | Checkpoint)[],
  start: bigint,
): Promise<void> {
  for (const [index, item] of items.entries()) {
    if (!(item instanceof Checkpoint)) continue;
    const before = items.slice(0, index).filter(isEvent).at(-1);
    const after = items.slice(index + 1).find(isEvent);
    expect(item.commitPosition).toBeGreaterThanOrEqual(before?.commitPosition ?? start);
    if (after === undefined) continue;
    expect(item.commitPosition).toBeLessThan(after.commitPosition);
    const resumed = client.subscribeAllEvents({ commitPosition: item.commitPosition, filterInclude: [rare] });
    try {
      expect((await take(resumed, 1))[0]?.id).toBe(after.id);
    } finally {
      await resumed.close();
    }
  }
}

describe.each(MODES)('subscribeAllEvents with progress items and other options (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('includeCaughtUp: CaughtUp follows the recorded events and comes before live ones', async () => {
    const client = target().client();
    const type = uniqueType('CaughtUp');
    const head = await client.getCommitPosition();
    const streamName = uniqueStream('caught-up');
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [textEvent(type, '0'), textEvent(type, '1')],
    });
    const filtered = client.subscribeAllEvents({
      commitPosition: head,
      filterInclude: [type],
      includeCaughtUp: true,
    });
    const unfiltered = client.subscribeAllEvents({
      commitPosition: head,
      filterExclude: [],
      includeCaughtUp: true,
    });
    try {
      expect(labelsOf(await take(filtered, 3))).toEqual(['0', '1', 'caught-up']);
      const recorded = await takeUntil(unfiltered, (item) => item instanceof CaughtUp);
      expect(labelsOf(recorded.filter((item) => !isEvent(item) || item.streamName === streamName))).toEqual([
        '0',
        '1',
        'caught-up',
      ]);
      await client.appendEvents({ streamName, expectedPosition: 1, events: [textEvent(type, '2')] });
      expect(labelsOf(await take(filtered, 1))).toEqual(['2']);
    } finally {
      await Promise.all([filtered.close(), unfiltered.close()]);
    }
  });

  test('includeCheckpoints: checkpoints come while nothing matches; resuming from one neither skips nor repeats', async () => {
    const client = target().client();
    const rare = uniqueType('Rare');
    const head = await client.getCommitPosition();
    const { streamName, lastRare } = await appendRareAmongNoise(client, rare);
    const subscription = client.subscribeAllEvents({
      commitPosition: head,
      filterInclude: [rare],
      includeCheckpoints: true,
    });
    try {
      // Catching up: the checkpoints between the events, and one at the end of the recorded events.
      const recorded = await takeUntil(
        subscription,
        (item) => item instanceof Checkpoint && item.commitPosition >= lastRare,
      );
      const labels = labelsOf(recorded);
      expect(labels.filter((label) => label !== 'checkpoint')).toEqual(['0', '1', '2']);
      expect(labels.slice(labels.indexOf('0'), labels.indexOf('1'))).toContain('checkpoint');
      expect(labels.slice(labels.indexOf('1'), labels.indexOf('2'))).toContain('checkpoint');
      expect(recorded.at(-1)).toEqual(new Checkpoint(lastRare));
      await expectResumable(client, rare, recorded, head);

      // Live: a checkpoint after an interval's worth of noise, then the next rare event.
      await client.appendEvents({ streamName, expectedPosition: -1, events: noise(200) });
      const live = await take(subscription, 1);
      expect(live[0]).toBeInstanceOf(Checkpoint);
      await client.appendEvents({ streamName, expectedPosition: -1, events: [textEvent(rare, '3')] });
      live.push(...(await takeUntil(subscription, isEvent)));
      expect(labelsOf(live)).toEqual(['checkpoint', '3']);
      await expectResumable(client, rare, live, lastRare);
    } finally {
      await subscription.close();
    }
  });

  test('filterByStreamName: the filters match stream names instead of event types', async () => {
    const client = target().client();
    const head = await client.getCommitPosition();
    const prefix = uniqueType('shop');
    const cart = `${prefix}-cart`;
    const invoice = `${prefix}-invoice`;
    await client.appendEvents({
      streamName: cart,
      expectedPosition: null,
      events: [textEvent('Added', 'a')],
    });
    await client.appendEvents({
      streamName: invoice,
      expectedPosition: null,
      events: [textEvent('Added', 'i')],
    });
    // A link event (a system event type) in the cart stream, and metadata in a system stream ($$…).
    await client.appendEvents({ streamName: cart, expectedPosition: 0, events: [linkTo(0, invoice)] });
    await client.appendEvents({
      streamName: `$$${cart}`,
      expectedPosition: -1,
      events: [new NewEvent({ type: '$metadata', data: utf8('{}'), contentType: 'application/json' })],
    });
    await client.appendEvents({ streamName: cart, expectedPosition: 1, events: [textEvent('Closed', 'c')] });

    const onlyCart = client.subscribeAllEvents({
      commitPosition: head,
      filterByStreamName: true,
      filterInclude: [`${prefix}-cart`],
    });
    const noSystemStreams = client.subscribeAllEvents({ commitPosition: head, filterByStreamName: true });
    const noSystemTypes = client.subscribeAllEvents({ commitPosition: head });
    const isClosed = (event: RecordedEvent) => event.streamName === cart && event.type === 'Closed';
    const ours = (events: RecordedEvent[]) =>
      events
        .filter((event) => event.streamName.includes(prefix))
        .map((event) => [event.streamName, event.type]);
    try {
      expect(ours(await take(onlyCart, 3))).toEqual([
        [cart, 'Added'],
        [cart, '$>'],
        [cart, 'Closed'],
      ]);
      // The default filterExclude, [ESDB_EVENTS_REGEX], then leaves out system streams: the metadata.
      expect(ours(await takeUntil(noSystemStreams, isClosed))).toEqual([
        [cart, 'Added'],
        [invoice, 'Added'],
        [cart, '$>'],
        [cart, 'Closed'],
      ]);
      // By event type it leaves out system event types: the link and the metadata.
      expect(ours(await takeUntil(noSystemTypes, isClosed))).toEqual([
        [cart, 'Added'],
        [invoice, 'Added'],
        [cart, 'Closed'],
      ]);
    } finally {
      await Promise.all([onlyCart.close(), noSystemStreams.close(), noSystemTypes.close()]);
    }
  });

  test('resolveLinks delivers the events that links point to', async () => {
    const client = target().client();
    const head = await client.getCommitPosition();
    const targetStream = uniqueStream('linked');
    const linkStream = uniqueStream('links');
    await client.appendEvents({
      streamName: targetStream,
      expectedPosition: null,
      events: [textEvent('Placed', 'placed')],
    });
    await client.appendEvents({
      streamName: linkStream,
      expectedPosition: null,
      events: [linkTo(0, targetStream)],
    });
    // Filters see the link itself (§3.9): select it by its stream.
    const options = { commitPosition: head, filterByStreamName: true, filterInclude: [linkStream] };
    const resolved = client.subscribeAllEvents({ ...options, resolveLinks: true });
    const unresolved = client.subscribeAllEvents(options);
    const summary = (event: RecordedEvent) => [
      event.streamName,
      event.streamPosition,
      event.type,
      textOf(event.data),
    ];
    try {
      const [event] = await take(resolved, 1);
      expect(event && summary(event)).toEqual([targetStream, 0n, 'Placed', 'placed']);
      expect(event?.link && summary(event.link)).toEqual([linkStream, 0n, '$>', `0@${targetStream}`]);
      expect((await take(unresolved, 1)).map(summary)).toEqual([[linkStream, 0n, '$>', `0@${targetStream}`]]);
    } finally {
      await Promise.all([resolved.close(), unresolved.close()]);
    }
  });
});

describe('subscribeAllEvents on a fresh database (emulator only)', () => {
  test('a checkpoint before anything was looked at is not passed on', async () => {
    if (!AGAINST_EMULATOR) return; // it needs a database with fewer records than a checkpoint interval
    const emulator = await startEmulator();
    const client = new EsdbClient({ uri: emulator.uri });
    try {
      // Nothing matches, and the log ends before a checkpoint interval: the server's checkpoint at the end of
      // catching up is (-1, -1), no position to resume from (§3.9.1).
      const subscription = client.subscribeAllEvents({
        filterInclude: [uniqueType()],
        includeCaughtUp: true,
        includeCheckpoints: true,
      });
      const items = await take(subscription, 1);
      expect(items).toEqual([new CaughtUp()]);
      await subscription.close();
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});
