// The options of self-healing subscriptions (issue 12 §1), checked before anything is sent, and the backoff
// between attempts.
import { EsdbClient } from '../../src/client/index.js';
import { backoffDelay } from '../../src/client/calls/backoff.js';

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
