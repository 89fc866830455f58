// Deadlines, cancellation, close(), request headers and end-to-end error mapping, against a scripted server
// that can hang, answer late, or fail with chosen statuses and trailers.
import { ServerError, Status } from 'nice-grpc';
import {
  CancelledError,
  DeadlineExceededError,
  EsdbClient,
  GrpcError,
  MaximumSubscribersReachedError,
  NewEvent,
  NotLeaderError,
} from '../../src/client/index.js';
import {
  eventResponse,
  type FakeHandlers,
  type FakeStreamsServer,
  startFakeStreamsServer,
  untilAborted,
} from './support/fake-streams-server.js';
import { rejectionOf, utf8 } from './support/target.js';

const anEvent = (): NewEvent => new NewEvent({ type: 'T', data: utf8('x') });

const running: FakeStreamsServer[] = [];
const clients: EsdbClient[] = [];

async function fake(handlers: FakeHandlers, tls = false): Promise<FakeStreamsServer> {
  const server = await startFakeStreamsServer(handlers, tls);
  running.push(server);
  return server;
}

function clientOf(server: FakeStreamsServer, options: { defaultDeadline?: number } = {}): EsdbClient {
  const client = new EsdbClient({ host: server.host, port: server.port, tls: false, ...options });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

/** An Append that never answers until the client cancels it. */
const hangingAppend: FakeHandlers = {
  async append(_requests, context) {
    await untilAborted(context.signal);
    throw new ServerError(Status.CANCELLED, 'cancelled');
  },
};

/** A Read that never sends anything until the client cancels it. */
const hangingRead: FakeHandlers = {
  async *read(_request, context) {
    await untilAborted(context.signal);
    yield* [];
  },
};

/** A Read that sends one event after `ms` milliseconds, then ends. */
const lateRead = (ms: number): FakeHandlers => ({
  async *read() {
    await new Promise((resolve) => setTimeout(resolve, ms));
    yield eventResponse('late', 0n);
  },
});

describe('deadlines', () => {
  test('a call that outlives its timeout fails with DeadlineExceededError and is cancelled', async () => {
    const server = await fake(hangingAppend);
    const client = clientOf(server);
    const started = Date.now();
    const error = await rejectionOf(
      client.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()], timeout: 100 }),
    );
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await untilAborted(server.calls[0]?.signal ?? AbortSignal.abort(), 5_000);
    expect(server.calls[0]?.signal.aborted).toBe(true);
  });

  test('non-streaming calls get the client default deadline', async () => {
    const server = await fake(hangingAppend);
    const client = clientOf(server, { defaultDeadline: 150 });
    await expect(
      client.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] }),
    ).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  test('getStreamPosition and getCommitPosition are non-streaming: the default deadline applies', async () => {
    const server = await fake(hangingRead);
    const client = clientOf(server, { defaultDeadline: 150 });
    await expect(client.getStreamPosition({ streamName: 's' })).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(client.getCommitPosition()).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  test('a per-call timeout replaces the default deadline', async () => {
    const server = await fake(lateRead(300));
    const client = clientOf(server, { defaultDeadline: 100 });
    expect(await client.getStreamPosition({ streamName: 'late', timeout: 5_000 })).toBe(0n);
  });

  test('timeout: Infinity means no deadline at all', async () => {
    const server = await fake(lateRead(300));
    const client = clientOf(server, { defaultDeadline: 100 });
    expect(await client.getStreamPosition({ streamName: 'late', timeout: Infinity })).toBe(0n);
  });

  test('streaming reads have no deadline unless given one', async () => {
    const server = await fake(lateRead(300));
    const client = clientOf(server, { defaultDeadline: 100 });
    const events = await client.readStreamEvents({ streamName: 'late' }).toArray();
    expect(events.map((event) => event.streamPosition)).toEqual([0n]);
  });

  test('a streaming read with a timeout fails with DeadlineExceededError and is cancelled', async () => {
    const server = await fake(hangingRead);
    const client = clientOf(server);
    const error = await rejectionOf(client.readAllEvents({ timeout: 100 }).toArray());
    expect(error).toBeInstanceOf(DeadlineExceededError);
    await untilAborted(server.calls[0]?.signal ?? AbortSignal.abort(), 5_000);
    expect(server.calls[0]?.signal.aborted).toBe(true);
  });
});

