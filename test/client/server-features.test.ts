// getServerFeatures: against a server, in insecure and secure mode, the version and the methods it serves;
// against scripted servers, what an old server (no ServerFeatures service) gives, that the answer is kept per
// node, that a client that moved to another node asks that node, and bad input.
import { type CallContext, createServer, type Server, ServerError, Status } from 'nice-grpc';
import { EsdbClient, ServerFeatures } from '../../src/client/index.js';
import { PersistentSubscriptionsDefinition } from '../../src/generated/persistent.js';
import { ServerFeaturesDefinition, type SupportedMethods } from '../../src/generated/serverfeatures.js';
import { StreamsDefinition } from '../../src/generated/streams.js';
import { startFakeStreamsServer } from './support/fake-streams-server.js';
import { MODES, rejectionOf, useClientTarget } from './support/target.js';

describe.each(MODES)('getServerFeatures (%s)', (mode) => {
  const target = useClientTarget(mode);

  test('gives the version and the methods, with their features', async () => {
    const features = await target().client().getServerFeatures();
    expect(features).toBeInstanceOf(ServerFeatures);
    expect(features.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(features.methods).toContainEqual({
      service: 'event_store.client.streams.streams',
      method: 'batchappend',
      features: ['deadline_duration'],
    });
    expect(features.supports(StreamsDefinition.fullName, 'BatchAppend')).toBe(true);
    expect(features.supports(StreamsDefinition.fullName, 'Read', 'events')).toBe(true);
    expect(features.supports(StreamsDefinition.fullName, 'Append', 'events')).toBe(false);
    expect(features.supports(PersistentSubscriptionsDefinition.fullName, 'Read', 'all')).toBe(true);
    expect(features.supports(PersistentSubscriptionsDefinition.fullName, 'GetInfo')).toBe(true);
    expect(features.supports('event_store.client.streams.Streams', 'NoSuchMethod')).toBe(false);
    expect(Object.isFrozen(features.methods)).toBe(true);
  });
});

/** A server with only a ServerFeatures service, whose answers it counts; `answer` may throw. */
async function featuresServer(
  answer: (context: CallContext) => SupportedMethods,
): Promise<{ readonly server: Server; readonly port: number; readonly calls: () => number }> {
  let calls = 0;
  const server = createServer();
  server.add(ServerFeaturesDefinition, {
    getSupportedMethods: (_request, context) => {
      calls += 1;
      return Promise.resolve(answer(context));
    },
  });
  const port = await server.listen('127.0.0.1:0');
  return { server, port, calls: () => calls };
}

const answerOf = (version: string): SupportedMethods => ({
  eventStoreServerVersion: version,
  methods: [{ serviceName: 'event_store.client.streams.streams', methodName: 'append', features: [] }],
});

describe('getServerFeatures against scripted servers', () => {
  const servers: Server[] = [];
  const clients: EsdbClient[] = [];
  const clientOn = (port: number): EsdbClient => {
    const client = new EsdbClient({ host: '127.0.0.1', port, tls: false });
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const server of servers.splice(0)) server.forceShutdown();
  });

  test('a server without the service (before 21.10) has no version and no methods', async () => {
    const fake = await startFakeStreamsServer({});
    try {
      const features = await clientOn(fake.port).getServerFeatures();
      expect(features.version).toBeNull();
      expect(features.methods).toEqual([]);
      expect(features.supports(StreamsDefinition.fullName, 'Append')).toBe(false);
    } finally {
      await fake.stop();
    }
  });

  test('the answer is kept: a second call asks nothing; another client asks for itself', async () => {
    const node = await featuresServer(() => answerOf('24.10.0'));
    servers.push(node.server);
    const client = clientOn(node.port);
    const first = await client.getServerFeatures();
    expect(await client.getServerFeatures({ timeout: 1_000 })).toBe(first);
    expect(node.calls()).toBe(1);
    expect(first).toMatchObject({
      version: '24.10.0',
      methods: [{ service: 'event_store.client.streams.streams' }],
    });
    await clientOn(node.port).getServerFeatures();
    expect(node.calls()).toBe(2);
  });

  test('a client sent to the leader asks the leader, and keeps its answer', async () => {
    const leader = await featuresServer(() => answerOf('24.10.1'));
    const follower = await featuresServer((context) => {
      context.trailer.set('exception', 'not-leader');
      context.trailer.set('leader-endpoint-host', '127.0.0.1');
      context.trailer.set('leader-endpoint-port', String(leader.port));
      throw new ServerError(Status.NOT_FOUND, 'Leader info available');
    });
    servers.push(leader.server, follower.server);
    const client = clientOn(follower.port);
    expect((await client.getServerFeatures()).version).toBe('24.10.1');
    expect((await client.getServerFeatures()).version).toBe('24.10.1');
    expect([follower.calls(), leader.calls()]).toEqual([1, 1]);
    expect(client.currentNode).toEqual({ host: '127.0.0.1', port: leader.port });
  });

  test('other failures are errors, and are not kept', async () => {
    let failing = true;
    const node = await featuresServer(() => {
      if (failing) throw new ServerError(Status.INTERNAL, 'boom');
      return answerOf('24.10.0');
    });
    servers.push(node.server);
    const client = clientOn(node.port);
    const error = await rejectionOf(client.getServerFeatures());
    expect(error).toMatchObject({ name: 'GrpcError', code: Status.INTERNAL });
    failing = false;
    expect((await client.getServerFeatures()).version).toBe('24.10.0');
  });

  test('bad input is refused before anything is sent', async () => {
    const node = await featuresServer(() => answerOf('24.10.0'));
    servers.push(node.server);
    const client = clientOn(node.port);
    const unknown = client.getServerFeatures({ version: true } as unknown as { timeout: number });
    await expect(unknown).rejects.toThrow(/^getServerFeatures: unknown option 'version'/);
    await expect(client.getServerFeatures({ timeout: -5 })).rejects.toThrow(RangeError);
    expect(node.calls()).toBe(0);
  });
});

describe('ServerFeatures', () => {
  test('compares names ignoring case, and is frozen', () => {
    const features = new ServerFeatures({
      version: '24.10.0',
      methods: [{ service: 'a.b.service', method: 'read', features: ['All'] }],
    });
    expect(features.supports('A.B.Service', 'Read')).toBe(true);
    expect(features.supports('a.b.service', 'read', 'all')).toBe(true);
    expect(features.supports('a.b.service', 'read', 'stream')).toBe(false);
    expect(features.supports('a.b', 'read')).toBe(false);
    expect(Object.isFrozen(features)).toBe(true);
    expect(Object.isFrozen(features.methods[0]?.features)).toBe(true);
  });
});
