// Catch-up subscriptions that heal themselves (issue 12 §1), against a scripted server that fails calls on
// demand: where a resubscription resumes, which failures are transient, the backoff and its observer.
import { ServerError, Status } from 'nice-grpc';
import {
  AccessDeniedError,
  CancelledError,
  CaughtUp,
  Checkpoint,
  DeadlineExceededError,
  EsdbClient,
  ProtocolError,
  type ReconnectInfo,
  RecordedEvent,
  ServiceUnavailableError,
  StreamDeletedError,
} from '../../src/client/index.js';
import { type DeepPartial, type ReadReq, ReadResp } from '../../src/generated/streams.js';
import { backoffDelay } from '../../src/client/subscriptions/backoff.js';
import {
  eventResponse,
  type FakeStreamsServer,
  startFakeStreamsServer,
} from './support/fake-streams-server.js';
import { PATHS, startRogueServer, truncatedFrame } from './support/rogue-server.js';
import { take } from './support/subscriptions.js';
import { rejectionOf } from './support/target.js';

jest.setTimeout(30_000);

const CONFIRMATION: DeepPartial<ReadResp> = {
  content: { $case: 'confirmation', value: { subscriptionId: 'x' } },
};
const CAUGHT_UP: DeepPartial<ReadResp> = { content: { $case: 'caughtUp', value: {} } };
const checkpoint = (position: bigint): DeepPartial<ReadResp> => ({
  content: { $case: 'checkpoint', value: { commitPosition: position, preparePosition: position } },
});
const FAST = { initialDelay: 1, maxDelay: 5 };

/** A script per call: the messages it sends, then the error it fails with (undefined: it stays open). */
interface CallScript {
  readonly messages: readonly DeepPartial<ReadResp>[];
  readonly error?: ServerError | undefined;
  /** Trailers sent with the error (the `exception` key, §3.1.1). */
  readonly trailers?: Readonly<Record<string, string>>;
}

const unavailable = (): ServerError => new ServerError(Status.UNAVAILABLE, 'node going away');

/** A fake whose n-th Read call follows `scripts[n]` (the last one for later calls), recording the requests. */
async function scriptedServer(
  scripts: readonly CallScript[],
): Promise<{ server: FakeStreamsServer; requests: ReadReq[]; client: EsdbClient }> {
  const requests: ReadReq[] = [];
  const server = await startFakeStreamsServer({
    async *read(request, context) {
      const script = scripts[Math.min(requests.length, scripts.length - 1)];
      requests.push(request);
      for (const message of script?.messages ?? []) yield message;
      for (const [key, value] of Object.entries(script?.trailers ?? {})) context.trailer.set(key, value);
      if (script?.error !== undefined) throw script.error;
      await new Promise((resolve) => {
        context.signal.addEventListener('abort', resolve);
      });
    },
  });
  return { server, requests, client: new EsdbClient({ host: server.host, port: server.port, tls: false }) };
}

async function stopAll(setup: { server: FakeStreamsServer; client: EsdbClient }): Promise<void> {
  await setup.client.close();
  await setup.server.stop();
}

const revisionsOf = (items: readonly unknown[]): bigint[] =>
  items.filter((item) => item instanceof RecordedEvent).map((event) => event.streamPosition);

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

  test.each([
    ['access denied', new ServerError(Status.PERMISSION_DENIED, 'no'), {}, AccessDeniedError],
    [
      'a tombstoned stream',
      new ServerError(Status.FAILED_PRECONDITION, 'Event stream s is deleted.'),
      { exception: 'stream-deleted', 'stream-name': 's' },
      StreamDeletedError,
    ],
  ])(
    'a non-transient failure (%s) ends the loop at once, with its typed error',
    async (_name, error, trailers, expected) => {
      const setup = await scriptedServer([{ messages: [CONFIRMATION], error, trailers }]);
      try {
        const subscription = setup.client.subscribeStreamEvents({ streamName: 's', resubscribe: FAST });
        expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(expected);
        expect(setup.requests).toHaveLength(1);
        await subscription.close();
      } finally {
        await stopAll(setup);
      }
    },
  );

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

