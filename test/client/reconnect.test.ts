// Reconnecting at once when the server is back: a channel that failed with UNAVAILABLE is replaced, so the
// first call after a restart succeeds whatever grpc-js's reconnect backoff had grown to; calls that only read
// are retried within their deadline, writes are not. Restarts need a server this process controls, so those
// tests run against the emulator only.
import { ServerError, Status } from 'nice-grpc';
import {
  CancelledError,
  EsdbClient,
  NewEvent,
  ServiceUnavailableError,
  StreamNotFoundError,
} from '../../src/client/index.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import {
  eventResponse,
  type FakeHandlers,
  type FakeStreamsServer,
  startFakeStreamsServer,
} from './support/fake-streams-server.js';
import { AGAINST_EMULATOR, type Mode, MODES, rejectionOf, uniqueStream, utf8 } from './support/target.js';

const anEvent = (): NewEvent => new NewEvent({ type: 'T', data: utf8('x') });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const emulators: RunningEmulator[] = [];
const clients: EsdbClient[] = [];
const fakes: FakeStreamsServer[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(emulators.splice(0).map((emulator) => emulator.stop()));
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function emulatorIn(mode: Mode, port = 0): Promise<RunningEmulator> {
  const emulator = await startEmulator({ secure: mode === 'secure', port });
  emulators.push(emulator);
  return emulator;
}

function clientOf(uri: string): EsdbClient {
  const client = new EsdbClient({ uri });
  clients.push(client);
  return client;
}

const describeAgainstEmulator = AGAINST_EMULATOR ? describe.each(MODES) : describe.skip.each(MODES);

describeAgainstEmulator('a server restarted on the same port (%s)', (mode) => {
  /** A client whose last call failed because the server was down, and the server restarted since. */
  async function clientAfterRestart(): Promise<EsdbClient> {
    const emulator = await emulatorIn(mode);
    const client = clientOf(emulator.uri);
    await client.appendEvents({ streamName: uniqueStream(), expectedPosition: null, events: [anEvent()] });
    await emulator.stop();
    emulators.splice(0);
    await expect(client.getCommitPosition({ timeout: 200 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    await emulatorIn(mode, emulator.port);
    return client;
  }

  test('the very next getStreamPosition after the restart succeeds', async () => {
    const client = await clientAfterRestart();
    // An in-memory node comes back empty.
    expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
  });

  test('the very next read after the restart succeeds', async () => {
    const client = await clientAfterRestart();
    // The node's answer for a stream it does not have: it was reached.
    const error = await rejectionOf(client.readStreamEvents({ streamName: uniqueStream() }).toArray());
    expect(error).toBeInstanceOf(StreamNotFoundError);
  });

  test('the very next appendEvents after the restart succeeds', async () => {
    const client = await clientAfterRestart();
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
    expect(await client.getStreamPosition({ streamName })).toBe(0n);
  });

  test('after an outage of seconds the next call succeeds within a short timeout', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(emulator.uri);
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
    await emulator.stop();
    emulators.splice(0);
    // Failed attempts while the server is down: grpc-js's backoff on one channel would have grown past 2 s.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await expect(
        client.appendEvents({ streamName, expectedPosition: -1, events: [anEvent()] }),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);
      await sleep(500);
    }
    await emulatorIn(mode, emulator.port);
    expect(await client.getStreamPosition({ streamName, timeout: 300 })).toBeNull();
  }, 20_000);

  test('an append on a server that stopped fails at once, and is not retried', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(emulator.uri);
    await client.appendEvents({ streamName: uniqueStream(), expectedPosition: null, events: [anEvent()] });
    await emulator.stop();
    emulators.splice(0);
    const error = await rejectionOf(
      client.appendEvents({ streamName: uniqueStream(), expectedPosition: -1, events: [anEvent()] }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });
});

describeAgainstEmulator('fault controls of the emulator (%s)', (mode) => {
  test('after restart(), the next getStreamPosition and append succeed', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(emulator.uri);
    await client.appendEvents({ streamName: uniqueStream(), expectedPosition: null, events: [anEvent()] });
    await emulator.restart();
    expect(await client.getStreamPosition({ streamName: uniqueStream() })).toBeNull();
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
    expect(await client.getStreamPosition({ streamName })).toBe(0n);
  });

  test('a read whose connection dropped before it yielded is made again', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(emulator.uri);
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent(), anEvent()] });
    // The read waits on a frozen node, then its connection is cut, then the node answers again.
    emulator.freeze();
    const read = client.readStreamEvents({ streamName, timeout: 5_000 }).toArray();
    await sleep(200);
    emulator.dropConnections();
    emulator.resume();
    expect((await read).map((event) => event.streamPosition)).toEqual([0n, 1n]);
  });

  test('an append in flight on a frozen node fails with ServiceUnavailableError once keepalive gives up', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(
      `${emulator.uri}${emulator.uri.includes('?') ? '&' : '?'}keepAliveInterval=200&keepAliveTimeout=200`,
    );
    await client.appendEvents({ streamName: uniqueStream(), expectedPosition: null, events: [anEvent()] });
    emulator.freeze();
    // Its own deadline is far: the keepalive (200 ms without an answer to a ping sent after 200 ms) ends it.
    const error = await rejectionOf(
      client.appendEvents({
        streamName: uniqueStream(),
        expectedPosition: -1,
        events: [anEvent()],
        timeout: 20_000,
      }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    emulator.resume();
  });

  test('a read on a node frozen for a while is retried on a new connection, and succeeds once it resumes', async () => {
    const emulator = await emulatorIn(mode);
    const client = clientOf(
      `${emulator.uri}${emulator.uri.includes('?') ? '&' : '?'}keepAliveInterval=200&keepAliveTimeout=200`,
    );
    const streamName = uniqueStream();
    await client.appendEvents({ streamName, expectedPosition: null, events: [anEvent()] });
    emulator.freeze();
    const read = client.readStreamEvents({ streamName, timeout: 10_000 }).toArray();
    // Long enough for the keepalive to give up on the first connection, and on a new one's handshake.
    await sleep(1_500);
    emulator.resume();
    expect((await read).map((event) => event.streamPosition)).toEqual([0n]);
  });
});

