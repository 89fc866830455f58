// getSubscriptionInfo and listSubscriptions against a server, in insecure and secure mode: a new group's
// settings (the defaults createSubscription documents), start and status; a connected consumer's counters;
// groups on a stream; listing everything, one stream or $all; and the missing group.
import { randomUUID } from 'node:crypto';
import {
  EsdbClient,
  type PersistentSubscriptionSettings,
  type SubscriptionInfo,
  SubscriptionNotFoundError,
} from '../../src/client/index.js';
import { infoWhen } from './support/group-info.js';
import { take, textEvent, uniqueGroup, uniqueType } from './support/subscriptions.js';
import { MODES, rejectionOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** The settings createSubscription documents (PY's defaults, §3.14 table). */
const DEFAULT_SETTINGS: Required<PersistentSubscriptionSettings> = {
  resolveLinks: false,
  extraStatistics: false,
  messageTimeout: 30_000,
  maxRetryCount: 10,
  minCheckpointCount: 10,
  maxCheckpointCount: 1_000,
  checkpointAfter: 2_000,
  maxSubscriberCount: 5,
  liveBufferSize: 500,
  readBatchSize: 200,
  historyBufferSize: 500,
  consumerStrategy: 'DispatchToSingle',
};

/** The .NET names of a group's state flags, alone or joined by ", " (§3.14 GetInfo). */
const STATUS =
  /^(NotReady|(Behind|OutstandingPageRequest|ReplayingParkedMessages|Live)(, (Behind|OutstandingPageRequest|ReplayingParkedMessages|Live))*)$/;

const namesOf = (infos: readonly SubscriptionInfo[]): string[] => infos.map((info) => info.groupName).sort();

describe.each(MODES)('subscription info (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('getSubscriptionInfo', () => {
    test('a new group on $all has the default settings, its start, no consumers and no checkpoint', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName });
      const info = await client.getSubscriptionInfo({ groupName });
      expect(info).toMatchObject({
        groupName,
        streamName: '$all',
        settings: DEFAULT_SETTINGS,
        startFrom: 0n,
        lastCheckpointedPosition: null,
        connections: [],
        totalInFlightMessages: 0n,
        parkedMessageCount: 0n,
      });
      expect(info.status).toMatch(STATUS);
      expect(typeof info.totalItems).toBe('bigint');
      expect(typeof info.averagePerSecond).toBe('number');
    });

    test('the start of a group created from the end, or from a commit position', async () => {
      const client = target().client();
      const fromEnd = uniqueGroup();
      await client.createSubscription({ groupName: fromEnd, fromEnd: true });
      expect((await client.getSubscriptionInfo({ groupName: fromEnd })).startFrom).toBe('end');
      const commitPosition = await client.appendEvents({
        streamName: uniqueStream('info'),
        expectedPosition: null,
        events: [textEvent('Started', 'x')],
      });
      const fromPosition = uniqueGroup();
      await client.createSubscription({ groupName: fromPosition, commitPosition });
      expect((await client.getSubscriptionInfo({ groupName: fromPosition })).startFrom).toBe(commitPosition);
    });

    test('a group on a stream is named by the stream; its positions are stream positions', async () => {
      const client = target().client();
      const streamName = uniqueStream('info');
      await client.appendEvents({
        streamName,
        expectedPosition: null,
        events: [textEvent('A', '0'), textEvent('B', '1')],
      });
      const [fromStart, fromEnd, fromOne] = [uniqueGroup(), uniqueGroup(), uniqueGroup()];
      await client.createStreamSubscription({ groupName: fromStart, streamName });
      await client.createStreamSubscription({ groupName: fromEnd, streamName, fromEnd: true });
      await client.createStreamSubscription({ groupName: fromOne, streamName, streamPosition: 1n });
      const info = await infoWhen(
        client,
        { groupName: fromStart, streamName },
        (candidate) => candidate.lastKnownPosition === 1n,
      );
      expect(info).toMatchObject({ streamName, settings: DEFAULT_SETTINGS, startFrom: 0n, connections: [] });
      expect((await client.getSubscriptionInfo({ groupName: fromEnd, streamName })).startFrom).toBe('end');
      expect((await client.getSubscriptionInfo({ groupName: fromOne, streamName })).startFrom).toBe(1n);
      // The same name on $all is another group.
      await expect(client.getSubscriptionInfo({ groupName: fromStart })).rejects.toBeInstanceOf(
        SubscriptionNotFoundError,
      );
    });

    test('a connected consumer shows with its name, its counters and its free slots', async () => {
      const connectionName = `consumer-${randomUUID()}`;
      const client = new EsdbClient({ ...target().hostOptions, connectionName });
      try {
        const type = uniqueType('Info');
        const groupName = uniqueGroup();
        await client.createSubscription({ groupName, filterInclude: [type] });
        const streamName = uniqueStream('info');
        const events = [textEvent(type, '0'), textEvent(type, '1'), textEvent(type, '2')];
        await client.appendEvents({ streamName, expectedPosition: null, events });
        const [readReq, readResp] = client.readSubscription({ groupName, bufferSize: 10, maxAckDelay: 0 });
        const received = await take(readResp, 3);
        readReq.ack(received[0]?.id ?? '');
        readReq.ack(received[1]?.id ?? '');
        const info = await infoWhen(
          client,
          { groupName },
          (candidate) => candidate.connections[0]?.inFlightMessages === 1n,
        );
        expect(info.connections).toHaveLength(1);
        expect(info.connections[0]).toMatchObject({
          connectionName,
          totalItems: 3n,
          availableSlots: 9,
          inFlightMessages: 1n,
          observedMeasurements: new Map(),
        });
        if (mode === 'secure') expect(info.connections[0]?.username).toBe(target().hostOptions.username);
        expect(info.totalInFlightMessages).toBe(1n);
        // Events given out, not acknowledged ones (PersistentSubscription.cs `MarkBeginProcessing`).
        expect(info.totalItems).toBe(3n);
        expect(info.lastKnownPosition).toBe(received[2]?.commitPosition);
        await readResp.close();
        await infoWhen(client, { groupName }, (candidate) => candidate.connections.length === 0);
      } finally {
        await client.close();
      }
    });

    test('after minCheckpointCount acknowledged events and checkpointAfter, the checkpointed position', async () => {
      const client = target().client();
      const type = uniqueType('Checkpoint');
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, filterInclude: [type] });
      const events = Array.from({ length: 10 }, (_, index) => textEvent(type, String(index)));
      await client.appendEvents({ streamName: uniqueStream('info'), expectedPosition: null, events });
      const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 0 });
      try {
        const received = await take(readResp, 10);
        for (const event of received) readReq.ack(event.id);
        // A time-based checkpoint comes within checkpointAfter (2 s) of the acknowledgements.
        const info = await infoWhen(
          client,
          { groupName },
          (candidate) => candidate.lastCheckpointedPosition !== null,
          8_000,
        );
        expect(info.lastCheckpointedPosition).toBe(received[9]?.commitPosition);
      } finally {
        await readResp.close();
      }
    });

    test('a missing group is a SubscriptionNotFoundError naming it', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const error = await rejectionOf(client.getSubscriptionInfo({ groupName }));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      expect(error).toMatchObject({ groupName, streamName: '$all' });
      const streamName = uniqueStream('info');
      const onStream = await rejectionOf(client.getSubscriptionInfo({ groupName, streamName }));
      expect(onStream).toMatchObject({ groupName, streamName });
      expect(onStream).toBeInstanceOf(SubscriptionNotFoundError);
    });
  });

  describe('listSubscriptions', () => {
    test('lists every group, the groups of one stream, or those on $all', async () => {
      const client = target().client();
      const onAll = uniqueGroup();
      await client.createSubscription({ groupName: onAll });
      const streamName = uniqueStream('list');
      const [first, second] = [uniqueGroup(), uniqueGroup()];
      await client.createStreamSubscription({ groupName: first, streamName });
      await client.createStreamSubscription({ groupName: second, streamName });

      const everything = await client.listSubscriptions();
      expect(namesOf(everything)).toEqual(expect.arrayContaining([onAll, first, second]));
      expect(everything.find((info) => info.groupName === first)?.streamName).toBe(streamName);

      const ofStream = await client.listSubscriptions({ streamName });
      expect(namesOf(ofStream)).toEqual([first, second].sort());
      expect(ofStream.every((info) => info.streamName === streamName)).toBe(true);

      const ofAll = await client.listSubscriptions({ streamName: '$all' });
      expect(namesOf(ofAll)).toContain(onAll);
      expect(ofAll.every((info) => info.streamName === '$all')).toBe(true);
    });

    test('a stream without groups has an empty list', async () => {
      const client = target().client();
      expect(await client.listSubscriptions({ streamName: uniqueStream('none') })).toEqual([]);
    });

    test("an info's streamName names its group again", async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName });
      const listed = (await client.listSubscriptions()).find((info) => info.groupName === groupName);
      expect(listed?.streamName).toBe('$all');
      const again = await client.getSubscriptionInfo({ groupName, streamName: listed?.streamName });
      expect(again.groupName).toBe(groupName);
    });
  });
});
