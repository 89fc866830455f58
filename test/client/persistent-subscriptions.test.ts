// createSubscription and readSubscription against a server, in insecure and secure mode: the seed README's
// persistent subscriptions on all streams (start, end, inclusive commit position, filters), acks and nacks
// (retry, park, skip), batching by count and time and the flush on close, clean closing, and the errors.
import { randomUUID } from 'node:crypto';
import {
  CancelledError,
  ESDB_EVENTS_REGEX,
  EsdbClient,
  MaximumSubscribersReachedError,
  NewEvent,
  PersistentRecordedEvent,
  type ReadSubscriptionOptions,
  StreamNotFoundError,
  SubscriptionExistsError,
  SubscriptionNotFoundError,
} from '../../src/client/index.js';
import {
  nothingWithin,
  sleep,
  take,
  takeUntil,
  textEvent,
  uniqueGroup,
  uniqueType,
  until,
} from './support/subscriptions.js';
import {
  AGAINST_EMULATOR,
  MODES,
  rejectionOf,
  textOf,
  uniqueStream,
  useClientTarget,
  utf8,
} from './support/target.js';

jest.setTimeout(30_000);

/** Appends one event per type to a new stream; returns the stream and each event's commit position. */
async function appendTypes(
  client: EsdbClient,
  types: readonly string[],
): Promise<{ streamName: string; positions: bigint[] }> {
  const streamName = uniqueStream('persistent');
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

/** A group that receives only events of a type of its own, from the start. */
async function groupOfOwnType(client: EsdbClient): Promise<{ groupName: string; type: string }> {
  const groupName = uniqueGroup();
  const type = uniqueType('Persistent');
  await client.createSubscription({ groupName, filterInclude: [type] });
  return { groupName, type };
}

const positionsOf = (events: readonly PersistentRecordedEvent[]): bigint[] =>
  events.map((event) => event.streamPosition);

describe.each(MODES)('persistent subscriptions (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('createSubscription', () => {
    test('by default a group delivers all recorded events from the first, system events left out', async () => {
      const client = target().client();
      const { streamName } = await appendTypes(client, ['OrderCreated', 'OrderUpdated']);
      await client.appendEvents({
        streamName: `$$${streamName}`,
        expectedPosition: -1,
        events: [
          new NewEvent({
            type: '$metadata',
            data: utf8('{"$maxAge":3600}'),
            contentType: 'application/json',
          }),
        ],
      });
      const marker = uniqueType('Marker');
      await client.appendEvents({ streamName, expectedPosition: 1, events: [textEvent(marker, 'last')] });
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName });
      const [readReq, readResp] = client.readSubscription({ groupName });
      try {
        const events = await takeUntil(readResp, (event) => event.type === marker, 15_000);
        for (const event of events) readReq.ack(event.id);
        expect(events.some((event) => event.type.startsWith('$'))).toBe(false);
        expect(events.filter((event) => event.streamName === streamName).map((event) => event.type)).toEqual([
          'OrderCreated',
          'OrderUpdated',
          marker,
        ]);
        if (AGAINST_EMULATOR) {
          // A fresh node: the group's first event is the database's first non-system event.
          const [first] = await client.readAllEvents({ limit: 1 }).toArray();
          expect(events[0]?.commitPosition).toBe(first?.commitPosition);
        }
        expect(readResp.subscriptionId).toBe(`$all::${groupName}`);
      } finally {
        await readResp.close();
      }
    });

    test('fromEnd delivers only the events recorded after the group was created', async () => {
      const client = target().client();
      const type = uniqueType('FromEnd');
      const { streamName } = await appendTypes(client, [type]);
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName, fromEnd: true, filterInclude: [type] });
      await client.appendEvents({ streamName, expectedPosition: 0, events: [textEvent(type, 'new')] });
      const [, readResp] = client.readSubscription({ groupName });
      try {
        const [event] = await take(readResp, 1);
        expect([event?.streamName, event?.streamPosition, textOf(event?.data ?? utf8(''))]).toEqual([
          streamName,
          1n,
          'new',
        ]);
        expect(await nothingWithin(readResp, 200)).toBeUndefined();
      } finally {
        await readResp.close();
      }
    });

    test('commitPosition starts the group at that event, which is included', async () => {
      const client = target().client();
      const type = uniqueType('FromPosition');
      const { positions } = await appendTypes(client, [type, type, type]);
      const groupName = uniqueGroup();
      await client.createSubscription({
        groupName,
        commitPosition: positions[1] ?? 0n,
        filterInclude: [type],
      });
      const [, readResp] = client.readSubscription({ groupName });
      try {
        const events = await take(readResp, 2);
        // A persistent start is inclusive (§3.14): the event at the position comes first.
        expect(events.map((event) => event.commitPosition)).toEqual([positions[1], positions[2]]);
        expect(positionsOf(events)).toEqual([1n, 2n]);
      } finally {
        await readResp.close();
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
      const commitPosition = positions[0] ?? 0n;
      const excluding = uniqueGroup();
      await client.createSubscription({
        groupName: excluding,
        commitPosition,
        filterExclude: [ESDB_EVENTS_REGEX, '.*Snapshot', 'Order.*'],
      });
      const including = uniqueGroup();
      await client.createSubscription({
        groupName: including,
        commitPosition,
        filterInclude: ['Order.*', 'Invoiced'],
        filterExclude: ['.*'],
      });
      const [, excluded] = client.readSubscription({ groupName: excluding });
      const [, included] = client.readSubscription({ groupName: including });
      try {
        expect((await take(excluded, 2)).map((event) => event.type)).toEqual([
          'SnapshotTaken',
          'XOrderCreated',
        ]);
        expect((await take(included, 3)).map((event) => event.type)).toEqual([
          'OrderCreated',
          'OrderSnapshot',
          'Invoiced',
        ]);
      } finally {
        await Promise.all([excluded.close(), included.close()]);
      }
    });

    test('a group that exists already fails with SubscriptionExistsError', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      await client.createSubscription({ groupName });
      const error = await rejectionOf(client.createSubscription({ groupName, fromEnd: true }));
      expect(error).toBeInstanceOf(SubscriptionExistsError);
      expect(error).toMatchObject({ groupName, streamName: '$all' });
    });

    test('bad options are refused before anything is sent', async () => {
      const client = target().client();
      await expect(client.createSubscription({} as { groupName: string })).rejects.toThrow(
        /groupName must be a string/,
      );
      await expect(client.createSubscription({ groupName: '' })).rejects.toThrow(TypeError);
      await expect(client.createSubscription({ groupName: 'g', commitPosition: -1 })).rejects.toThrow(
        RangeError,
      );
      await expect(
        client.createSubscription({ groupName: 'g', fromEnd: 'yes' as unknown as boolean }),
      ).rejects.toThrow(/fromEnd must be a boolean/);
      await expect(
        client.createSubscription({ groupName: 'g', from_end: true } as unknown as { groupName: string }),
      ).rejects.toThrow(/unknown option 'from_end'/);
    });
  });

  describe('readSubscription', () => {
    test('acknowledged events are not delivered again; unacknowledged ones are', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      const { streamName } = await appendTypes(client, [type, type, type, type]);

      const [readReq1, readResp1] = client.readSubscription({ groupName });
      const first = await take(readResp1, 4);
      expect(positionsOf(first)).toEqual([0n, 1n, 2n, 3n]);
      expect(first.every((event) => event instanceof PersistentRecordedEvent && event.retryCount === 0)).toBe(
        true,
      );
      expect(first.every((event) => event.ackId === event.id && event.streamName === streamName)).toBe(true);
      // Acknowledge the first two, by id and by event; leave the others in flight.
      readReq1.ack(first[0]?.id ?? '');
      readReq1.ack(first[1] ?? '');
      await readResp1.close();

      const [readReq2, readResp2] = client.readSubscription({ groupName });
      try {
        const again = await take(readResp2, 2);
        expect(positionsOf(again)).toEqual([2n, 3n]);
        for (const event of again) readReq2.ack(event);
        expect(await nothingWithin(readResp2, 200)).toBeUndefined();
      } finally {
        await readResp2.close();
      }
    });

    test('nack retry delivers the event again with retryCount one higher', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      await appendTypes(client, [type]);
      const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 0 });
      try {
        const [event] = await take(readResp, 1);
        expect(event?.retryCount).toBe(0);
        readReq.nack(event?.id ?? '', 'retry');
        const [again] = await take(readResp, 1);
        expect(again?.id).toBe(event?.id);
        expect(again?.retryCount).toBe(1);
        readReq.nack(again ?? '', 'retry');
        const [third] = await take(readResp, 1);
        expect([third?.id, third?.retryCount]).toEqual([event?.id, 2]);
        readReq.ack(third?.id ?? '');
        expect(await nothingWithin(readResp, 200)).toBeUndefined();
      } finally {
        await readResp.close();
      }
    });

    test('nack park moves the event to the parked stream; nack skip drops it', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      const { streamName } = await appendTypes(client, [type, type, type]);
      const [readReq, readResp] = client.readSubscription({ groupName });
      try {
        const [parked, skipped, acked] = await take(readResp, 3);
        readReq.nack(parked?.id ?? '', 'park');
        readReq.nack(skipped?.id ?? '', 'skip');
        readReq.ack(acked?.id ?? '');
        expect(await nothingWithin(readResp, 300)).toBeUndefined();
      } finally {
        await readResp.close();
      }
      // The parked-messages stream of the group holds a link to the parked event (§3.14, Read step 5).
      const parkedStream = `$persistentsubscription-$all::${groupName}-parked`;
      let links: string[] = [];
      for (let attempt = 0; attempt < 50 && links.length === 0; attempt += 1) {
        try {
          links = (await client.readStreamEvents({ streamName: parkedStream }).toArray()).map(
            (event) => `${event.type} ${textOf(event.data)}`,
          );
        } catch (error) {
          if (!(error instanceof StreamNotFoundError)) throw error;
          await sleep(100);
        }
      }
      expect(links).toEqual([`$> 0@${streamName}`]);
      // Neither the parked nor the skipped event comes back to a new consumer.
      const [, readResp2] = client.readSubscription({ groupName });
      try {
        expect(await nothingWithin(readResp2, 300)).toBeUndefined();
      } finally {
        await readResp2.close();
      }
    });

    test('acks are batched by count: a full batch is sent at once', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      await appendTypes(client, [type, type, type, type]);
      const controller = new AbortController();
      const [readReq, readResp] = client.readSubscription({
        groupName,
        maxAckBatchSize: 2,
        maxAckDelay: 60_000,
        signal: controller.signal,
      });
      const events = await take(readResp, 4);
      for (const event of events) readReq.ack(event);
      await sleep(200);
      // Abort: nothing waiting is flushed. The two full batches were sent already, so nothing comes back.
      controller.abort();
      await expectRedelivered(client, groupName, []);
    });

    test('acks are batched by time: a batch waits at most maxAckDelay', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      await appendTypes(client, [type, type, type]);
      const controller = new AbortController();
      const [readReq, readResp] = client.readSubscription({
        groupName,
        maxAckBatchSize: 1_000,
        maxAckDelay: 30,
        signal: controller.signal,
      });
      const events = await take(readResp, 3);
      readReq.ack(events[0] ?? '');
      readReq.ack(events[1] ?? '');
      await sleep(300);
      controller.abort();
      await expectRedelivered(client, groupName, [2n]);
    });

    test('waiting acks are not sent by an abort, but are flushed by close()', async () => {
      const client = target().client();
      const slow: Omit<ReadSubscriptionOptions, 'groupName'> = {
        maxAckBatchSize: 1_000,
        maxAckDelay: 60_000,
      };
      // Abort: the acks are lost, and the events come back.
      const aborted = await groupOfOwnType(client);
      await appendTypes(client, [aborted.type, aborted.type]);
      const controller = new AbortController();
      const [readReq1, readResp1] = client.readSubscription({
        groupName: aborted.groupName,
        ...slow,
        signal: controller.signal,
      });
      for (const event of await take(readResp1, 2)) readReq1.ack(event);
      controller.abort();
      await expectRedelivered(client, aborted.groupName, [0n, 1n]);
      // Close: they are sent first, half-closing after them, and nothing comes back.
      const closed = await groupOfOwnType(client);
      await appendTypes(client, [closed.type, closed.type]);
      const [readReq2, readResp2] = client.readSubscription({ groupName: closed.groupName, ...slow });
      for (const event of await take(readResp2, 2)) readReq2.nack(event, 'skip');
      await readReq2.close();
      await expectRedelivered(client, closed.groupName, []);
    });

    test('closing the client closes its consumers cleanly: their acks are sent', async () => {
      const owner = target().client();
      const { groupName, type } = await groupOfOwnType(owner);
      await appendTypes(owner, [type, type]);
      const client = new EsdbClient(target().hostOptions);
      const [readReq, readResp] = client.readSubscription({ groupName, maxAckDelay: 60_000 });
      let count = 0;
      const loop = (async () => {
        for await (const event of readResp) {
          readReq.ack(event);
          count += 1;
        }
        return count;
      })();
      await until(() => count === 2);
      await client.close();
      await expect(loop).resolves.toBe(2);
      await expectRedelivered(owner, groupName, []);
    });

    test('close() ends a waiting loop; later acks are ignored; closing twice is harmless', async () => {
      const client = target().client();
      const { groupName, type } = await groupOfOwnType(client);
      const [readReq, readResp] = client.readSubscription({ groupName });
      const loop = (async () => {
        for await (const event of readResp) readReq.ack(event);
        return 'ended';
      })();
      await until(() => readResp.subscriptionId !== undefined);
      expect(readResp.subscriptionId).toBe(`$all::${groupName}`);
      await readResp.close();
      await expect(loop).resolves.toBe('ended');
      expect(() => {
        readReq.ack(randomUUID());
      }).not.toThrow();
      await readReq.close();
      // The group is free for another consumer, which gets the group's events.
      await appendTypes(client, [type]);
      await expectRedelivered(client, groupName, [0n]);
    });

    test('a group that does not exist fails with SubscriptionNotFoundError', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const [, readResp] = client.readSubscription({ groupName });
      const error = await rejectionOf(take(readResp, 1));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      expect(error).toMatchObject({ groupName, streamName: '$all' });
      await readResp.close();
    });

    test('a sixth consumer of a group (PY allows five) fails with MaximumSubscribersReachedError', async () => {
      const client = target().client();
      const { groupName } = await groupOfOwnType(client);
      const readers = Array.from({ length: 5 }, () => client.readSubscription({ groupName })[1]);
      const waiting = readers.map((readResp) => take(readResp, 1, 20_000).catch(() => []));
      try {
        await until(() => readers.every((readResp) => readResp.subscriptionId !== undefined));
        expect(readers.map((readResp) => readResp.subscriptionId)).toEqual(
          Array.from({ length: 5 }, () => `$all::${groupName}`),
        );
        const [, sixth] = client.readSubscription({ groupName });
        const error = await rejectionOf(take(sixth, 1));
        expect(error).toBeInstanceOf(MaximumSubscribersReachedError);
        expect(error).toMatchObject({ groupName, streamName: '$all' });
        await sixth.close();
      } finally {
        await Promise.all(readers.map((readResp) => readResp.close()));
        await Promise.all(waiting);
      }
    });

    test('aborting the signal fails the loop with CancelledError', async () => {
      const client = target().client();
      const { groupName } = await groupOfOwnType(client);
      const controller = new AbortController();
      const [, readResp] = client.readSubscription({ groupName, signal: controller.signal });
      const loop = take(readResp, 1, 10_000);
      await sleep(100);
      controller.abort();
      expect(await rejectionOf(loop)).toBeInstanceOf(CancelledError);
      await readResp.close();
    });

    test('bad options and bad acknowledgements are refused', () => {
      const client = target().client();
      expect(() => client.readSubscription({ groupName: '' })).toThrow(TypeError);
      expect(() => client.readSubscription({ groupName: 'g', bufferSize: 0 })).toThrow(RangeError);
      expect(() => client.readSubscription({ groupName: 'g', maxAckBatchSize: 1.5 })).toThrow(TypeError);
      expect(() => client.readSubscription({ groupName: 'g', maxAckDelay: -1 })).toThrow(RangeError);
      expect(() => client.readSubscription({ groupName: 'g', stoppingGrace: Number.NaN })).toThrow(TypeError);
      expect(() =>
        client.readSubscription({ groupName: 'g', group: 'g' } as unknown as { groupName: string }),
      ).toThrow(/unknown option 'group'/);
      const [readReq, readResp] = client.readSubscription({ groupName: 'g' });
      expect(() => {
        readReq.ack('not-a-uuid');
      }).toThrow(/UUID/);
      expect(() => {
        readReq.nack(randomUUID(), 'later' as 'retry');
      }).toThrow(/action must be/);
      return readResp.close();
    });
  });
});

/**
 * Connects a new consumer to the group and checks which of the group's events it is given: exactly the ones
 * at `positions` (in any order), and nothing more within a short wait.
 */
async function expectRedelivered(
  client: EsdbClient,
  groupName: string,
  positions: readonly bigint[],
): Promise<void> {
  // Give the server a moment to let go of the previous consumer (it hands back what that one held).
  await sleep(100);
  const [readReq, readResp] = client.readSubscription({ groupName });
  try {
    const events = positions.length === 0 ? [] : await take(readResp, positions.length);
    for (const event of events) readReq.ack(event);
    expect(positionsOf(events).sort()).toEqual([...positions].sort());
    expect(await nothingWithin(readResp, 300)).toBeUndefined();
  } finally {
    await readResp.close();
  }
}
