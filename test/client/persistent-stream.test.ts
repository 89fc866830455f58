// createStreamSubscription and readStreamSubscription against a server, in insecure and secure mode: groups on
// one stream from the start, from the end and from an (inclusive) stream position, a stream that does not exist
// yet, acks and redelivery, nack retry and retryCount, the consumer's subscription id, and the errors.
import { randomUUID } from 'node:crypto';
import {
  type EsdbClient,
  PersistentRecordedEvent,
  SubscriptionExistsError,
  SubscriptionNotFoundError,
} from '../../src/client/index.js';
import { nothingWithin, sleep, take, textEvent, uniqueGroup } from './support/subscriptions.js';
import { MODES, rejectionOf, textOf, uniqueStream, useClientTarget } from './support/target.js';

jest.setTimeout(30_000);

/** Appends `count` events (data "0", "1", …) to a new stream. */
async function streamOf(client: EsdbClient, count: number): Promise<string> {
  const streamName = uniqueStream('stream-group');
  const events = Array.from({ length: count }, (_, index) => textEvent('Counted', String(index)));
  await client.appendEvents({ streamName, expectedPosition: null, events });
  return streamName;
}

const dataOf = (events: readonly PersistentRecordedEvent[]): string[] =>
  events.map((event) => textOf(event.data));