describe('protocol errors (rogue server)', () => {
  test.each([
    ['ends without a status (as under a node shutting down): retried', { end: 'end' as const }, 3],
    [
      'cuts its last message short: not retried',
      { body: [truncatedFrame(ReadResp.encode(ReadResp.fromPartial(eventResponse('s', 0n))).finish(), 3)] },
      1,
    ],
  ])('a response that %s', async (_name, answer, calls) => {
    const server = await startRogueServer((path) => (path === PATHS.read ? answer : undefined));
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    try {
      const subscription = client.subscribeStreamEvents({
        streamName: 's',
        resubscribe: { maxAttempts: 2, ...FAST },
      });
      expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(ProtocolError);
      expect(server.paths.filter((path) => path === PATHS.read)).toHaveLength(calls);
      await subscription.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe('the resubscribe options', () => {
  const client = new EsdbClient({ host: '127.0.0.1', port: 1, tls: false });
  afterAll(() => client.close());

  test.each([
    [{ resubscribe: true }, TypeError, 'subscribeAllEvents: resubscribe must be false or an object'],
    [{ resubscribe: null }, TypeError, 'subscribeAllEvents: resubscribe must be false or an object'],
    [{ resubscribe: { maxAttempts: 0 } }, RangeError, 'subscribeAllEvents: resubscribe.maxAttempts'],
    [{ resubscribe: { maxAttempts: 1.5 } }, RangeError, 'subscribeAllEvents: resubscribe.maxAttempts'],
    [{ resubscribe: { maxAttempts: '3' } }, TypeError, 'subscribeAllEvents: resubscribe.maxAttempts'],
    [{ resubscribe: { initialDelay: -1 } }, RangeError, 'subscribeAllEvents: resubscribe.initialDelay'],
    [{ resubscribe: { maxDelay: 'x' } }, TypeError, 'subscribeAllEvents: resubscribe.maxDelay'],
    [
      { resubscribe: { initialDelay: 10, maxDelay: 5 } },
      RangeError,
      'subscribeAllEvents: resubscribe.maxDelay',
    ],
    [
      { resubscribe: { retries: 3 } },
      TypeError,
      "subscribeAllEvents: resubscribe has an unknown option 'retries'",
    ],
    [{ onReconnect: 'log' }, TypeError, 'subscribeAllEvents: onReconnect must be a function'],
  ])('subscribeAllEvents(%j) is refused', (options, kind, message) => {
    const call = (): unknown => client.subscribeAllEvents(options as never);
    expect(call).toThrow(kind);
    expect(call).toThrow(message);
  });

  test('subscribeStreamEvents, readSubscription and readStreamSubscription check them too', () => {
    expect(() => client.subscribeStreamEvents({ streamName: 's', resubscribe: 1 as never })).toThrow(
      'subscribeStreamEvents: resubscribe must be false or an object',
    );
    expect(() => client.readSubscription({ groupName: 'g', resubscribe: { maxAttempts: -1 } })).toThrow(
      'readSubscription: resubscribe.maxAttempts',
    );
    expect(() =>
      client.readStreamSubscription({ groupName: 'g', streamName: 's', onReconnect: 1 as never }),
    ).toThrow('readStreamSubscription: onReconnect must be a function');
  });

  test('accepted values: false, {}, Infinity attempts, zero delays', () => {
    for (const resubscribe of [
      false,
      {},
      { maxAttempts: Infinity },
      { initialDelay: 0, maxDelay: 0 },
    ] as const) {
      void client.subscribeAllEvents({ resubscribe }).close();
    }
  });
});

describe('the backoff', () => {
  test('doubles from initialDelay up to maxDelay, less up to half as jitter', () => {
    const limits = { initialDelay: 100, maxDelay: 1000 };
    expect([1, 2, 3, 4, 5, 40].map((attempt) => backoffDelay(attempt, limits, 0))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 5].map((attempt) => backoffDelay(attempt, limits, 0.9999))).toEqual([50, 100, 500]);
  });
});
