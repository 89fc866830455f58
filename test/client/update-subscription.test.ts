// updateSubscription against a server, in insecure and secure mode: the settings given change and the others
// stay as they were, on both kinds of group; the start stays unless a start option is given; the filter of a
// group on $all stays; connected consumers are dropped; a missing group; the strategy an update cannot send;
// the rules between settings given and the group's own; bad options.
import {
  CancelledError,
  type EsdbClient,
  type PersistentSubscriptionSettings,
  SubscriptionDroppedError,
  SubscriptionNotFoundError,
} from '../../src/client/index.js';
import { take, textEvent, uniqueGroup, uniqueType } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** Settings none of which is a default, so that a reset to defaults would show. */
const CREATED_WITH: Required<PersistentSubscriptionSettings> = {
  resolveLinks: true,
  extraStatistics: true,
  messageTimeout: 12_345,
  maxRetryCount: 3,
  minCheckpointCount: 7,
  maxCheckpointCount: 77,
  checkpointAfter: 0,
  maxSubscriberCount: 9,
  liveBufferSize: 321,
  readBatchSize: 33,
  historyBufferSize: 444,
  consumerStrategy: 'RoundRobin',
};

/** A new stream with `count` events; the commit position of its last event. */
async function appendCounted(
  client: EsdbClient,
  count: number,
): Promise<{ streamName: string; last: bigint }> {
  const streamName = uniqueStream('update');
  const events = Array.from({ length: count }, (_, index) => textEvent('Counted', String(index)));
  const last = await client.appendEvents({ streamName, expectedPosition: null, events });
  return { streamName, last };
}