describe('cancellation', () => {
  test('aborting the signal cancels the call with CancelledError carrying the reason', async () => {
    const server = await fake(hangingAppend);
    const client = clientOf(server);
    const controller = new AbortController();
    const pending = rejectionOf(
      client.appendEvents({
        streamName: 's',
        expectedPosition: -1,
        events: [anEvent()],
        signal: controller.signal,
      }),
    );
    setTimeout(() => {
      controller.abort(new Error('user gave up'));
    }, 50);
    const error = await pending;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).cause).toEqual(new Error('user gave up'));
    await untilAborted(server.calls[0]?.signal ?? AbortSignal.abort(), 5_000);
    expect(server.calls[0]?.signal.aborted).toBe(true);
  });

  test('an already aborted signal fails at once, and nothing reaches the server', async () => {
    const server = await fake(hangingRead);
    const client = clientOf(server);
    const signal = AbortSignal.abort();
    await expect(client.readStreamEvents({ streamName: 's', signal }).toArray()).rejects.toBeInstanceOf(
      CancelledError,
    );
    await expect(client.getCommitPosition({ signal })).rejects.toBeInstanceOf(CancelledError);
    expect(server.calls).toHaveLength(0);
  });

  test('aborting a streaming read cancels it', async () => {
    const server = await fake(hangingRead);
    const client = clientOf(server);
    const controller = new AbortController();
    const pending = rejectionOf(client.readAllEvents({ signal: controller.signal }).toArray());
    setTimeout(() => {
      controller.abort();
    }, 50);
    expect(await pending).toBeInstanceOf(CancelledError);
  });

  test('leaving a read loop early cancels the call on the server', async () => {
    const server = await fake({
      async *read(_request, context) {
        for (let revision = 0n; !context.signal.aborted; revision += 1n) {
          yield eventResponse('endless', revision);
          if (revision % 10n === 0n) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      },
    });
    const client = clientOf(server);
    let seen = 0;
    for await (const event of client.readStreamEvents({ streamName: 'endless' })) {
      seen += 1;
      if (event.streamPosition === 4n) break;
    }
    expect(seen).toBe(5);
    await untilAborted(server.calls[0]?.signal ?? AbortSignal.abort(), 5_000);
    expect(server.calls[0]?.signal.aborted).toBe(true);
  });
});

describe('streaming', () => {
  test('a consumer that stops pulling holds the server back: reads stream, they are not buffered whole', async () => {
    const total = 200_000;
    let produced = 0;
    const server = await fake({
      async *read(_request, context) {
        for (let revision = 0n; revision < BigInt(total) && !context.signal.aborted; revision += 1n) {
          produced += 1;
          yield eventResponse('long', revision);
        }
        await Promise.resolve();
      },
    });
    const client = clientOf(server);
    const iterator = client.readStreamEvents({ streamName: 'long' })[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i += 1) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Only what fits in the transport's flow-control windows and buffers was produced, not the whole stream.
    expect(produced).toBeLessThan(total / 4);
    await iterator.return?.();
  });
});

describe('close()', () => {
  test('cancels calls in progress with CancelledError, and later calls fail the same way', async () => {
    const server = await fake(hangingRead);
    const client = clientOf(server);
    const pending = rejectionOf(client.readAllEvents().toArray());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.close();
    expect(await pending).toBeInstanceOf(CancelledError);
    await expect(client.getCommitPosition()).rejects.toBeInstanceOf(CancelledError);
    await expect(client.readStreamEvents({ streamName: 's' }).toArray()).rejects.toBeInstanceOf(
      CancelledError,
    );
    await client.close(); // twice is harmless
  });
});

describe('request headers', () => {
  test('connection-name is sent on every call; credentials are not sent over cleartext', async () => {
    const server = await fake(lateRead(0));
    const client = new EsdbClient({
      uri: `esdb://admin:changeit@${server.host}:${server.port}?tls=false&connectionName=my%20app`,
    });
    clients.push(client);
    expect(client.connectionName).toBe('my app');
    await client.getStreamPosition({ streamName: 'late' });
    await client.readAllEvents().toArray();
    expect(server.calls.map((call) => call.metadata.get('connection-name'))).toEqual(['my app', 'my app']);
    expect(server.calls.some((call) => call.metadata.has('authorization'))).toBe(false);
  });

  test('without a connectionName a random UUID is sent', async () => {
    const server = await fake(lateRead(0));
    const client = clientOf(server);
    await client.getStreamPosition({ streamName: 'late' });
    expect(client.connectionName).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.calls[0]?.metadata.get('connection-name')).toBe(client.connectionName);
  });

  test('over TLS, credentials are sent as Basic authorization', async () => {
    const server = await fake(lateRead(0), true);
    const client = new EsdbClient({
      host: server.host,
      port: server.port,
      serverCert: server.caCert,
      username: 'admin',
      password: 'p@ss:word',
    });
    clients.push(client);
    await client.getStreamPosition({ streamName: 'late' });
    expect(server.calls[0]?.metadata.get('authorization')).toBe(
      `Basic ${Buffer.from('admin:p@ss:word').toString('base64')}`,
    );
  });
});

