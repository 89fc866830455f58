// The `sourceDefinition` of a user projection's persisted definition (docs/protocol.md §3.17.4): what its query
// declared, as the server's core reports it once it has compiled the query (24.10:
// Services/Processing/ProjectionSourceDefinition.cs, QuerySourceOptions.cs, SourceDefinitionBuilder.cs,
// Services/Interpreted/JintProjectionStateHandler.cs, Services/Management/ManagedProjectionStates/PreparingState.cs).
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  statusOf,
  text,
  write,
  type Node,
} from './projection-support.js';

jest.setTimeout(30_000);

const COUNTER = `fromStream('orders').when({ $init: () => ({ count: 0 }), OrderPlaced: (s) => { s.count += 1; } })`;

/** The definitions of `$projections-<name>`, parsed. */
function definitionsOf(store: Node['store'], name: string): Record<string, unknown>[] {
  return recordsOf(store, `$projections-${name}`).map(
    (r) => JSON.parse(text(r.data)) as Record<string, unknown>,
  );
}

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

test('a query that does not compile is written without a source definition', async () => {
  node = startNode();
  await node.manager.create(continuous('broken', 'fromStream('), undefined);
  await node.manager.update('broken', COUNTER, undefined, undefined);
  const [first, second] = definitionsOf(node.store, 'broken');
  expect(first).not.toHaveProperty('sourceDefinition');
  expect(second?.sourceDefinition).toEqual({
    categories: [],
    events: ['OrderPlaced'],
    streams: ['orders'],
    options: { definesFold: true },
  });
});

test.each([
  [
    `fromAll().when({ $any: (s, e) => s })`,
    {
      allEvents: true,
      allStreams: true,
      categories: [],
      events: [],
      streams: [],
      options: { definesFold: true },
    },
  ],
  [
    `fromCategory('order').foreachStream().when({ $init: () => ({}), $deleted: (s) => s })`,
    {
      allEvents: true,
      byStream: true,
      categories: ['order'],
      events: [],
      streams: [],
      options: { definesFold: true, handlesDeletedNotifications: true },
    },
  ],
  [
    `options({ $includeLinks: true, reorderEvents: true, processingLag: 500 });
     fromStreams(['a', 'b']).partitionBy((e) => e.streamId).when({ A: (s) => s }).outputState().outputTo('out', 'out-{0}')`,
    {
      byCustomPartitions: true,
      categories: [],
      events: ['A'],
      streams: ['a', 'b'],
      options: {
        resultStreamName: 'out',
        partitionResultStreamNamePattern: 'out-{0}',
        reorderEvents: true,
        processingLag: 500,
        producesResults: true,
        definesFold: true,
        includeLinks: true,
      },
    },
  ],
  [
    `fromCategories(['a', 'b']).when({ $initShared: () => ({}), A: (s) => s }).transformBy((s) => s)`,
    {
      categories: [],
      events: ['A'],
      streams: ['$ce-a', '$ce-b'],
      options: { isBiState: true, definesStateTransform: true, producesResults: true, definesFold: true },
    },
  ],
])('the source definition of %s', async (query, expected) => {
  node = startNode();
  await node.manager.create(continuous('p', query), undefined);
  expect(definitionsOf(node.store, 'p')[0]?.sourceDefinition).toEqual(expected);
  expect(await statusOf(node.manager, 'p')).toMatchObject({ status: 'Running' });
});

test('a query with no event handler takes every event of its source (the default source is all events)', async () => {
  node = startNode();
  await node.manager.create(
    continuous('all', `fromStream('orders').when({ $init: () => ({ n: 0 }) })`),
    undefined,
  );
  write(node.store, 'orders', 'OrderPlaced', { id: 1 });
  write(node.store, 'orders', 'OrderShipped', { id: 1 });
  await settled(node.store);
  expect(await statusOf(node.manager, 'all')).toMatchObject({ eventsProcessedAfterRestart: 2n });
  expect(definitionsOf(node.store, 'all')[0]?.sourceDefinition).toMatchObject({
    allEvents: true,
    events: [],
  });
});
