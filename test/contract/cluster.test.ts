/**
 * Contract: the official Node client (`@kurrent/kurrentdb-client`) against the emulated cluster, where it
 * supports the scenario. With several seeds the client discovers a node through `Gossip.Read` (§3.15): it keeps
 * alive members in state Leader, Follower or a read-only state and prefers the state `nodePreference` asks for
 * (its `discovery.js`). It sends `requires-leader: true` only when a call asks for it (§4), turns NOT_FOUND
 * `not-leader` into a NotLeaderError naming the leader (§3.1.1), and after a `not-leader` or UNAVAILABLE reconnects
 * for the next call: to the named leader, or by discovering again with the failed node tried last (its
 * `Client/index.js`, `shouldReconnect`). The emulated cluster only exists in process, so the suite does not run
 * against an external server (`ESDB_URI`).
 */
import { randomUUID } from 'node:crypto';

import { KurrentDBClient, NotLeaderError, jsonEvent } from '@kurrent/kurrentdb-client';

import {
  startEmulatorCluster,
  type EmulatorClusterOptions,
  type RunningEmulatorCluster,
} from '../../src/emulator/index.js';
import { collect, eventually, makeEvents, rejectionOf, uniqueStream } from './harness.js';

jest.setTimeout(60_000);

const describeEmulated = process.env.ESDB_URI === undefined ? describe : describe.skip;

/** The cluster's connection string in the client's current scheme, with extra settings. */
function connectionString(cluster: RunningEmulatorCluster, settings: Record<string, string> = {}): string {
  const extra = Object.entries(settings)
    .map(([key, value]) => `&${key}=${value}`)
    .join('');
  return `${cluster.uri.replace(/^esdb:\/\//, 'kurrentdb://')}${extra}`;
}