describe('retries of calls that only read', () => {
  async function fake(handlers: FakeHandlers): Promise<{ server: FakeStreamsServer; client: EsdbClient }> {
    const server = await startFakeStreamsServer(handlers);
    fakes.push(server);
    const client = new EsdbClient({ host: server.host, port: server.port, tls: false });
    clients.push(client);
    return { server, client };
  }

  /** A Read that fails with UNAVAILABLE `failures` times before it answers one event. */
  function flakyRead(failures: number): FakeHandlers {
    let calls = 0;
    return {
      async *read() {
        calls += 1;
        if (calls <= failures) throw new ServerError(Status.UNAVAILABLE, 'Server Is Not Ready');
        yield await Promise.resolve(eventResponse('s', 4n));
      },
    };
  }

  test('a read that failed with UNAVAILABLE before yielding anything is made again', async () => {
    const { server, client } = await fake(flakyRead(2));
    const events = await client.readStreamEvents({ streamName: 's' }).toArray();
    expect(events.map((event) => event.streamPosition)).toEqual([4n]);
    expect(server.calls.map((call) => call.method)).toEqual(['read', 'read', 'read']);
  });

  test('getStreamPosition is retried after UNAVAILABLE', async () => {
    const { server, client } = await fake(flakyRead(1));
    expect(await client.getStreamPosition({ streamName: 's' })).toBe(4n);
    expect(server.calls).toHaveLength(2);
  });

  test('retries stop at the deadline, with the last ServiceUnavailableError', async () => {
    const { server, client } = await fake(flakyRead(Infinity));
    const error = await rejectionOf(client.getStreamPosition({ streamName: 's', timeout: 400 }));
    // Even when the deadline cut the last attempt short: the node was unavailable.
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.calls.length).toBeGreaterThan(1);
  });

  test("the call's signal ends the retries with CancelledError", async () => {
    const { client } = await fake(flakyRead(Infinity));
    const controller = new AbortController();
    const outcome = rejectionOf(
      client.readStreamEvents({ streamName: 's', signal: controller.signal }).toArray(),
    );
    await sleep(150);
    controller.abort();
    expect(await outcome).toBeInstanceOf(CancelledError);
  });

  test('a server certificate the client does not trust is not retried', async () => {
    const server = await startFakeStreamsServer(flakyRead(0), true);
    fakes.push(server);
    // TLS, but trusting only the system's roots, which did not sign the fake's certificate.
    const client = new EsdbClient({ host: server.host, port: server.port, tls: true });
    clients.push(client);
    // Were it retried, the signal would end the retries first, with CancelledError.
    const signal = AbortSignal.timeout(2_000);
    const error = await rejectionOf(client.getStreamPosition({ streamName: 's', timeout: 10_000, signal }));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/certificate/);
    expect(server.calls).toHaveLength(0);
  });

  test('an error that is not transient is not retried', async () => {
    const { server, client } = await fake({
      async *read() {
        yield* await Promise.resolve([]);
        throw new ServerError(Status.PERMISSION_DENIED, 'no');
      },
    });
    await expect(client.getStreamPosition({ streamName: 's' })).rejects.toMatchObject({
      name: 'AccessDeniedError',
    });
    expect(server.calls).toHaveLength(1);
  });

  test('an append that failed with UNAVAILABLE is not made again', async () => {
    let appends = 0;
    const { server, client } = await fake({
      async append(requests) {
        for await (const request of requests) expect(request).toBeDefined();
        appends += 1;
        if (appends === 1) throw new ServerError(Status.UNAVAILABLE, 'Server Is Not Ready');
        return {
          result: {
            $case: 'success',
            value: {
              positionOption: { $case: 'position', value: { commitPosition: 7n, preparePosition: 7n } },
            },
          },
        };
      },
    });
    const error = await rejectionOf(
      client.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] }),
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(server.calls.map((call) => call.method)).toEqual(['append']);
    // The next append, on a new channel, succeeds.
    expect(await client.appendEvents({ streamName: 's', expectedPosition: -1, events: [anEvent()] })).toBe(
      7n,
    );
  });
});
