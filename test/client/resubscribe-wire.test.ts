// Catch-up subscriptions that heal themselves (issue 12 §1), against a scripted server that fails calls on
// demand: where a resubscription resumes, the attempts, their backoff and observer, and stopping meanwhile.
import {
  CancelledError,
  CaughtUp,
  Checkpoint,
  DeadlineExceededError,
  type ReconnectInfo,
  RecordedEvent,
  ServiceUnavailableError,
} from '../../src/client/index.js';
import { eventResponse } from './support/fake-streams-server.js';
import {
  CAUGHT_UP,
  checkpoint,
  CONFIRMATION,
  FAST,
  revisionsOf,
  scriptedServer,
  stopAll,
  unavailable,
} from './support/scripted-reads.js';
import { take } from './support/subscriptions.js';
import { rejectionOf } from './support/target.js';

jest.setTimeout(30_000);

describe('catch-up subscriptions resubscribe by themselves (scripted server)', () => {
  test('a stream subscription resumes after the last event delivered; onReconnect is told first', async () => {
    const setup = await scriptedServer([
      { messages: [CONFIRMATION, eventResponse('s', 0n), eventResponse('s', 1n)], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 2n), eventResponse('s', 3n)] },
    ]);
    const seen: ReconnectInfo[] = [];
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        resubscribe: FAST,
        onReconnect: (info) => seen.push(info),
      });
      expect(revisionsOf(await take(subscription, 4))).toEqual([0n, 1n, 2n, 3n]);
      expect(setup.requests[0]?.options?.streamOption).toMatchObject({
        value: { revisionOption: { $case: 'start' } },
      });
      expect(setup.requests[1]?.options?.streamOption).toMatchObject({
        value: { revisionOption: { $case: 'revision', value: 1n } },
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.attempt).toBe(1);
      expect(seen[0]?.error).toBeInstanceOf(ServiceUnavailableError);
      expect(seen[0]?.delay).toBeLessThanOrEqual(FAST.initialDelay);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('a subscription that delivered nothing resubscribes from its original start', async () => {
    const setup = await scriptedServer([
      { messages: [CONFIRMATION], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 8n)] },
    ]);
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        streamPosition: 7,
        resubscribe: FAST,
      });
      expect(revisionsOf(await take(subscription, 1))).toEqual([8n]);
      for (const request of setup.requests) {
        expect(request.options?.streamOption).toMatchObject({
          value: { revisionOption: { $case: 'revision', value: 7n } },
        });
      }
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('a filtered $all subscription resumes after the later of its last event and its last checkpoint', async () => {
    const setup = await scriptedServer([
      // Event 0 is at commit position 1000; the checkpoint at 5000 says nothing matched since.
      { messages: [CONFIRMATION, eventResponse('s', 0n), checkpoint(5000n)], error: unavailable() },
      // A checkpoint that is no position (UINT64 max, §3.9.1) must not move the resume point.
      { messages: [CONFIRMATION, checkpoint(0xffff_ffff_ffff_ffffn)], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 4100n)] },
    ]);
    try {
      const subscription = setup.client.subscribeAllEvents({
        filterInclude: ['s'],
        filterByStreamName: true,
        includeCheckpoints: true,
        resubscribe: FAST,
      });
      const items = await take(subscription, 3);
      expect(items.map((item) => item.commitPosition)).toEqual([1000n, 5000n, 5100n]);
      expect(items[1]).toBeInstanceOf(Checkpoint);
      const positions = setup.requests.map((request) => request.options?.streamOption);
      expect(positions[0]).toMatchObject({ value: { allOption: { $case: 'start' } } });
      expect(positions[1]).toMatchObject({ value: { allOption: { value: { commitPosition: 5000n } } } });
      expect(positions[2]).toMatchObject({ value: { allOption: { value: { commitPosition: 5000n } } } });
      expect(setup.requests[2]?.options?.filterOption?.$case).toBe('filter');
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('CaughtUp comes again after a resubscription', async () => {
    const setup = await scriptedServer([
      { messages: [CONFIRMATION, eventResponse('s', 0n), CAUGHT_UP], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 1n), CAUGHT_UP] },
    ]);
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        includeCaughtUp: true,
        resubscribe: FAST,
      });
      const items = await take(subscription, 4);
      expect(items.map((item) => (item instanceof CaughtUp ? 'caught-up' : item.streamPosition))).toEqual([
        0n,
        'caught-up',
        1n,
        'caught-up',
      ]);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('a second caught_up on the same call (the server fell behind, §3.8.1) is a second CaughtUp', async () => {
    const setup = await scriptedServer([
      {
        messages: [
          CONFIRMATION,
          eventResponse('s', 0n),
          CAUGHT_UP,
          eventResponse('s', 1n),
          eventResponse('s', 2n),
          CAUGHT_UP,
          eventResponse('s', 3n),
        ],
      },
    ]);
    try {
      const subscription = setup.client.subscribeStreamEvents({ streamName: 's', includeCaughtUp: true });
      const items = await take(subscription, 6);
      expect(items.map((item) => (item instanceof CaughtUp ? 'caught-up' : item.streamPosition))).toEqual([
        0n,
        'caught-up',
        1n,
        2n,
        'caught-up',
        3n,
      ]);
      expect(setup.requests).toHaveLength(1);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('resubscribe: false ends the loop with the transient error, after one call', async () => {
    const setup = await scriptedServer([
      { messages: [CONFIRMATION, eventResponse('s', 0n)], error: unavailable() },
    ]);
    try {
      const subscription = setup.client.subscribeStreamEvents({ streamName: 's', resubscribe: false });
      const iterator = subscription[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toBeInstanceOf(RecordedEvent);
      expect(await rejectionOf(iterator.next())).toBeInstanceOf(ServiceUnavailableError);
      expect(setup.requests).toHaveLength(1);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('maxAttempts bounds the attempts in a row, and maxDelay each delay; the last error ends the loop', async () => {
    const setup = await scriptedServer([{ messages: [], error: unavailable() }]);
    const seen: ReconnectInfo[] = [];
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        resubscribe: { maxAttempts: 4, initialDelay: 2, maxDelay: 6 },
        onReconnect: (info) => seen.push(info),
      });
      expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(ServiceUnavailableError);
      expect(setup.requests).toHaveLength(5);
      expect(seen.map((info) => info.attempt)).toEqual([1, 2, 3, 4]);
      for (const info of seen) expect(info.delay).toBeLessThanOrEqual(6);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('the attempts count from 1 again once a call has reached the server; a throwing observer is ignored', async () => {
    const setup = await scriptedServer([
      { messages: [], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 0n)], error: unavailable() },
      { messages: [], error: unavailable() },
      { messages: [CONFIRMATION, eventResponse('s', 1n)] },
    ]);
    const attempts: number[] = [];
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        resubscribe: { maxAttempts: 2, ...FAST },
        onReconnect: ({ attempt }) => {
          attempts.push(attempt);
          throw new Error('observer failure');
        },
      });
      expect(revisionsOf(await take(subscription, 2))).toEqual([0n, 1n]);
      expect(attempts).toEqual([1, 1, 2]);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('the caller aborting its signal while the subscription waits to resubscribe ends it with CancelledError', async () => {
    const setup = await scriptedServer([{ messages: [], error: unavailable() }]);
    const controller = new AbortController();
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        signal: controller.signal,
        resubscribe: { initialDelay: 10_000, maxDelay: 10_000 },
        onReconnect: () => {
          setTimeout(() => {
            controller.abort();
          }, 20);
        },
      });
      const started = performance.now();
      expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(CancelledError);
      expect(performance.now() - started).toBeLessThan(5_000);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('close() while the subscription waits to resubscribe ends the loop at once, without error', async () => {
    const setup = await scriptedServer([{ messages: [], error: unavailable() }]);
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        resubscribe: { initialDelay: 10_000, maxDelay: 10_000 },
        onReconnect: () => {
          setTimeout(() => void subscription.close(), 20);
        },
      });
      const started = performance.now();
      expect(await take(subscription, 1).catch((error: unknown) => error)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await stopAll(setup);
    }
  });

  test('timeout covers the resubscriptions: the subscription ends with DeadlineExceededError', async () => {
    const setup = await scriptedServer([{ messages: [], error: unavailable() }]);
    try {
      const subscription = setup.client.subscribeStreamEvents({
        streamName: 's',
        timeout: 300,
        resubscribe: { initialDelay: 20, maxDelay: 20 },
      });
      expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(DeadlineExceededError);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });
});
