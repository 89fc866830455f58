// The client against an emulated three-node cluster (issue 5): discovery from several seeds by node preference
// (docs/protocol.md §3.15), `requires-leader` and `not-leader` redirects (§4, §3.1.1), fail-over with one safe
// retry, and giving up after maxDiscoverAttempts.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  DiscoveryError,
  EsdbClient,
  NewEvent,
  ProtocolError,
  ServiceUnavailableError,
} from '../../src/client/index.js';
import { type RunningEmulatorCluster, startEmulatorCluster } from '../../src/emulator/index.js';
import { OpenedClients } from './support/opened-clients.js';

jest.setTimeout(60_000);

const event = (): NewEvent => new NewEvent({ type: 'Tested', data: new Uint8Array([1]) });

function seedsOf(cluster: RunningEmulatorCluster, order: readonly number[], options = ''): string {
  const hosts = order.map((index) => {
    const node = cluster.nodes[index];
    return `${node?.host}:${node?.port}`;
  });
  return `esdb://${hosts.join(',')}?tls=false${options}`;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

/**
 * Stops `cluster`'s leader while `iterator` waits for more, and says how the iteration ended: with the error it
 * threw, `'done'`, or `'hung'` when it had not ended 5 s later.
 */
async function outcomeWhenLeaderStops(
  cluster: RunningEmulatorCluster,
  iterator: AsyncIterator<unknown>,
): Promise<unknown> {
  const ended = (async (): Promise<unknown> => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return 'done';
      }
    } catch (error) {
      return error;
    }
  })();
  await cluster.leader?.stop();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    ended,
    new Promise((resolve) => {
      timer = setTimeout(() => {
        resolve('hung');
      }, 5000);
    }),
  ]);
  clearTimeout(timer);
  return outcome;
}

/** A node going away shows as a dropped connection, or as a stream ended without a status (§4.1). */
function expectTransient(outcome: unknown): void {
  expect(outcome instanceof ServiceUnavailableError || outcome instanceof ProtocolError).toBe(true);
}

describe('a client of a three-node cluster', () => {
  let cluster: RunningEmulatorCluster;
  const clients = new OpenedClients();
  const client = (uri: string): EsdbClient => clients.open(uri);

  beforeEach(async () => {
    cluster = await startEmulatorCluster({ nodes: 3, electionDelayMs: 300 });
    await cluster.stable();
  });

  afterEach(async () => {
    await clients.closeAll();
    await cluster.stop();
  });

  test('currentNode is undefined until the first call; readGossip returns the typed members', async () => {
    const opened = client(cluster.uri);
    expect(opened.currentNode).toBeUndefined();
    const members = await opened.readGossip();
    expect(members).toHaveLength(3);
    expect(members.filter((member) => member.state === 'Leader')).toHaveLength(1);
    expect(members.filter((member) => member.state === 'Follower')).toHaveLength(2);
    for (const member of members) {
      expect(member.isAlive).toBe(true);
      expect(member.instanceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(typeof member.timestamp).toBe('bigint');
    }
    expect(opened.currentNode).toEqual({ host: cluster.leader?.host, port: cluster.leader?.port });
  });

  test('discovery finds the leader when the first seed is down', async () => {
    const leader = cluster.leader;
    const firstFollower = cluster.nodes.find((node) => node !== leader);
    await firstFollower?.stop();
    const order = [
      firstFollower?.index ?? 0,
      ...cluster.nodes.filter((n) => n !== firstFollower).map((n) => n.index),
    ];
    const opened = client(seedsOf(cluster, order));
    const stream = `discover-${randomUUID()}`;
    await opened.appendEvents({ streamName: stream, expectedPosition: null, events: [event()] });
    expect(opened.currentNode).toEqual({ host: leader?.host, port: leader?.port });
    const gossip = await opened.readGossip();
    const current = gossip.find((member) => member.host === opened.currentNode?.host);
    expect(current?.state).toBe('Leader');
    expect(gossip.find((member) => member.host === firstFollower?.host)?.isAlive).toBe(false);
  });

  test('nodePreference=follower lands on a follower, which serves reads', async () => {
    const stream = `follower-${randomUUID()}`;
    await client(cluster.uri).appendEvents({ streamName: stream, expectedPosition: null, events: [event()] });
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    const read = await opened.readStreamEvents({ streamName: stream }).toArray();
    expect(read).toHaveLength(1);
    const gossip = await opened.readGossip();
    const node = opened.currentNode;
    expect(node).toBeDefined();
    const current = gossip.find((member) => member.host === node?.host && member.port === node.port);
    expect(current?.state).toBe('Follower');
  });

  test('a read whose node stopped is repeated on the new leader (nothing was yielded yet)', async () => {
    const opened = client(cluster.uri);
    const stream = `read-${randomUUID()}`;
    const appended = event();
    await opened.appendEvents({ streamName: stream, expectedPosition: null, events: [appended] });
    const oldLeader = cluster.leader;
    await oldLeader?.stop();
    const read = await opened.readStreamEvents({ streamName: stream }).toArray();
    expect(read.map((recorded) => recorded.id)).toEqual([appended.id]);
    expect(opened.currentNode).not.toEqual({ host: oldLeader?.host, port: oldLeader?.port });
  });

  test('with resubscribe: false, a persistent subscription consumer whose node stops ends promptly with the transient error', async () => {
    const opened = client(cluster.uri);
    const groupName = `group-${randomUUID()}`;
    await opened.createSubscription({ groupName });
    await opened.appendEvents({
      streamName: `ps-${randomUUID()}`,
      expectedPosition: null,
      events: [event()],
    });
    const [, readResp] = opened.readSubscription({ groupName, resubscribe: false });
    const iterator = readResp[Symbol.asyncIterator]();
    await iterator.next();
    const outcome = await outcomeWhenLeaderStops(cluster, iterator);
    expectTransient(outcome);
    await readResp.close();
  });

  test('a catch-up subscription whose leader stops carries on with the new leader, each event once', async () => {
    const opened = client(cluster.uri);
    const streamName = `heal-${randomUUID()}`;
    const before = event();
    await opened.appendEvents({ streamName, expectedPosition: null, events: [before] });
    const attempts: number[] = [];
    const subscription = opened.subscribeStreamEvents({
      streamName,
      onReconnect: ({ attempt }) => attempts.push(attempt),
    });
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.id).toBe(before.id);
    const oldLeader = cluster.leader;
    await oldLeader?.stop();
    const after = event();
    // The append's own fail-over is not what this test is about: try it until the new leader takes it.
    for (let tries = 1; ; tries += 1) {
      try {
        await opened.appendEvents({ streamName, expectedPosition: 0, events: [after] });
        break;
      } catch (error) {
        if (tries === 5) throw error;
      }
    }
    expect((await iterator.next()).value?.id).toBe(after.id);
    expect(attempts[0]).toBe(1);
    expect(opened.currentNode).not.toEqual({ host: oldLeader?.host, port: oldLeader?.port });
    await subscription.close();
  });

  test('with resubscribe: false, a catch-up subscription whose node stops ends promptly with the transient error', async () => {
    const opened = client(cluster.uri);
    await opened.appendEvents({
      streamName: `sub-${randomUUID()}`,
      expectedPosition: null,
      events: [event()],
    });
    const subscription = opened.subscribeAllEvents({ resubscribe: false });
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    const outcome = await outcomeWhenLeaderStops(cluster, iterator);
    expectTransient(outcome);
    await subscription.close();
  });
});

