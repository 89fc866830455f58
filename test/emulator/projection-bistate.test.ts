// Bi-state user projections (issue #13): the shared state is handed to the handler when it first handles an
// event, from the root partition's checkpointed state or else from `$initShared`, and is kept as the root
// partition's state (24.10, Services/Processing/Phases/EventProcessingProjectionProcessingPhase.cs
// `InitOrLoadHandlerState`, `InternalProcessCommittedEvent`).
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

const TOTALS = `fromAll().foreachStream().when({
  $init: () => ({ n: 0 }),
  $initShared: () => ({ total: 0 }),
  E: function (s) { s[1].total++; s[0].n++; s[0].seenTotal = s[1].total; return s; }
})`;

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

async function stateOf(name: string, partition: string): Promise<unknown> {
  const state = await node?.manager.state(name, partition);
  return state === undefined ? undefined : JSON.parse(state);
}

test('$initShared runs on the first handled event: a throw there faults the projection as a handler does', async () => {
  node = startNode({ runProjections: 'all' });
  const query = `fromAll().foreachStream().when({
    $initShared: () => { throw new Error('no shared state'); },
    E: (s) => s
  })`;
  await node.manager.create(continuous('bi', query), undefined);
  await settled(node.store);
  expect((await statusOf(node.manager, 'bi')).status).toBe('Running');
  write(node.store, 'bi-1', 'E');
  await settled(node.store);
  const statistics = await statusOf(node.manager, 'bi');
  expect(statistics.status).toBe('Faulted (Enabled)');
  expect(statistics.stateReason).toMatch(/^The bi projection failed to process an event\.\r\n/);
  expect(statistics.stateReason).toMatch(/no shared state$/);
});

test('the shared state is the root partition’s: read as partition "", checkpointed, and taken up again', async () => {
  node = startNode({ runProjections: 'all' });
  await node.manager.create(continuous('bi', TOTALS), undefined);
  write(node.store, 'bi-1', 'E');
  write(node.store, 'bi-2', 'E');
  await settled(node.store);
  expect(await stateOf('bi', '')).toEqual({ total: 2 });
  await node.manager.disable('bi', true, undefined);
  expect(recordsOf(node.store, '$projections-bi-checkpoint').map((r) => text(r.data))).toEqual([
    '[{"total":2}]',
  ]);

  await node.manager.enable('bi', undefined);
  write(node.store, 'bi-3', 'E');
  await settled(node.store);
  // Taken up from the checkpoint, not started again by $initShared.
  expect(await stateOf('bi', 'bi-3')).toEqual({ n: 1, seenTotal: 3 });
  expect(await stateOf('bi', '')).toEqual({ total: 3 });
});
