// A checkpoint the store refuses (issue #13): a projection whose checkpoint stream no longer ends with its last
// checkpoint faults, user and standard alike (24.10, Services/Processing/Checkpointing/
// CoreProjectionCheckpointWriter.cs `WriteCheckpointEventCompleted`, CoreProjectionCheckpointReader.cs).
import type { EventStore } from '../../src/emulator/store/event-store.js';
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  statusOf,
  write,
  type Node,
} from './projection-support.js';

jest.setTimeout(120_000);

const COUNTER = 'fromAll().when({$init: () => ({n: 0}), Ticked: (s) => { s.n += 1; return s; }})';

/** ProjectionConsts.CheckpointHandledThreshold: enough events for the next checkpoint. */
function writeEnoughForACheckpoint(store: EventStore, stream: string, type: string): void {
  for (let n = 0; n < 4000; n++) write(store, stream, type);
}

/** Waits until `name` has gone over the log's last record, or stopped running. */
async function caughtUp(node: Node, name: string): Promise<void> {
  const last = node.store.log.at(-1)?.position;
  for (;;) {
    const statistics = await statusOf(node.manager, name);
    if (statistics.status !== 'Running' || statistics.position === `C:${last}/P:${last}`) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await settled(node.store);
}

const typesOf = (node: Node, stream: string) => recordsOf(node.store, stream).map((r) => r.eventType);

test('a user projection faults when its checkpoint stream was written to from outside', async () => {
  const node = startNode({ runProjections: 'all' });
  try {
    await node.manager.create(continuous('ticks', COUNTER), undefined);
    write(node.store, 'clock-1', 'Ticked');
    await settled(node.store);
    await node.manager.disable('ticks', true, undefined);
    write(node.store, '$projections-ticks-checkpoint', 'Intruder');
    await node.manager.enable('ticks', undefined);
    writeEnoughForACheckpoint(node.store, 'clock-1', 'Ticked');
    await caughtUp(node, 'ticks');
    const statistics = await statusOf(node.manager, 'ticks');
    expect([statistics.status, statistics.stateReason]).toEqual([
      'Faulted (Enabled)',
      'Checkpoint stream `$projections-ticks-checkpoint` has been written to from the outside',
    ]);
    expect(typesOf(node, '$projections-ticks-checkpoint')).toEqual(['$ProjectionCheckpoint', 'Intruder']);
    // It handles nothing after its fault.
    const processed = statistics.eventsProcessedAfterRestart;
    write(node.store, 'clock-1', 'Ticked');
    await settled(node.store);
    expect((await statusOf(node.manager, 'ticks')).eventsProcessedAfterRestart).toBe(processed);
  } finally {
    node.close();
  }
});

test('a user projection whose checkpoint stream is untouched writes its checkpoints', async () => {
  const node = startNode({ runProjections: 'all' });
  try {
    await node.manager.create(continuous('ticks', COUNTER), undefined);
    writeEnoughForACheckpoint(node.store, 'clock-1', 'Ticked');
    await caughtUp(node, 'ticks');
    await node.manager.disable('ticks', true, undefined);
    await node.manager.enable('ticks', undefined);
    writeEnoughForACheckpoint(node.store, 'clock-1', 'Ticked');
    await caughtUp(node, 'ticks');
    expect((await statusOf(node.manager, 'ticks')).status).toBe('Running');
    expect(typesOf(node, '$projections-ticks-checkpoint')).toEqual(Array(2).fill('$ProjectionCheckpoint'));
  } finally {
    node.close();
  }
});

test('a standard projection faults the same way; the others go on', async () => {
  const node = startNode({ runProjections: 'system', startStandardProjections: true });
  try {
    write(node.store, 'order-1', 'OrderPlaced');
    await settled(node.store);
    await node.manager.disable('$by_category', true, undefined);
    write(node.store, '$projections-$by_category-checkpoint', 'Intruder');
    await node.manager.enable('$by_category', undefined);
    writeEnoughForACheckpoint(node.store, 'order-1', 'OrderPlaced');
    await caughtUp(node, '$by_category');
    const statistics = await statusOf(node.manager, '$by_category');
    expect([statistics.status, statistics.stateReason]).toEqual([
      'Faulted (Enabled)',
      'Checkpoint stream `$projections-$by_category-checkpoint` has been written to from the outside',
    ]);
    expect(typesOf(node, '$projections-$by_category-checkpoint')).toEqual([
      '$ProjectionCheckpoint',
      'Intruder',
    ]);
    expect((await statusOf(node.manager, '$streams')).status).toBe('Running');
    expect(typesOf(node, '$projections-$by_event_type-checkpoint')).toEqual(['$ProjectionCheckpoint']);
    // Faulted, it links nothing more.
    const links = recordsOf(node.store, '$ce-order').length;
    write(node.store, 'order-2', 'OrderPlaced');
    await settled(node.store);
    expect(recordsOf(node.store, '$ce-order')).toHaveLength(links);
  } finally {
    node.close();
  }
});

test('two events written after the last checkpoint hide it ($maxCount 2): the projection then writes on', async () => {
  const node = startNode({ runProjections: 'all' });
  try {
    await node.manager.create(continuous('ticks', COUNTER), undefined);
    write(node.store, 'clock-1', 'Ticked');
    await settled(node.store);
    await node.manager.disable('ticks', true, undefined);
    write(node.store, '$projections-ticks-checkpoint', 'Intruder');
    write(node.store, '$projections-ticks-checkpoint', 'Intruder');
    // Its checkpoint reader finds no checkpoint it can read: it starts from the beginning, and expects the
    // stream's last event.
    await node.manager.enable('ticks', undefined);
    writeEnoughForACheckpoint(node.store, 'clock-1', 'Ticked');
    await caughtUp(node, 'ticks');
    const statistics = await statusOf(node.manager, 'ticks');
    expect([statistics.status, statistics.eventsProcessedAfterRestart]).toEqual(['Running', 4001n]);
    expect(typesOf(node, '$projections-ticks-checkpoint')).toEqual([
      '$ProjectionCheckpoint',
      'Intruder',
      'Intruder',
      '$ProjectionCheckpoint',
    ]);
  } finally {
    node.close();
  }
});
