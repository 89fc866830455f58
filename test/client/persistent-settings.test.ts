// The settings of persistent subscription groups against a server, in insecure and secure mode: every setting
// reaches the server (the group's information reports what was sent), the settings behave as named (retries
// and parking, the consumer limit, the message timeout, the consumer strategies), filterByStreamName, the
// server's refusal of a start beyond the log, and bad settings refused before anything is sent.
import {
  type EsdbClient,
  MaximumSubscribersReachedError,
  type PersistentRecordedEvent,
  type PersistentSubscriptionSettings,
  type SubscriptionReadResponse,
  SubscriptionFailedError,
} from '../../src/client/index.js';
import { infoWhen } from './support/group-info.js';
import { nothingWithin, take, textEvent, uniqueGroup, uniqueType, until } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** Every setting, none at its default. */
const CUSTOM_SETTINGS: Required<PersistentSubscriptionSettings> = {
  resolveLinks: true,
  extraStatistics: true,
  messageTimeout: 12_345,
  maxRetryCount: 3,
  minCheckpointCount: 7,
  maxCheckpointCount: 77,
  checkpointAfter: 4_321,
  maxSubscriberCount: 9,
  liveBufferSize: 321,
  readBatchSize: 33,
  historyBufferSize: 444,
  consumerStrategy: 'RoundRobin',
};

/** A group on $all of events of a type of its own, created with `settings`. */
async function groupOfOwnType(
  client: EsdbClient,
  settings: PersistentSubscriptionSettings = {},
): Promise<{ groupName: string; type: string }> {
  const groupName = uniqueGroup();
  const type = uniqueType('Setting');
  await client.createSubscription({ groupName, filterInclude: [type], ...settings });
  return { groupName, type };
}

/** Appends one event of `type` per stream name given, in order. */
async function appendTo(client: EsdbClient, type: string, streamNames: readonly string[]): Promise<void> {
  for (const [index, streamName] of streamNames.entries()) {
    await client.appendEvents({ streamName, expectedPosition: -1, events: [textEvent(type, String(index))] });
  }
}

/**
 * Runs consumers that acknowledge what they receive, until `total` events have arrived between them; each
 * consumer's events, in its order. The consumers are connected before `start` runs.
 */
async function consume(
  readers: readonly [ReturnType<EsdbClient['readSubscription']>[0], SubscriptionReadResponse][],
  total: number,
  start: () => Promise<void>,
): Promise<PersistentRecordedEvent[][]> {
  const received = readers.map((): PersistentRecordedEvent[] => []);
  const count = (): number => received.reduce((sum, events) => sum + events.length, 0);
  const loops = readers.map(async ([readReq, readResp], index) => {
    for await (const event of readResp) {
      received[index]?.push(event);
      readReq.ack(event);
      if (count() >= total) break;
    }
  });
  try {
    await until(() => readers.every(([, readResp]) => readResp.subscriptionId !== undefined));
    await start();
    await until(() => count() >= total);
  } finally {
    await Promise.all(readers.map(([, readResp]) => readResp.close()));
    await Promise.all(loops);
  }
  return received;
}

