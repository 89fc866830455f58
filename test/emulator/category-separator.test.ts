// The `$by_category` and `$stream_by_category` configuration (issue #13): their query says where a stream
// name's category ends (24.10: Standard/StreamCategoryExtractor.cs, created with `first\r\n-` by
// Services/Management/ProjectionManager.cs `CreateSystemProjections`), and Update changes it
// (ManagedProjection.cs `UpdateQuery`; the handler is built again from the query by ProjectionCoreService.cs).
import { EsdbClient, NewEvent } from '../../src/client/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { recordsOf, settled, startNode, statusOf, text, write, type Node } from './projection-support.js';

jest.setTimeout(30_000);

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

function started(): Node {
  node = startNode({ runProjections: 'system', startStandardProjections: true });
  return node;
}

const linkedIn = (target: Node, stream: string): string[] =>
  recordsOf(target.store, stream).map((record) => text(record.data));

test('updating $by_category to `last` and `_` changes the category of the events after it', async () => {
  const target = started();
  const { store, manager } = target;
  write(store, 'shop_order-1', 'Placed');
  await settled(store);
  expect(linkedIn(target, '$ce-shop_order')).toEqual(['0@shop_order-1']);

  await manager.update('$by_category', 'last\n_', undefined, undefined);
  write(store, 'shop_order-1', 'Paid');
  write(store, 'a_b_c', 'Placed');
  await settled(store);
  expect(linkedIn(target, '$ce-shop_order')).toEqual(['0@shop_order-1']);
  expect(linkedIn(target, '$ce-shop')).toEqual(['1@shop_order-1']);
  expect(linkedIn(target, '$ce-a_b')).toEqual(['0@a_b_c']);

  const statistics = await statusOf(manager, '$by_category');
  expect([statistics.status, statistics.version]).toEqual(['Running', 2n]);
  const definition = recordsOf(store, '$projections-$by_category').at(-1);
  expect(JSON.parse(text(definition?.data ?? new Uint8Array()))).toMatchObject({
    handlerType: 'native:EventStore.Projections.Core.Standard.CategorizeEventsByStreamPath',
    query: 'last\n_',
    enabled: true,
    version: 2,
  });
});

test('$stream_by_category takes a one-character query: split at its last occurrence', async () => {
  const target = started();
  const { store, manager } = target;
  await manager.update('$stream_by_category', '.', undefined, undefined);
  write(store, 'eu.shop.order', 'Placed');
  await settled(store);
  expect(linkedIn(target, '$category-eu.shop')).toEqual(['eu.shop.order']);
});

test('a stopped projection updated keeps its query for when it is enabled', async () => {
  const target = started();
  const { store, manager } = target;
  await manager.disable('$by_category', true, undefined);
  await manager.update('$by_category', 'first\n.', undefined, undefined);
  expect((await statusOf(manager, '$by_category')).status).toBe('Stopped');
  write(store, 'eu.order-1', 'Placed');
  await manager.enable('$by_category', undefined);
  await settled(store);
  expect(linkedIn(target, '$ce-eu')).toEqual(['0@eu.order-1']);
});

test('a query the handler refuses faults the projection with the server reason; a good one runs again', async () => {
  const target = started();
  const { store, manager } = target;
  await manager.update('$by_category', 'middle\n-', undefined, undefined);
  const faulted = await statusOf(manager, '$by_category');
  expect(faulted.status).toBe('Faulted (Enabled)');
  expect(faulted.stateReason).toBe(
    "Cannot initialize categorization projection handler.  Invalid direction specifier.  Expected 'first' or " +
      "'last'. Configuration format is: \r\nfirst|last\r\nseparator",
  );
  write(store, 'order-1', 'Placed');
  await settled(store);
  expect(linkedIn(target, '$ce-order')).toEqual([]);

  await manager.update('$by_category', 'first\n-', undefined, undefined);
  await settled(store);
  expect((await statusOf(manager, '$by_category')).status).toBe('Running');
  expect(linkedIn(target, '$ce-order')).toEqual(['0@order-1']);
});

test('through the gRPC Update: updateProjection on $by_category changes the categories', async () => {
  const emulator = await startEmulator({ runProjections: 'system', startStandardProjections: true });
  const client = new EsdbClient({ uri: emulator.uri });
  try {
    await client.updateProjection({ name: '$by_category', query: 'last\n-' });
    await client.appendEvents({
      streamName: 'shop-order-1',
      expectedPosition: null,
      events: [NewEvent.json({ type: 'Placed', data: {} })],
    });
    let linked: string[] = [];
    for (let attempt = 0; attempt < 200 && linked.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        linked = (await client.readStreamEvents({ streamName: '$ce-shop-order' }).toArray()).map((e) =>
          text(e.data),
        );
      } catch {
        linked = [];
      }
    }
    expect(linked).toEqual(['0@shop-order-1']);
    const statistics = await client.getProjectionStatistics({ name: '$by_category' });
    expect([statistics.status, statistics.version]).toEqual(['Running', 2n]);
  } finally {
    await client.close();
    await emulator.stop();
  }
});
