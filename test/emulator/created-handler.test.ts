// The `$created` handlers of a user projection (issue #13): 24.10 runs them when the handler starts a
// partition with `$init`, with that partition's state and the envelope of the event that started it, before
// the event's own handler; what they emit goes first (Services/Interpreted/JintProjectionStateHandler.cs
// `ProcessPartitionCreated`, Services/Processing/Phases/EventProcessingProjectionProcessingPhase.cs
// `ProcessEventByHandler`/`InitOrLoadHandlerState`).
import { continuous, recordsOf, settled, startNode, text, write, type Node } from './projection-support.js';

jest.setTimeout(30_000);

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

const PER_STREAM = `fromCategory('order').foreachStream().when({
  $init: () => ({ placed: 0, createdBy: null }),
  $created: (state, event) => {
    state.createdBy = event.eventType + '@' + event.streamId + ':' + JSON.stringify(event.category);
    emit('order-audit', 'PartitionStarted', { partition: event.partition });
  },
  OrderPlaced: (state, event) => {
    state.placed += 1;
    emit('order-audit', 'Placed', { partition: event.partition });
  }
})`;

test('$created runs once per new partition, before the handler, and what it emits comes first', async () => {
  node = startNode({ runProjections: 'all', startStandardProjections: true });
  const { store, manager } = node;
  await manager.create(continuous('audit', PER_STREAM, true), undefined);
  write(store, 'order-1', 'OrderPlaced');
  write(store, 'order-1', 'OrderPlaced');
  write(store, 'order-2', 'OrderPlaced');
  await settled(store);
  const audit = recordsOf(store, 'order-audit').map((r) => `${r.eventType} ${text(r.data)}`);
  expect(audit).toEqual([
    'PartitionStarted {"partition":"order-1"}',
    'Placed {"partition":"order-1"}',
    'Placed {"partition":"order-1"}',
    'PartitionStarted {"partition":"order-2"}',
    'Placed {"partition":"order-2"}',
  ]);
  expect(JSON.parse((await manager.state('audit', 'order-1')) ?? 'null')).toEqual({
    placed: 2,
    createdBy: 'OrderPlaced@order-1:""',
  });
});

test('an unpartitioned projection runs $created on its first event, not again after its checkpoint', async () => {
  node = startNode({ runProjections: 'all', startStandardProjections: true });
  const { store, manager } = node;
  const query = `fromAll().when({
    $init: () => ({ created: 0, seen: 0 }),
    $created: (state, event) => { state.created += 1; },
    Seen: (state, event) => { state.seen += 1; }
  })`;
  await manager.create(continuous('once', query), undefined);
  write(store, 'thing-1', 'Seen');
  await settled(store);
  await manager.disable('once', true, undefined);
  await manager.enable('once', undefined);
  write(store, 'thing-2', 'Seen');
  await settled(store);
  expect(JSON.parse((await manager.state('once', '')) ?? 'null')).toEqual({ created: 1, seen: 2 });
});
