// The projection methods with a cluster (docs/protocol.md §3.17.1 "In a cluster"): the leader runs the
// projections, a follower never answers the Projections service, so the client sends projection calls to the
// leader whatever its node preference, with `requires-leader: true` as PY does (a 24.10 server does not read it
// there).
import { randomUUID } from 'node:crypto';
import { createServer, type CallContext } from 'nice-grpc';
import { EsdbClient, NewEvent } from '../../src/client/index.js';
import { type RunningEmulatorCluster, startEmulatorCluster } from '../../src/emulator/index.js';
import { ProjectionsDefinition } from '../../src/generated/projections.js';
import { asyncIterableOf } from '../support/async-iterable.js';
import { countOf, OpenedClients } from './support/opened-clients.js';

jest.setTimeout(60_000);

const COUNTER = (category: string): string => `fromCategory('${category}').when({
  $init: () => ({ count: 0 }),
  OrderPlaced: (state) => { state.count += 1; }
})`;

async function placeOrders(client: EsdbClient, streamName: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, () => NewEvent.json({ type: 'OrderPlaced', data: {} }));
  await client.appendEvents({ streamName, expectedPosition: null, events });
}

describe('a client of a three-node cluster that runs projections', () => {
  let cluster: RunningEmulatorCluster;
  const clients = new OpenedClients();
  const client = (uri: string): EsdbClient => clients.open(uri);

  beforeEach(async () => {
    cluster = await startEmulatorCluster({
      nodes: 3,
      electionDelayMs: 200,
      runProjections: 'all',
      startStandardProjections: true,
    });
    await cluster.stable();
  });

  afterEach(async () => {
    await clients.closeAll();
    await cluster.stop();
  });

  test('through the leader: the state survives the leader stopping, read through the new leader', async () => {
    const opened = client(cluster.uri);
    const category = `orders${randomUUID().replaceAll('-', '')}`;
    await opened.createProjection({ name: 'counter', query: COUNTER(category) });
    await placeOrders(opened, `${category}-1`, 2);
    expect(await countOf(opened, 'counter', 2)).toEqual({ count: 2 });
    const first = cluster.leader;
    await first?.stop();
    await cluster.stable();
    await placeOrders(opened, `${category}-2`, 1);
    expect(await countOf(opened, 'counter', 3)).toEqual({ count: 3 });
    expect(opened.currentNode).toEqual({ host: cluster.leader?.host, port: cluster.leader?.port });
    expect(cluster.leader).not.toBe(first);
    expect(await opened.getProjectionStatistics({ name: 'counter' })).toMatchObject({ status: 'Running' });
  });

  test('with nodePreference=follower the calls go to the leader, which answers them', async () => {
    const opened = client(`${cluster.uri}&nodePreference=follower`);
    await opened.readGossip();
    const statistics = await opened.getProjectionStatistics({ name: '$by_category', timeout: 2_000 });
    expect(statistics.status).toBe('Running');
    // The client itself still talks to a follower: only the leader's calls took the second connection.
    const node = opened.currentNode;
    expect(node).toBeDefined();
    expect(cluster.nodes.find((n) => n.host === node?.host && n.port === node.port)).not.toBe(cluster.leader);
  });
});

test('every projection call carries requires-leader: true, whatever the node preference', async () => {
  const seen: (string | undefined)[] = [];
  const record = (context: CallContext): void => {
    seen.push(context.metadata.get('requires-leader'));
  };
  const server = createServer();
  server.add(ProjectionsDefinition, {
    create: (_request, context) => (record(context), Promise.resolve({})),
    update: (_request, context) => (record(context), Promise.resolve({})),
    delete: (_request, context) => (record(context), Promise.resolve({})),
    statistics: (_request, context) => (record(context), asyncIterableOf([])),
    disable: (_request, context) => (record(context), Promise.resolve({})),
    enable: (_request, context) => (record(context), Promise.resolve({})),
    reset: (_request, context) => (record(context), Promise.resolve({})),
    state: (_request, context) => (record(context), Promise.resolve({ state: {} })),
    result: (_request, context) => (record(context), Promise.resolve({ result: {} })),
    restartSubsystem: (_request, context) => (record(context), Promise.resolve({})),
  });
  const port = await server.listen('127.0.0.1:0');
  const opened = new EsdbClient({ uri: `esdb://127.0.0.1:${port}?tls=false&nodePreference=follower` });
  try {
    await opened.createProjection({ name: 'p', query: 'fromAll()' });
    await opened.getProjectionState({ name: 'p' });
    await opened.enableProjection({ name: 'p' });
    await opened.restartProjectionsSubsystem();
    expect(seen).toEqual(['true', 'true', 'true', 'true']);
  } finally {
    await opened.close();
    await server.shutdown();
  }
});