describeEmulated('an emulated three-node cluster, through the official client', () => {
  let cluster: RunningEmulatorCluster | undefined;
  const clients: KurrentDBClient[] = [];

  async function start(options: EmulatorClusterOptions = {}): Promise<RunningEmulatorCluster> {
    cluster = await startEmulatorCluster(options);
    return cluster;
  }

  function open(settings: Record<string, string> = {}): KurrentDBClient {
    if (cluster === undefined) throw new Error('no cluster');
    const client = KurrentDBClient.connectionString(connectionString(cluster, settings));
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await Promise.allSettled(clients.map((client) => client.dispose()));
    clients.length = 0;
    await cluster?.stop();
    cluster = undefined;
  });

  test('projections run on the leader; after it stops, the new leader goes on: no link twice, none missing', async () => {
    const running = await start({
      runProjections: 'all',
      startStandardProjections: true,
      electionDelayMs: 200,
    });
    const client = open({ nodePreference: 'leader', discoveryInterval: '50' });
    const category = `order${randomUUID().replace(/-/g, '')}`;
    const name = `count-${category}`;
    await client.createProjection(
      name,
      `fromCategory('${category}').when({ $init: () => ({ n: 0 }), Placed: (s) => { s.n += 1; } })`,
    );
    await client.appendToStream(`${category}-1`, makeEvents(2, 'Placed'));
    await eventually(
      () => client.getProjectionState<{ n?: number }>(name),
      (s) => s.n === 2,
      'a count of 2',
    );

    await running.leader?.stop();
    await running.stable();
    // The first call after the stop may meet the dropped connection; the client then discovers the new leader.
    // The same event each time, so that a retried append is idempotent.
    const third = makeEvents(1, 'Placed');
    await eventually(
      () =>
        client.appendToStream(`${category}-2`, third).then(
          () => true,
          () => false,
        ),
      (appended) => appended,
      'an append through the new leader',
    );
    expect(
      await eventually(
        () => client.getProjectionState<{ n?: number }>(name),
        (s) => s.n === 3,
        'a count of 3',
      ),
    ).toEqual({ n: 3 });
    const links = await eventually(
      () => collect(client.readStream(`$ce-${category}`, { resolveLinkTos: true })).catch(() => []),
      (events) => events.length >= 3,
      `three links in $ce-${category}`,
    );
    expect(links.map((resolved) => resolved.event?.streamId)).toEqual([
      `${category}-1`,
      `${category}-1`,
      `${category}-2`,
    ]);
  });

  test('nodePreference=leader: discovery lands on the leader, so writes that require it succeed', async () => {
    await start();
    const client = open({ nodePreference: 'leader' });
    const stream = uniqueStream('cluster-leader');
    // requires-leader is honoured only by the leader (§4); a follower would answer not-leader (§3.1.1).
    await client.appendToStream(stream, makeEvents(2), { requiresLeader: true });
    const events = await collect(client.readStream(stream, { requiresLeader: true }));
    expect(events.map((resolved) => resolved.event?.revision)).toEqual([0n, 1n]);
  });

  test('discovery finds the leader when the first seed is down', async () => {
    const running = await start({ electionDelayMs: 200 });
    await running.forceLeaderChange(2);
    await running.stable();
    await running.nodes[0]?.stop();
    const client = open({ nodePreference: 'leader', discoveryInterval: '50' });
    const stream = uniqueStream('cluster-first-seed-down');
    await client.appendToStream(stream, makeEvents(1), { requiresLeader: true });
    const events = await collect(client.readStream(stream));
    expect(events).toHaveLength(1);
  });

  test('nodePreference=follower: an ordinary append is forwarded to the leader and succeeds', async () => {
    await start();
    const client = open({ nodePreference: 'follower' });
    const stream = uniqueStream('cluster-follower');
    const result = await client.appendToStream(stream, makeEvents(3));
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(2n);
    const events = await collect(client.readStream(stream));
    expect(events).toHaveLength(3);
  });

  test('a not-leader answer names the leader, and the client reconnects to it for the next call', async () => {
    const running = await start();
    const client = open({ nodePreference: 'follower' });
    const stream = uniqueStream('cluster-redirect');
    // The client sits on a follower: a write that requires the leader is refused with the leader's address.
    const refused = await rejectionOf(client.appendToStream(stream, makeEvents(1), { requiresLeader: true }));
    expect(refused).toBeInstanceOf(NotLeaderError);
    const leader = running.nodes[0];
    expect((refused as NotLeaderError).leader).toEqual({ address: leader?.host, port: leader?.port });
    // The next call goes to the leader the error named.
    await client.appendToStream(stream, makeEvents(1), { requiresLeader: true });
    const events = await collect(client.readStream(stream));
    expect(events).toHaveLength(1);
  });

  test('when the leader stops, the client finds the newly elected leader', async () => {
    const running = await start({ electionDelayMs: 200 });
    const client = open({ nodePreference: 'leader', discoveryInterval: '50' });
    const stream = uniqueStream('cluster-failover');
    await client.appendToStream(stream, [jsonEvent({ id: randomUUID(), type: 'Before', data: {} })]);
    await running.nodes[0]?.stop();
    // Calls fail while the node is gone (UNAVAILABLE) or the election runs; the client rediscovers each time.
    await eventually(
      () =>
        client
          .appendToStream(stream, [jsonEvent({ id: randomUUID(), type: 'After', data: {} })], {
            requiresLeader: true,
          })
          .then(
            () => true,
            () => false,
          ),
      (written) => written,
      'an append on the new leader',
      20_000,
    );
    expect(running.leader?.index).toBe(1);
    const events = await collect(client.readStream(stream));
    expect(events.map((resolved) => resolved.event?.type)).toEqual(['Before', 'After']);
  });

  test('secure: discovery and appends over TLS, each node verified against the one CA', async () => {
    await start({ secure: true });
    const client = open({ nodePreference: 'follower' });
    const stream = uniqueStream('cluster-secure');
    await client.appendToStream(stream, makeEvents(2));
    const events = await collect(client.readStream(stream));
    expect(events).toHaveLength(2);
  });
});