describe.each(MODES)('updateSubscription (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('settings', () => {
    test('a group on $all: the settings given change, the others stay as they were', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, ...CREATED_WITH });
      await client.updateSubscription({ groupName, maxSubscriberCount: 2, consumerStrategy: 'Pinned' });
      const info = await client.getSubscriptionInfo({ groupName });
      expect(info.settings).toEqual({ ...CREATED_WITH, maxSubscriberCount: 2, consumerStrategy: 'Pinned' });
    });

    test('a group on a stream: the settings given change, the others stay as they were', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const streamName = uniqueStream('update-settings');
      await client.createStreamSubscription({ groupName, streamName, ...CREATED_WITH });
      await client.updateSubscription({ groupName, streamName, messageTimeout: 60_000, resolveLinks: false });
      const info = await client.getSubscriptionInfo({ groupName, streamName });
      expect(info.settings).toEqual({ ...CREATED_WITH, messageTimeout: 60_000, resolveLinks: false });
    });

    test('an update with no changes leaves the group as it was', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, ...CREATED_WITH });
      const before = await client.getSubscriptionInfo({ groupName });
      await client.updateSubscription({ groupName });
      const after = await client.getSubscriptionInfo({ groupName });
      expect([after.settings, after.startFrom]).toEqual([before.settings, before.startFrom]);
    });

    test('a setting given is checked with the group’s own: readBatchSize against its historyBufferSize', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, historyBufferSize: 300, readBatchSize: 100 });
      const error = await rejectionOf(client.updateSubscription({ groupName, readBatchSize: 300 }));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(
        'updateSubscription: readBatchSize (300) must be less than historyBufferSize (300)',
      );
      expect((await client.getSubscriptionInfo({ groupName })).settings.readBatchSize).toBe(100);
    });
  });

  describe('start', () => {
    test('a group on $all keeps its start unless a start option is given', async () => {
      const client = target().client();
      const { last } = await appendCounted(client, 1);
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, commitPosition: last });
      await client.updateSubscription({ groupName, maxRetryCount: 1 });
      expect((await client.getSubscriptionInfo({ groupName })).startFrom).toBe(last);
      await client.updateSubscription({ groupName, fromEnd: true });
      expect((await client.getSubscriptionInfo({ groupName })).startFrom).toBe('end');
      await client.updateSubscription({ groupName, fromEnd: false });
      expect((await client.getSubscriptionInfo({ groupName })).startFrom).toBe(0n);
      await client.updateSubscription({ groupName, commitPosition: last, fromEnd: true });
      expect((await client.getSubscriptionInfo({ groupName })).startFrom).toBe(last);
    });

    test('a group on a stream keeps its start unless a start option is given; the new start applies', async () => {
      const client = target().client();
      const { streamName } = await appendCounted(client, 5);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName, fromEnd: true });
      await client.updateSubscription({ groupName, streamName, maxRetryCount: 1 });
      expect((await client.getSubscriptionInfo({ groupName, streamName })).startFrom).toBe('end');
      // No consumer has run, so the group has no checkpoint: it starts from the new start (inclusive).
      await client.updateSubscription({ groupName, streamName, streamPosition: 3 });
      expect((await client.getSubscriptionInfo({ groupName, streamName })).startFrom).toBe(3n);
      const [, readResp] = client.readStreamSubscription({ groupName, streamName });
      try {
        expect((await take(readResp, 2)).map((event) => textOf(event.data))).toEqual(['3', '4']);
      } finally {
        await readResp.close();
      }
    });
  });

  test('the filter of a group on $all stays', async () => {
    const client = target().client();
    const type = uniqueType('Kept');
    const groupName = uniqueGroup();
    await client.createSubscription({ groupName, filterInclude: [type] });
    await client.updateSubscription({ groupName, maxRetryCount: 2 });
    const streamName = uniqueStream('filter-kept');
    await client.appendEvents({
      streamName,
      expectedPosition: null,
      events: [textEvent(uniqueType('Other'), 'other'), textEvent(type, 'wanted')],
    });
    const [, readResp] = client.readSubscription({ groupName });
    try {
      const [event] = await take(readResp, 1);
      expect([event?.type, event && textOf(event.data)]).toEqual([type, 'wanted']);
    } finally {
      await readResp.close();
    }
  });

  test('connected consumers are dropped (seen with resubscribe: false); a new consumer reads the updated group', async () => {
    const client = target().client();
    const type = uniqueType('Dropped');
    const groupName = uniqueGroup();
    await client.createSubscription({ groupName, filterInclude: [type] });
    await client.appendEvents({
      streamName: uniqueStream('dropped'),
      expectedPosition: null,
      events: [textEvent(type, 'one')],
    });
    const [, readResp] = client.readSubscription({ groupName, resubscribe: false });
    await take(readResp, 1);
    await client.updateSubscription({ groupName, maxSubscriberCount: 1 });
    const error = await rejectionOf(take(readResp, 1));
    expect(error).toBeInstanceOf(SubscriptionDroppedError);
    expect(error).toMatchObject({ groupName, streamName: '$all' });
    await readResp.close();

    const [readReq2, readResp2] = client.readSubscription({ groupName });
    try {
      const [again] = await take(readResp2, 1);
      expect(again && textOf(again.data)).toBe('one');
      readReq2.ack(again ?? '');
    } finally {
      await readResp2.close();
    }
  });

  test('a group that does not exist fails with SubscriptionNotFoundError', async () => {
    const client = target().client();
    const groupName = uniqueGroup();
    const onAll = await rejectionOf(client.updateSubscription({ groupName, maxRetryCount: 1 }));
    expect(onAll).toBeInstanceOf(SubscriptionNotFoundError);
    expect(onAll).toMatchObject({ groupName, streamName: '$all' });
    const streamName = uniqueStream('no-group');
    const onStream = await rejectionOf(client.updateSubscription({ groupName, streamName }));
    expect(onStream).toBeInstanceOf(SubscriptionNotFoundError);
    expect(onStream).toMatchObject({ groupName, streamName });
  });

  describe('PinnedByCorrelation, which an update cannot send', () => {
    test('is refused as a new strategy before anything is sent', async () => {
      const client = target().client();
      // The group does not exist: the refusal comes before the server is asked.
      const error = await rejectionOf(
        client.updateSubscription({ groupName: uniqueGroup(), consumerStrategy: 'PinnedByCorrelation' }),
      );
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(
        /^updateSubscription: consumerStrategy 'PinnedByCorrelation' cannot be set by an update/,
      );
    });

    test('a group with it must be given another strategy', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, consumerStrategy: 'PinnedByCorrelation' });
      await expect(client.updateSubscription({ groupName, maxRetryCount: 1 })).rejects.toThrow(
        /^updateSubscription: the group's consumerStrategy 'PinnedByCorrelation' cannot be kept/,
      );
      const unchanged = await client.getSubscriptionInfo({ groupName });
      expect([unchanged.settings.consumerStrategy, unchanged.settings.maxRetryCount]).toEqual([
        'PinnedByCorrelation',
        10,
      ]);
      await client.updateSubscription({ groupName, maxRetryCount: 1, consumerStrategy: 'Pinned' });
      const updated = await client.getSubscriptionInfo({ groupName });
      expect([updated.settings.consumerStrategy, updated.settings.maxRetryCount]).toEqual(['Pinned', 1]);
    });
  });

  test('an aborted signal cancels the update with CancelledError; the group is unchanged', async () => {
    const client = target().client();
    const groupName = uniqueGroup();
    await client.createSubscription({ groupName });
    const signal = AbortSignal.abort();
    const error = await rejectionOf(client.updateSubscription({ groupName, maxRetryCount: 1, signal }));
    expect(error).toBeInstanceOf(CancelledError);
    expect((await client.getSubscriptionInfo({ groupName })).settings.maxRetryCount).toBe(10);
    await expect(
      client.createStreamSubscription({ groupName, streamName: uniqueStream('aborted'), signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  test('bad options are refused before anything is sent', async () => {
    const client = target().client();
    const update = (options: object) => client.updateSubscription({ groupName: 'g', ...options });
    await expect(client.updateSubscription({} as { groupName: string })).rejects.toThrow(
      /updateSubscription: groupName must be a string/,
    );
    await expect(update({ streamName: '' })).rejects.toThrow(
      /updateSubscription: streamName must not be empty/,
    );
    await expect(update({ streamPosition: 1 })).rejects.toThrow(
      /updateSubscription: streamPosition is for a group on a stream/,
    );
    await expect(update({ streamName: 's', commitPosition: 1 })).rejects.toThrow(
      /updateSubscription: commitPosition is for a group on all streams/,
    );
    await expect(update({ commitPosition: -1 })).rejects.toThrow(RangeError);
    await expect(update({ streamName: 's', streamPosition: 2n ** 63n })).rejects.toThrow(RangeError);
    await expect(update({ fromEnd: 'no' })).rejects.toThrow(/fromEnd must be a boolean/);
    await expect(update({ filterInclude: ['x'] })).rejects.toThrow(/unknown option 'filterInclude'/);
  });
});