describe.each(MODES)('persistent subscriptions on a stream (%s)', (mode) => {
  const target = useClientTarget(mode);

  describe('createStreamSubscription', () => {
    test('by default a group delivers the stream from its first event, then new ones', async () => {
      const client = target().client();
      const streamName = await streamOf(client, 3);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName });
      const [readReq, readResp] = client.readStreamSubscription({ groupName, streamName });
      try {
        const recorded = await take(readResp, 3);
        expect(dataOf(recorded)).toEqual(['0', '1', '2']);
        expect(recorded.map((event) => event.streamPosition)).toEqual([0n, 1n, 2n]);
        expect(recorded.every((event) => event instanceof PersistentRecordedEvent)).toBe(true);
        expect(recorded.every((event) => event.streamName === streamName && event.retryCount === 0)).toBe(
          true,
        );
        expect(readResp.subscriptionId).toBe(`${streamName}::${groupName}`);
        for (const event of recorded) readReq.ack(event);
        await client.appendEvents({ streamName, expectedPosition: 2, events: [textEvent('Counted', '3')] });
        expect(dataOf(await take(readResp, 1))).toEqual(['3']);
      } finally {
        await readResp.close();
      }
    });

    test('fromEnd delivers only the events recorded after the group was created', async () => {
      const client = target().client();
      const streamName = await streamOf(client, 2);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName, fromEnd: true });
      const [, readResp] = client.readStreamSubscription({ groupName, streamName });
      try {
        const waiting = take(readResp, 1);
        await sleep(200);
        await client.appendEvents({ streamName, expectedPosition: 1, events: [textEvent('Counted', 'new')] });
        const [event] = await waiting;
        expect([event?.streamPosition, event && textOf(event.data)]).toEqual([2n, 'new']);
      } finally {
        await readResp.close();
      }
    });

    test('streamPosition starts the group at that event, which is included', async () => {
      const client = target().client();
      const streamName = await streamOf(client, 5);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName, streamPosition: 3 });
      const [, readResp] = client.readStreamSubscription({ groupName, streamName });
      try {
        expect(dataOf(await take(readResp, 2))).toEqual(['3', '4']);
        expect(await nothingWithin(readResp, 200)).toBeUndefined();
      } finally {
        await readResp.close();
      }
    });

    test('a group on a stream that does not exist yet waits for its first event', async () => {
      const client = target().client();
      const streamName = uniqueStream('stream-group-later');
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName });
      const [, readResp] = client.readStreamSubscription({ groupName, streamName });
      try {
        const waiting = take(readResp, 1);
        await sleep(200);
        await client.appendEvents({ streamName, expectedPosition: null, events: [textEvent('First', 'x')] });
        expect(dataOf(await waiting)).toEqual(['x']);
      } finally {
        await readResp.close();
      }
    });

    test('groups are named by stream and name: the same name on another stream or on $all is another group', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const streamName = uniqueStream('stream-group-a');
      await client.createStreamSubscription({ groupName, streamName });
      await client.createStreamSubscription({ groupName, streamName: uniqueStream('stream-group-b') });
      await client.createSubscription({ groupName, fromEnd: true });
      const error = await rejectionOf(client.createStreamSubscription({ groupName, streamName }));
      expect(error).toBeInstanceOf(SubscriptionExistsError);
      expect(error).toMatchObject({ groupName, streamName });
    });

    test('bad options are refused before anything is sent', async () => {
      const client = target().client();
      const create = (options: object) =>
        client.createStreamSubscription({ groupName: 'g', streamName: 's', ...options });
      await expect(
        client.createStreamSubscription({ groupName: 'g' } as { groupName: string; streamName: string }),
      ).rejects.toThrow(/createStreamSubscription: streamName must be a string/);
      await expect(create({ streamName: '' })).rejects.toThrow(TypeError);
      await expect(create({ streamName: '$all' })).rejects.toThrow(/streamName must not be '\$all'/);
      await expect(create({ groupName: '' })).rejects.toThrow(/groupName must not be empty/);
      await expect(create({ streamPosition: -1 })).rejects.toThrow(RangeError);
      await expect(create({ streamPosition: 2n ** 63n })).rejects.toThrow(
        /streamPosition must be at most 2\^63-1/,
      );
      await expect(create({ streamPosition: 1.5 })).rejects.toThrow(TypeError);
      await expect(create({ fromEnd: 1 })).rejects.toThrow(/fromEnd must be a boolean/);
      await expect(create({ commitPosition: 0 })).rejects.toThrow(/unknown option 'commitPosition'/);
      await expect(create({ filterInclude: ['x'] })).rejects.toThrow(/unknown option 'filterInclude'/);
    });
  });

  describe('readStreamSubscription', () => {
    test('acknowledged events are not delivered again; unacknowledged ones are', async () => {
      const client = target().client();
      const streamName = await streamOf(client, 3);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName });
      const [readReq1, readResp1] = client.readStreamSubscription({ groupName, streamName });
      const first = await take(readResp1, 3);
      readReq1.ack(first[0] ?? '');
      await readResp1.close();

      await sleep(100);
      const [readReq2, readResp2] = client.readStreamSubscription({ groupName, streamName });
      try {
        const again = await take(readResp2, 2);
        expect(dataOf(again)).toEqual(['1', '2']);
        for (const event of again) readReq2.ack(event);
        expect(await nothingWithin(readResp2, 200)).toBeUndefined();
      } finally {
        await readResp2.close();
      }
    });

    test('nack retry delivers the event again with retryCount 1', async () => {
      const client = target().client();
      const streamName = await streamOf(client, 1);
      const groupName = uniqueGroup();
      await client.createStreamSubscription({ groupName, streamName });
      const [readReq, readResp] = client.readStreamSubscription({ groupName, streamName, maxAckDelay: 0 });
      try {
        const [event] = await take(readResp, 1);
        expect(event?.retryCount).toBe(0);
        readReq.nack(event ?? '', 'retry');
        const [again] = await take(readResp, 1);
        expect([again?.id, again?.retryCount]).toEqual([event?.id, 1]);
        readReq.ack(again ?? '');
        expect(await nothingWithin(readResp, 200)).toBeUndefined();
      } finally {
        await readResp.close();
      }
    });

    test('a group that does not exist on the stream fails with SubscriptionNotFoundError', async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      // A group on $all of that name is not the stream's.
      await client.createSubscription({ groupName, fromEnd: true });
      const streamName = uniqueStream('no-group');
      const [, readResp] = client.readStreamSubscription({ groupName, streamName });
      const error = await rejectionOf(take(readResp, 1));
      expect(error).toBeInstanceOf(SubscriptionNotFoundError);
      expect(error).toMatchObject({ groupName, streamName });
      await readResp.close();
    });

    test("streamName '$all' names the group on all streams, as SubscriptionInfo.streamName does", async () => {
      const client = target().client();
      const groupName = uniqueGroup();
      const type = `AllByName${randomUUID().replace(/-/g, '')}`;
      await client.createSubscription({ groupName, filterInclude: [type] });
      await client.appendEvents({
        streamName: uniqueStream('all-by-name'),
        expectedPosition: null,
        events: [textEvent(type, 'via $all')],
      });
      const [, readResp] = client.readStreamSubscription({ groupName, streamName: '$all' });
      try {
        expect(dataOf(await take(readResp, 1))).toEqual(['via $all']);
        expect(readResp.subscriptionId).toBe(`$all::${groupName}`);
      } finally {
        await readResp.close();
      }
    });

    test('bad options are refused', () => {
      const client = target().client();
      expect(() =>
        client.readStreamSubscription({ groupName: 'g' } as { groupName: string; streamName: string }),
      ).toThrow(/readStreamSubscription: streamName must be a string/);
      expect(() => client.readStreamSubscription({ groupName: 'g', streamName: '' })).toThrow(TypeError);
      expect(() => client.readStreamSubscription({ groupName: '', streamName: 's' })).toThrow(
        /readStreamSubscription: groupName/,
      );
      expect(() => client.readStreamSubscription({ groupName: 'g', streamName: 's', bufferSize: 0 })).toThrow(
        /readStreamSubscription: bufferSize/,
      );
      expect(() =>
        client.readStreamSubscription({ groupName: 'g', streamName: 's', maxAckDelay: -1 }),
      ).toThrow(RangeError);
      expect(() =>
        client.readStreamSubscription({ groupName: 'g', streamName: 's', stream: 's' } as unknown as {
          groupName: string;
          streamName: string;
        }),
      ).toThrow(/unknown option 'stream'/);
    });
  });
});