describe('every call goes through the pipeline', () => {
  const appendAndRead: FakeHandlers = {
    ...lateRead(0),
    append: () =>
      Promise.resolve({
        result: {
          $case: 'success',
          value: {
            positionOption: { $case: 'position', value: { commitPosition: 1n, preparePosition: 1n } },
          },
        },
      }),
  };

  test('requires-leader: true on writes; on reads as the node preference says', async () => {
    const server = await fake(appendAndRead);
    const leader = clientOf(server);
    await leader.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] });
    await leader.getStreamPosition({ streamName: 'late' });
    const follower = new EsdbClient({
      uri: `esdb://${server.host}:${server.port}?tls=false&nodePreference=follower`,
    });
    clients.push(follower);
    await follower.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] });
    await follower.readStreamEvents({ streamName: 'late' }).toArray();
    expect(server.calls.map((call) => [call.method, call.metadata.get('requires-leader')])).toEqual([
      ['append', 'true'],
      ['read', 'true'],
      ['append', 'true'],
      ['read', 'false'],
    ]);
  });

  test('readGossip: checked options, typed errors, signal and close', async () => {
    const server = await fake(appendAndRead);
    const client = clientOf(server);
    await expect(client.readGossip({ timeot: 5 } as never)).rejects.toThrow(/unknown option 'timeot'/);
    await expect(client.readGossip({ timeout: 0 })).rejects.toBeInstanceOf(RangeError);
    // The fake serves no Gossip: the status comes back as a typed error, not as nice-grpc's ClientError.
    const error = await rejectionOf(client.readGossip());
    expect(error).toBeInstanceOf(GrpcError);
    expect((error as GrpcError).code).toBe(Status.UNIMPLEMENTED);
    await expect(client.readGossip({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    await client.close();
    await expect(client.readGossip()).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('errors signalled by the server', () => {
  function failingAppend(code: Status, details: string, trailers: Record<string, string>): FakeHandlers {
    return {
      append(_requests, context) {
        for (const [key, value] of Object.entries(trailers)) context.trailer.set(key, value);
        return Promise.reject(new ServerError(code, details));
      },
    };
  }

  test('not-leader becomes NotLeaderError with the leader endpoint (after the one redirect, answered alike)', async () => {
    // The client follows the redirect once (issue 5); this "leader" answers not-leader as well, naming itself,
    // so the second answer is the error the caller gets.
    let calls = 0;
    const server: FakeStreamsServer = await fake({
      append(_requests, context) {
        calls += 1;
        context.trailer.set('exception', 'not-leader');
        context.trailer.set('leader-endpoint-host', server.host);
        context.trailer.set('leader-endpoint-port', String(server.port));
        return Promise.reject(new ServerError(Status.NOT_FOUND, 'Leader info available'));
      },
    });
    const error = await rejectionOf(
      clientOf(server).appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] }),
    );
    expect(calls).toBe(2);
    expect(error).toBeInstanceOf(NotLeaderError);
    expect((error as NotLeaderError).leader).toEqual({ host: server.host, port: server.port });
    expect((error as NotLeaderError).grpcStatus).toMatchObject({ code: Status.NOT_FOUND });
  });

  test('maximum-subscribers-reached keeps the group and stream', async () => {
    const server = await fake(
      failingAppend(
        Status.FAILED_PRECONDITION,
        'Maximum subscriptions reached for subscription group g on stream s.',
        {
          exception: 'maximum-subscribers-reached',
          'stream-name': 's',
          'group-name': 'g',
        },
      ),
    );
    const error = await rejectionOf(
      clientOf(server).appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] }),
    );
    expect(error).toBeInstanceOf(MaximumSubscribersReachedError);
    expect(error).toMatchObject({ groupName: 'g', streamName: 's' });
  });

  test('anything else becomes a GrpcError that keeps status, message and trailers', async () => {
    const server = await fake(
      failingAppend(Status.INVALID_ARGUMENT, 'Invalid Transaction', { exception: 'invalid-transaction' }),
    );
    const error = await rejectionOf(
      clientOf(server).appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] }),
    );
    expect(error).toBeInstanceOf(GrpcError);
    expect(error).toMatchObject({
      code: Status.INVALID_ARGUMENT,
      details: 'Invalid Transaction',
      trailers: { exception: 'invalid-transaction' },
    });
  });

  test('a read failing after some events delivers them, then throws', async () => {
    const server = await fake({
      async *read() {
        yield eventResponse('s', 0n);
        yield eventResponse('s', 1n);
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new ServerError(Status.UNAVAILABLE, 'Server Is Not Ready');
      },
    });
    const seen: bigint[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of clientOf(server).readStreamEvents({ streamName: 's' }))
          seen.push(event.streamPosition);
      })(),
    );
    expect(seen).toEqual([0n, 1n]);
    expect(error).toMatchObject({ name: 'ServiceUnavailableError' });
  });
});