describe.each(MODES)('persistent subscription settings (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('every setting reaches the server', () => {
    test('createSubscription: the group reports exactly the settings sent', async () => {
      const client = target().client();
      const { groupName } = await groupOfOwnType(client, CUSTOM_SETTINGS);
      const info = await client.getSubscriptionInfo({ groupName });
      expect(info.settings).toEqual(CUSTOM_SETTINGS);
    });

    test('createStreamSubscription: the group reports exactly the settings sent', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const streamName = uniqueStream('settings');
      const settings = { ...CUSTOM_SETTINGS, consumerStrategy: 'PinnedByCorrelation' as const };
      await client.createStreamSubscription({ groupName, streamName, ...settings });
      const info = await client.getSubscriptionInfo({ groupName, streamName });
      expect(info.settings).toEqual(settings);
      expect(info.streamName).toBe(streamName);
    });

    test('settings not given are the seed client’s; checkpointAfter 0 and maxSubscriberCount 0 are kept', async () => {
      const client = target().client();
      const { groupName } = await groupOfOwnType(client, { checkpointAfter: 0, maxSubscriberCount: 0 });
      const info = await client.getSubscriptionInfo({ groupName });
      expect(info.settings).toEqual({
        resolveLinks: false,
        extraStatistics: false,
        messageTimeout: 30_000,
        maxRetryCount: 10,
        minCheckpointCount: 10,
        maxCheckpointCount: 1_000,
        checkpointAfter: 0,
        maxSubscriberCount: 0,
        liveBufferSize: 500,
        readBatchSize: 200,
        historyBufferSize: 500,
        consumerStrategy: 'DispatchToSingle',
      });
    });
  });

  describe('the settings behave as named', () => {
    test('maxRetryCount 0 parks an event at its first retry', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { maxRetryCount: 0 });
      await appendTo(client, type, [uniqueStream('retry0')]);
      const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 0 });
      try {
        const [event] = await take(readResp, 1);
        readReq.nack(event ?? '', 'retry');
        expect(await nothingWithin(readResp, 500)).toBeUndefined();
        await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === 1n);
      } finally {
        await readResp.close();
      }
    });

    test('maxRetryCount 2 redelivers twice, then parks', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { maxRetryCount: 2 });
      await appendTo(client, type, [uniqueStream('retry2')]);
      const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 0 });
      try {
        const retryCounts: number[] = [];
        for (let delivery = 0; delivery < 3; delivery += 1) {
          const [event] = await take(readResp, 1);
          retryCounts.push(event?.retryCount ?? -1);
          readReq.nack(event ?? '', 'retry');
        }
        expect(retryCounts).toEqual([0, 1, 2]);
        expect(await nothingWithin(readResp, 500)).toBeUndefined();
        await infoWhen(client, { groupName }, (info) => info.parkedMessageCount === 1n);
      } finally {
        await readResp.close();
      }
    });

    test('maxSubscriberCount 1 refuses a second consumer with MaximumSubscribersReachedError', async () => {
      const client = target().client();
      const { groupName } = await groupOfOwnType(client, { maxSubscriberCount: 1 });
      const [, first] = client.readSubscription({ groupName });
      const waiting = take(first, 1, 10_000).catch(() => []);
      try {
        await until(() => first.subscriptionId !== undefined);
        const [, second] = client.readSubscription({ groupName });
        const error = await rejectionOf(take(second, 1));
        expect(error).toBeInstanceOf(MaximumSubscribersReachedError);
        expect(error).toMatchObject({ groupName, streamName: '$all' });
        await second.close();
      } finally {
        await first.close();
        await waiting;
      }
    });

    test('an event not acknowledged within messageTimeout is delivered again with retryCount 1', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { messageTimeout: 500 });
      await appendTo(client, type, [uniqueStream('timeout')]);
      const [readReq, readResp] = client.readSubscription({ groupName });
      try {
        const [event] = await take(readResp, 1);
        expect(event?.retryCount).toBe(0);
        // Neither acked nor nacked: the server's clock tick (about once a second) times it out.
        const [again] = await take(readResp, 1, 10_000);
        expect([again?.id, again?.retryCount]).toEqual([event?.id, 1]);
        readReq.ack(again ?? '');
      } finally {
        await readResp.close();
      }
    });

    test('RoundRobin shares the events between two consumers', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { consumerStrategy: 'RoundRobin' });
      const streamName = uniqueStream('round-robin');
      const readers = [
        client.readSubscription({ groupName }),
        client.readSubscription({ groupName }),
      ] as const;
      const received = await consume(readers, 10, () =>
        appendTo(
          client,
          type,
          Array.from({ length: 10 }, () => streamName),
        ),
      );
      expect(received.map((events) => events.length > 0)).toEqual([true, true]);
      expect(
        received
          .flat()
          .map((event) => textOf(event.data))
          .sort((a, b) => Number(a) - Number(b)),
      ).toEqual(Array.from({ length: 10 }, (_, index) => String(index)));
    });

    test("Pinned gives each stream's events to one consumer", async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { consumerStrategy: 'Pinned' });
      const streams = Array.from({ length: 6 }, () => uniqueStream('pinned'));
      const readers = [
        client.readSubscription({ groupName }),
        client.readSubscription({ groupName }),
      ] as const;
      const received = await consume(readers, 18, () =>
        appendTo(client, type, [...streams, ...streams, ...streams]),
      );
      for (const streamName of streams) {
        const consumers = received.flatMap((events, index) =>
          events.some((event) => event.streamName === streamName) ? [index] : [],
        );
        expect(consumers).toHaveLength(1);
      }
      expect(received.flat()).toHaveLength(18);
    });

    test('DispatchToSingle fills one consumer first', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client, { consumerStrategy: 'DispatchToSingle' });
      const streamName = uniqueStream('single');
      const readers = [
        client.readSubscription({ groupName }),
        client.readSubscription({ groupName }),
      ] as const;
      const received = await consume(readers, 4, () =>
        appendTo(
          client,
          type,
          Array.from({ length: 4 }, () => streamName),
        ),
      );
      // Both consumers have room for all four (bufferSize 150): one of them takes them all.
      expect(received.map((events) => events.length).sort()).toEqual([0, 4]);
    });
  });

  describe('filters and starts', () => {
    test('filterByStreamName matches the filters against stream names', async () => {
      const client = target().client();
      const type = uniqueType('ByStream');
      const wanted = uniqueStream('wanted');
      const groupName = uniqueGroup();
      await client.createSubscription({
        groupName,
        filterInclude: [wanted],
        filterByStreamName: true,
        fromEnd: true,
      });
      await appendTo(client, type, [uniqueStream('other'), wanted, uniqueStream('other')]);
      const [, readResp] = client.readSubscription({ groupName });
      try {
        const [event] = await take(readResp, 1);
        expect([event?.streamName, event && textOf(event.data)]).toEqual([wanted, '1']);
        expect(await nothingWithin(readResp, 300)).toBeUndefined();
      } finally {
        await readResp.close();
      }
    });

    test('a commitPosition beyond the end of the log fails with SubscriptionFailedError', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const error = await rejectionOf(client.createSubscription({ groupName, commitPosition: 2n ** 62n }));
      expect(error).toBeInstanceOf(SubscriptionFailedError);
      expect(error).toMatchObject({ groupName, streamName: '$all' });
      expect((error as SubscriptionFailedError).reason).toMatch(/^Invalid Start From position/);
    });
  });

  describe('bad settings are refused before anything is sent', () => {
    const badValues: [keyof PersistentSubscriptionSettings, unknown, ErrorConstructor, RegExp][] = [
      ['resolveLinks', 'yes', TypeError, /resolveLinks must be a boolean/],
      ['extraStatistics', 1, TypeError, /extraStatistics must be a boolean/],
      ['messageTimeout', 0, RangeError, /messageTimeout must be between 1 and 2\^31-1, got 0/],
      ['messageTimeout', 1.5, TypeError, /messageTimeout must be an integer/],
      ['messageTimeout', 2 ** 31, RangeError, /messageTimeout must be between 1 and 2\^31-1/],
      ['maxRetryCount', -1, RangeError, /maxRetryCount must be between 0 and 2\^31-1/],
      ['maxRetryCount', '3', TypeError, /maxRetryCount must be an integer/],
      ['minCheckpointCount', -1, RangeError, /minCheckpointCount must be between 0/],
      ['maxCheckpointCount', Number.NaN, TypeError, /maxCheckpointCount must be an integer/],
      ['checkpointAfter', -1, RangeError, /checkpointAfter must be between 0/],
      ['maxSubscriberCount', -1, RangeError, /maxSubscriberCount must be between 0/],
      ['liveBufferSize', 0, RangeError, /liveBufferSize must be between 1/],
      ['readBatchSize', 0, RangeError, /readBatchSize must be between 1/],
      ['historyBufferSize', 0, RangeError, /historyBufferSize must be between 1/],
      [
        'consumerStrategy',
        'Random',
        RangeError,
        /consumerStrategy must be one of DispatchToSingle, RoundRobin/,
      ],
      ['consumerStrategy', 1, TypeError, /consumerStrategy must be a string/],
    ];

    test.each(badValues)('%s: %p', async (setting, value, errorClass, message) => {
      const client = target().client();
      const settings = { [setting]: value } as PersistentSubscriptionSettings;
      const calls: [string, Promise<void>][] = [
        ['createSubscription', client.createSubscription({ groupName: 'g', ...settings })],
        [
          'createStreamSubscription',
          client.createStreamSubscription({ groupName: 'g', streamName: 's', ...settings }),
        ],
        ['updateSubscription', client.updateSubscription({ groupName: 'g', ...settings })],
      ];
      for (const [where, call] of calls) {
        const error = await rejectionOf(call);
        expect(error).toBeInstanceOf(errorClass);
        expect((error as Error).message).toMatch(new RegExp(`^${where}: ${message.source}`));
      }
    });

    test('readBatchSize must be below historyBufferSize, and minCheckpointCount not above maxCheckpointCount', async () => {
      const client = target().client();
      await expect(client.createSubscription({ groupName: 'g', readBatchSize: 500 })).rejects.toThrow(
        'createSubscription: readBatchSize (500) must be less than historyBufferSize (500)',
      );
      await expect(
        client.createStreamSubscription({ groupName: 'g', streamName: 's', historyBufferSize: 100 }),
      ).rejects.toThrow(
        'createStreamSubscription: readBatchSize (200) must be less than historyBufferSize (100)',
      );
      await expect(client.createSubscription({ groupName: 'g', minCheckpointCount: 1_001 })).rejects.toThrow(
        'createSubscription: minCheckpointCount (1001) must not be more than maxCheckpointCount (1000)',
      );
      await expect(
        client.createSubscription({ groupName: uniqueGroup(), minCheckpointCount: 5, maxCheckpointCount: 5 }),
      ).resolves.toBeUndefined();
    });
  });
});
