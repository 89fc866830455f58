// Which failures a self-healing catch-up subscription (issue 12 §1) tries again after, and which end it:
// against a scripted server, and a rogue one for the answers that are not proper gRPC (§4.1).
import { ServerError, Status } from 'nice-grpc';
import {
  AccessDeniedError,
  CancelledError,
  EsdbClient,
  ProtocolError,
  StreamDeletedError,
} from '../../src/client/index.js';
import { ReadResp } from '../../src/generated/streams.js';
import { eventResponse } from './support/fake-streams-server.js';
import { PATHS, startRogueServer, truncatedFrame } from './support/rogue-server.js';
import { CONFIRMATION, FAST, revisionsOf, scriptedServer, stopAll } from './support/scripted-reads.js';
import { take } from './support/subscriptions.js';
import { rejectionOf } from './support/target.js';

jest.setTimeout(30_000);

describe('which failures are transient (scripted server)', () => {
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

  test('ABORTED, the server timing the call out (older servers: "consumer too slow"), is retried', async () => {
    const setup = await scriptedServer([
      {
        messages: [CONFIRMATION, eventResponse('s', 0n)],
        error: new ServerError(
          Status.ABORTED,
          'Operation timed out: Consumer too slow to handle event while live.',
        ),
      },
      { messages: [CONFIRMATION, eventResponse('s', 1n)] },
    ]);
    try {
      const subscription = setup.client.subscribeStreamEvents({ streamName: 's', resubscribe: FAST });
      expect(revisionsOf(await take(subscription, 2))).toEqual([0n, 1n]);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });

  test('a subscription of a closed client ends with CancelledError, without retrying', async () => {
    const setup = await scriptedServer([{ messages: [CONFIRMATION] }]);
    try {
      await setup.client.close();
      const subscription = setup.client.subscribeStreamEvents({ streamName: 's', resubscribe: FAST });
      expect(await rejectionOf(take(subscription, 1))).toBeInstanceOf(CancelledError);
      expect(setup.requests).toHaveLength(0);
      await subscription.close();
    } finally {
      await stopAll(setup);
    }
  });
});

describe('protocol errors (rogue server)', () => {
  test.each([
    ['ends without a status (as under a node shutting down): retried', { end: 'end' as const }, 3],
    ['is reset with NO_ERROR before a status (a node shutting down): retried', { end: 'reset' as const }, 3],
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