describe('a client of a secure three-node cluster (TLS, Basic credentials)', () => {
  let cluster: RunningEmulatorCluster;

  beforeAll(async () => {
    cluster = await startEmulatorCluster({ nodes: 3, secure: true, electionDelayMs: 300 });
    await cluster.stable();
  });

  afterAll(async () => {
    await cluster.stop();
  });

  test('discovers the leader over TLS, reads gossip with credentials, and fails over after the leader stops', async () => {
    const opened = new EsdbClient({ uri: cluster.uri });
    try {
      expect(cluster.uri).toMatch(/^esdb:\/\/admin:changeit@.*tls=true/);
      const stream = `secure-${randomUUID()}`;
      const before = event();
      await opened.appendEvents({ streamName: stream, expectedPosition: null, events: [before] });
      const leader = cluster.leader;
      expect(opened.currentNode).toEqual({ host: leader?.host, port: leader?.port });
      expect((await opened.readGossip()).filter((member) => member.state === 'Leader')).toHaveLength(1);
      await leader?.stop();
      const after = event();
      await opened.appendEvents({ streamName: stream, expectedPosition: 0, events: [after] });
      expect(opened.currentNode).not.toEqual({ host: leader?.host, port: leader?.port });
      const ids = (await opened.readStreamEvents({ streamName: stream }).toArray()).map(
        (recorded) => recorded.id,
      );
      expect(ids).toEqual([before.id, after.id]);
    } finally {
      await opened.close();
    }
  });
});

describe('discovery that finds no node', () => {
  test('gives up after maxDiscoverAttempts with a DiscoveryError naming the attempts', async () => {
    const port = await closedPort();
    const opened = new EsdbClient({
      uri: `esdb://127.0.0.1:${port},127.0.0.2:${port}?tls=false&maxDiscoverAttempts=3&discoveryInterval=50&gossipTimeout=1`,
    });
    try {
      const started = Date.now();
      const failure = await opened
        .appendEvents({ streamName: 's', expectedPosition: -1, events: [event()] })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(DiscoveryError);
      expect((failure as DiscoveryError).attempts).toBe(3);
      expect((failure as DiscoveryError).message).toMatch(/after 3 attempts/);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(opened.currentNode).toBeUndefined();
    } finally {
      await opened.close();
    }
  });

  test('a failed discovery is not remembered: once the cluster is up, the next call discovers it', async () => {
    const port = await closedPort();
    const opened = new EsdbClient({
      uri: `esdb://127.0.0.1:${port},127.0.0.2:${port},127.0.0.3:${port}?tls=false&maxDiscoverAttempts=2&discoveryInterval=10`,
    });
    let cluster: RunningEmulatorCluster | undefined;
    try {
      await expect(opened.readGossip()).rejects.toBeInstanceOf(DiscoveryError);
      cluster = await startEmulatorCluster({ nodes: 3, port });
      await cluster.stable();
      expect(await opened.readGossip()).toHaveLength(3);
      expect(opened.currentNode).toEqual({ host: cluster.leader?.host, port });
    } finally {
      await opened.close();
      await cluster?.stop();
    }
  });
});
