// Reset of a standard projection (issue #13): the server's manager lets it through as for any projection
// (24.10, Services/Management/ProjectionManager.cs `Handle(Reset)`, ManagedProjection.cs `Handle(Reset)`): the
// next version becomes its epoch, and it starts again from the beginning of the log, its emitted streams
// started again as new logical streams (Services/Processing/Emitting/EmittedStream.cs), as a user projection's
// emitted and result streams are.
import type { EventStore } from '../../src/emulator/store/event-store.js';
import { continuous, recordsOf, settled, startNode, statusOf, text, write } from './projection-support.js';

jest.setTimeout(60_000);

/** The events of `stream` that a read returns (those `$tb` leaves visible), as [data, `$v`]. */
function visible(store: EventStore, stream: string): string[][] {
  const view = store.readStream(stream);
  if (view.kind !== 'found') return [];
  return view.events
    .slice(view.firstVisible)
    .map((r) => [text(r.data), (JSON.parse(text(r.metadata)) as { $v: string }).$v]);
}

const definitionOf = (store: EventStore, name: string) => {
  const last = recordsOf(store, `$projections-${name}`).at(-1);
  return last === undefined ? undefined : (JSON.parse(text(last.data)) as { epoch: number; version: number });
};

test('a running standard projection starts again in a new epoch, its links written again past a $tb', async () => {
  const node = startNode({ runProjections: 'system', startStandardProjections: true });
  try {
    write(node.store, 'order-1', 'OrderPlaced');
    write(node.store, 'order-1', 'OrderShipped');
    await settled(node.store);
    expect(visible(node.store, '$ce-order')).toEqual([
      ['0@order-1', '3:-1:1:4'],
      ['1@order-1', '3:-1:1:4'],
    ]);

    await node.manager.reset('$by_category', true, undefined);
    await settled(node.store);
    expect(definitionOf(node.store, '$by_category')).toMatchObject({ epoch: 2, version: 2 });
    const statistics = await statusOf(node.manager, '$by_category');
    expect([statistics.status, statistics.epoch, statistics.version]).toEqual(['Running', 2n, 2n]);
    expect(statistics.eventsProcessedAfterRestart).toBe(2n);
    // The old links stay in the log, hidden by the metadata written before the first new one.
    expect(recordsOf(node.store, '$$$ce-order').map((r) => text(r.data))).toEqual([
      '{"$acl":{"$r":"$all","$mr":"$all"}}',
      '{"$tb":2,"$acl":{"$r":"$all","$mr":"$all"}}',
    ]);
    expect(recordsOf(node.store, '$ce-order')).toHaveLength(4);
    expect(visible(node.store, '$ce-order')).toEqual([
      ['0@order-1', '3:2:2:4'],
      ['1@order-1', '3:2:2:4'],
    ]);
    // The other projections are not touched.
    expect(visible(node.store, '$et-OrderPlaced')).toEqual([['0@order-1', '4:-1:1:4']]);

    write(node.store, 'order-2', 'OrderPlaced');
    await settled(node.store);
    expect(visible(node.store, '$ce-order').map(([data]) => data)).toEqual([
      '0@order-1',
      '1@order-1',
      '0@order-2',
    ]);
  } finally {
    node.close();
  }
});

test('a stopped one only gets its new epoch; enabled, it starts from the beginning', async () => {
  const node = startNode({ runProjections: 'system', startStandardProjections: true });
  try {
    write(node.store, 'order-1', 'OrderPlaced');
    await settled(node.store);
    await node.manager.disable('$streams', true, undefined);
    await node.manager.reset('$streams', true, undefined);
    await settled(node.store);
    expect(definitionOf(node.store, '$streams')).toMatchObject({ epoch: 3, version: 3 });
    expect((await statusOf(node.manager, '$streams')).status).toBe('Stopped');
    expect(recordsOf(node.store, '$streams')).toHaveLength(1);

    await node.manager.enable('$streams', undefined);
    await settled(node.store);
    expect(visible(node.store, '$streams')).toEqual([['0@order-1', '1:3:4:4']]);
    expect(recordsOf(node.store, '$streams')).toHaveLength(2);
  } finally {
    node.close();
  }
});

test('a user projection reset writes its emitted and result streams again the same way', async () => {
  const node = startNode({ runProjections: 'all' });
  try {
    const query = `fromStream('clock-1').when({
      $init: () => ({ n: 0 }),
      Ticked: (s, e) => { s.n += 1; emit('ticks-copy', 'Copied', { n: s.n }); return s; }
    }).outputState()`;
    await node.manager.create(continuous('copier', query, true), undefined);
    write(node.store, 'clock-1', 'Ticked');
    await settled(node.store);
    await node.manager.reset('copier', true, undefined);
    await settled(node.store);
    // Id 6 (after the five standard ones); created at version 0, the reset makes version and epoch 1. The
    // first write of the new epoch hides the old one.
    expect(recordsOf(node.store, '$$ticks-copy').map((r) => text(r.data))).toEqual([
      '{"$acl":{}}',
      '{"$tb":1,"$acl":{}}',
    ]);
    expect(visible(node.store, 'ticks-copy')).toEqual([['{"n":1}', '6:1:1:4']]);
    expect(recordsOf(node.store, '$$$projections-copier-result').map((r) => text(r.data))).toEqual([
      '{"$acl":{"$r":"$all","$mr":"$all"}}',
      '{"$tb":1,"$acl":{"$r":"$all","$mr":"$all"}}',
    ]);
  } finally {
    node.close();
  }
});
