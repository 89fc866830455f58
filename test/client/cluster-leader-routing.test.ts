// A client that prefers followers sends the calls only the leader serves (projections, persistent-subscription
// groups and consumers: docs/protocol.md §3.14.1, §3.17.1 "In a cluster") to the leader, over a second
// connection, while its reads stay on the follower it discovered.
import { randomUUID } from 'node:crypto';
import { DeadlineExceededError, EsdbClient, NewEvent } from '../../src/client/index.js';
import type { Endpoint } from '../../src/client/discovery/discovery-settings.js';
import {
  type EmulatedClusterNode,
  type RunningEmulatorCluster,
  startEmulatorCluster,
} from '../../src/emulator/index.js';
import { take, takeUntil } from './support/subscriptions.js';
import { rejectionOf } from './support/target.js';
import { countOf, OpenedClients } from './support/opened-clients.js';

jest.setTimeout(60_000);

const COUNTER = `fromAll().when({
  $init: () => ({ count: 0 }),
  Counted: (state) => { state.count += 1; }
})`;

function nodeAt(
  cluster: RunningEmulatorCluster,
  endpoint: Endpoint | undefined,
): EmulatedClusterNode | undefined {
  return cluster.nodes.find((node) => node.host === endpoint?.host && node.port === endpoint.port);
}

describe('a client with nodePreference=follower', () => {
  let cluster: RunningEmulatorCluster;
  const clients = new OpenedClients();
  const client = (uri: string): EsdbClient => clients.open(uri);
  /** Appends through a leader-preferring client, so that the client under test sends only what a test says. */
  const counted = async (streamName: string, count: number): Promise<void> => {
    const events = Array.from({ length: count }, () => NewEvent.json({ type: 'Counted', data: {} }));
    await client(cluster.uri).appendEvents({ streamName, expectedPosition: null, events });
  };

  beforeEach(async () => {
    cluster = await startEmulatorCluster({ nodes: 3, electionDelayMs: 200, runProjections: 'all' });
    await cluster.stable();
  });

  afterEach(async () => {
    await clients.closeAll();
    await cluster.stop();
  });

  test('manages projections and groups on the leader, while reads stay on a follower', async () => {
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    const streamName = `routed-${randomUUID()}`;
    await counted(streamName, 2);
    expect(await opened.readStreamEvents({ streamName }).toArray()).toHaveLength(2);
    const follower = nodeAt(cluster, opened.currentNode);
    expect(follower).toBeDefined();
    expect(follower).not.toBe(cluster.leader);

    await opened.createProjection({ name: 'counter', query: COUNTER });
    expect(await countOf(opened, 'counter', 2)).toEqual({ count: 2 });
    const groupName = `group-${randomUUID()}`;
    await opened.createStreamSubscription({ groupName, streamName });
    expect(await opened.getSubscriptionInfo({ groupName, streamName })).toMatchObject({
      groupName,
      streamName,
    });
    expect((await opened.listSubscriptions()).map((info) => info.groupName)).toContain(groupName);
    const [readReq, readResp] = opened.readStreamSubscription({ groupName, streamName });
    const delivered = await take(readResp, 2);
    for (const event of delivered) readReq.ack(event.id);
    await readResp.close();

    // Reads still go to the follower: they are served while the leader answers nothing at all.
    expect(nodeAt(cluster, opened.currentNode)).toBe(follower);
    cluster.leader?.freeze();
    try {
      const read = await opened.readStreamEvents({ streamName, timeout: 2_000 }).toArray();
      expect(read.map((event) => event.id)).toEqual(delivered.map((event) => event.id));
    } finally {
      for (const node of cluster.nodes) node.resume();
    }
    expect(nodeAt(cluster, opened.currentNode)).toBe(follower);
  });

  test('reaches the new leader after the leader stops', async () => {
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    const streamName = `stopped-${randomUUID()}`;
    await opened.createProjection({ name: 'counter', query: COUNTER });
    await opened.createStreamSubscription({ groupName: 'before', streamName });
    const first = cluster.leader;
    await first?.stop();
    await cluster.stable();
    expect(cluster.leader).not.toBe(first);

    await counted(streamName, 1);
    expect(await countOf(opened, 'counter', 1)).toEqual({ count: 1 });
    await opened.createStreamSubscription({ groupName: 'after', streamName });
    const groups = await opened.listSubscriptions({ streamName });
    expect(groups.map((info) => info.groupName).sort()).toEqual(['after', 'before']);
  });

  test("a group's consumer follows the leader to its successor, while reads stay on the follower", async () => {
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    const streamName = `consumed-${randomUUID()}`;
    await opened.readGossip();
    const reader = nodeAt(cluster, opened.currentNode);
    await opened.createStreamSubscription({ groupName: 'consumers', streamName });
    await counted(streamName, 1);
    const [readReq, readResp] = opened.readStreamSubscription({ groupName: 'consumers', streamName });
    const [first] = await take(readResp, 1);
    readReq.ack(first?.id ?? '');
    expect(nodeAt(cluster, opened.currentNode)).toBe(reader);
    const old = cluster.leader;
    await old?.stop();
    await cluster.stable();
    const later = NewEvent.json({ type: 'Counted', data: {} });
    await client(cluster.uri).appendEvents({ streamName, expectedPosition: 0, events: [later] });
    // The new leader may deliver the first event again (its checkpoint may not have been written).
    const delivered = await takeUntil(readResp, (event) => event.id === later.id, 15_000);
    expect(delivered.at(-1)?.id).toBe(later.id);
    await readResp.close();
    expect(nodeAt(cluster, opened.currentNode)).toBe(reader);
  });

  test('reaches the new leader after a leader change, the old leader still running as a follower', async () => {
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    const streamName = `changed-${randomUUID()}`;
    await opened.createStreamSubscription({ groupName: 'before', streamName });
    await opened.createProjection({ name: 'counter', query: COUNTER });
    const reader = nodeAt(cluster, opened.currentNode);
    const old = cluster.leader;
    const target = cluster.nodes.find((node) => node !== old && node !== reader);
    await cluster.forceLeaderChange(target?.index);
    await cluster.stable();

    // The old leader answers `not-leader` for groups, which the leader connection follows.
    await opened.createStreamSubscription({ groupName: 'after', streamName });
    expect(await opened.getSubscriptionInfo({ groupName: 'after', streamName })).toMatchObject({
      groupName: 'after',
    });
    await counted(streamName, 1);
    expect(await countOf(opened, 'counter', 1)).toEqual({ count: 1 });
    expect(nodeAt(cluster, opened.currentNode)).toBe(reader);
  });

  test.each(['follower', 'leader'])(
    'with nodePreference=%s, a projection call the old leader drops times out, and the next reaches the new one',
    async (preference) => {
      const opened = client(`${cluster.uri}&nodePreference=${preference}`);
      await opened.createProjection({ name: 'counter', query: COUNTER });
      const old = cluster.leader;
      await cluster.forceLeaderChange(cluster.nodes.find((node) => node !== old)?.index);
      await cluster.stable();
      // The old leader keeps the connection but no longer answers projection calls (§3.17.1 "In a cluster").
      const dropped = await rejectionOf(opened.getProjectionState({ name: 'counter', timeout: 500 }));
      expect(dropped).toBeInstanceOf(DeadlineExceededError);
      await counted(`dropped-${randomUUID()}`, 1);
      expect(await countOf(opened, 'counter', 1)).toEqual({ count: 1 });
    },
  );
});
