// Catch-up subscriptions on the wire, against a scripted server: the request of a stream subscription, the
// progress items passed on or dropped, and a stream_not_found that older servers may send.
import {
  CaughtUp,
  Checkpoint,
  EsdbClient,
  RecordedEvent,
  StreamNotFoundError,
} from '../../src/client/index.js';
import type { ReadReq } from '../../src/generated/streams.js';
import { eventResponse, startFakeStreamsServer, untilAborted } from './support/fake-streams-server.js';
import { take } from './support/subscriptions.js';
import { rejectionOf } from './support/target.js';

jest.setTimeout(30_000);

describe('catch-up subscriptions on the wire (scripted server)', () => {
  test('sends a stream subscription request, passes CaughtUp on when asked, and close() cancels the call', async () => {
    const requests: ReadReq[] = [];
    const server = await startFakeStreamsServer({
      async *read(request, context) {
        requests.push(request);
        yield { content: { $case: 'confirmation', value: { subscriptionId: 'abc' } } };
        yield eventResponse('orders', 8n, 'One');
        yield { content: { $case: 'caughtUp', value: {} } };
        yield eventResponse('orders', 9n, 'Two');
        await untilAborted(context.signal);
      },
    });
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    try {
      const plain = client.subscribeStreamEvents({
        streamName: 'orders',
        streamPosition: 7,
        resolveLinks: true,
      });
      expect((await take(plain, 2)).map((event) => event.type)).toEqual(['One', 'Two']);
      const options = requests[0]?.options;
      expect(options?.countOption?.$case).toBe('subscription');
      expect(options?.readDirection).toBe(0);
      expect(options?.resolveLinks).toBe(true);
      expect(options?.streamOption).toEqual({
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from('orders') },
          revisionOption: { $case: 'revision', value: 7n },
        },
      });
      expect(options?.filterOption?.$case).toBe('noFilter');
      expect(options?.uuidOption?.content?.$case).toBe('string');
      await plain.close();
      await untilAborted(server.calls[0]?.signal ?? AbortSignal.abort(), 5_000);
      expect(server.calls[0]?.signal.aborted).toBe(true);

      const withCaughtUp = client.subscribeStreamEvents({ streamName: 'orders', includeCaughtUp: true });
      const items = await take(withCaughtUp, 3);
      expect(items.map((item) => (item instanceof CaughtUp ? 'caught-up' : item.type))).toEqual([
        'One',
        'caught-up',
        'Two',
      ]);
      expect(requests[1]?.options?.streamOption).toEqual({
        $case: 'stream',
        value: {
          streamIdentifier: { streamName: Buffer.from('orders') },
          revisionOption: { $case: 'start', value: {} },
        },
      });
      expect(requests[1]?.options?.resolveLinks).toBe(false);
      await withCaughtUp.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('stream_not_found, as older servers may send, fails the subscription with StreamNotFoundError', async () => {
    const server = await startFakeStreamsServer({
      // eslint-disable-next-line @typescript-eslint/require-await
      async *read() {
        yield { content: { $case: 'confirmation', value: { subscriptionId: 'abc' } } };
        yield {
          content: {
            $case: 'streamNotFound',
            value: { streamIdentifier: { streamName: Buffer.from('gone') } },
          },
        };
      },
    });
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    try {
      const subscription = client.subscribeStreamEvents({ streamName: 'gone' });
      const error = await rejectionOf(take(subscription, 1));
      expect(error).toBeInstanceOf(StreamNotFoundError);
      expect((error as StreamNotFoundError).streamName).toBe('gone');
      await subscription.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('passes CaughtUp and Checkpoint items on when asked, except a checkpoint that is no position', async () => {
    const requests: ReadReq[] = [];
    const checkpoint = (position: bigint) => ({
      content: {
        $case: 'checkpoint' as const,
        value: { commitPosition: position, preparePosition: position },
      },
    });
    const server = await startFakeStreamsServer({
      async *read(request, context) {
        requests.push(request);
        yield { content: { $case: 'confirmation', value: { subscriptionId: 'abc' } } };
        // A subscription from the start that has looked at nothing yet reports (-1, -1) as UINT64 max (§3.9.1).
        yield checkpoint(0xffff_ffff_ffff_ffffn);
        yield eventResponse('s', 0n, 'One');
        yield checkpoint(1500n);
        yield { content: { $case: 'caughtUp', value: {} } };
        yield eventResponse('s', 1n, 'Two');
        yield checkpoint(2500n);
        await untilAborted(context.signal);
      },
    });
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    const describeItem = (item: RecordedEvent | CaughtUp | Checkpoint) =>
      item instanceof CaughtUp ? 'caught-up' : item instanceof Checkpoint ? item.commitPosition : item.type;
    try {
      const both = client.subscribeAllEvents({
        filterInclude: ['One|Two'],
        filterByStreamName: true,
        resolveLinks: true,
        includeCaughtUp: true,
        includeCheckpoints: true,
      });
      expect((await take(both, 5)).map(describeItem)).toEqual(['One', 1500n, 'caught-up', 'Two', 2500n]);
      const options = requests[0]?.options;
      expect(options?.resolveLinks).toBe(true);
      const filter = options?.filterOption;
      expect(filter?.$case === 'filter' ? filter.value.filter : undefined).toEqual({
        $case: 'streamIdentifier',
        value: { regex: '^(?:One|Two)$', prefix: [] },
      });
      await both.close();

      const caughtUpOnly = client.subscribeAllEvents({ includeCaughtUp: true });
      expect((await take(caughtUpOnly, 3)).map(describeItem)).toEqual(['One', 'caught-up', 'Two']);
      expect(requests[1]?.options?.resolveLinks).toBe(false);
      await caughtUpOnly.close();

      const checkpointsOnly = client.subscribeAllEvents({ includeCheckpoints: true });
      expect((await take(checkpointsOnly, 4)).map(describeItem)).toEqual(['One', 1500n, 'Two', 2500n]);
      await checkpointsOnly.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
