// The checkpoints projections write (issue #13): the standard projections' `$ProjectionCheckpoint` events in
// `$projections-<name>-checkpoint`, the metadata every checkpoint stream gets before its first event, and how a
// durable node started again takes up the checkpoint. Compared with the 24.10 sources under
// EventStore.Projections.Core/Services/Processing/ (Checkpointing/CoreProjectionCheckpointWriter.cs,
// CoreProjectionCheckpointManager.cs, CoreProjectionCheckpointReader.cs, Subscriptions/ReaderSubscriptionBase.cs,
// Partitioning/PartitionStateUpdateManager.cs, Emitting/EmittedStream.cs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ProjectionOptions } from '../../src/emulator/projections/projection-options.js';
import type { EventStore } from '../../src/emulator/store/event-store.js';
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  statusOf,
  text,
  utf8,
  write,
  type Node,
} from './projection-support.js';

jest.setTimeout(60_000);

const STARTED: ProjectionOptions = { runProjections: 'system', startStandardProjections: true };
const STANDARD_IDS = [
  ['$streams', 1],
  ['$stream_by_category', 2],
  ['$by_category', 3],
  ['$by_event_type', 4],
  ['$by_correlation_id', 5],
] as const;
/** CoreProjectionCheckpointWriter.cs `CreateStreamMetadataEvent`, as StreamMetadata.cs writes it. */
const CHECKPOINT_STREAM_METADATA =
  '{"$maxCount":2,"$acl":{"$r":"$admins","$w":"$admins","$d":"$admins","$mr":"$all","$mw":"$admins"}}';

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** The checkpoint events of `name` as [type, isJson, data, metadata]. */
function checkpointsOf(store: EventStore, name: string) {
  return recordsOf(store, `$projections-${name}-checkpoint`).map((r) => [
    r.eventType,
    r.isJson,
    text(r.data),
    text(r.metadata),
  ]);
}

const checkpointAt = (id: number, version: number, position: bigint) => [
  '$ProjectionCheckpoint',
  true,
  '[]',
  `{"$v":"${id}:-1:${version}:4","$c":${position},"$p":${position}}`,
];

function positionOf(store: EventStore, stream: string, number: number): bigint {
  const record = recordsOf(store, stream)[number];
  if (record === undefined) throw new Error(`no ${number}@${stream}`);
  return record.position;
}

/**
 * Waits until each running standard projection has gone over the whole log (its position is the last record's):
 * waiting for the log to stay the same is not enough, as they go over their own links without writing.
 */
async function caughtUp(node: Node): Promise<void> {
  for (;;) {
    const last = node.store.log.at(-1)?.position;
    const statistics = await node.manager.statistics({ all: true });
    const running = statistics.filter((s) => s.name.startsWith('$') && s.status === 'Running');
    const done = running.every((s) => s.position === `C:${last}/P:${last}`);
    if (running.length === STANDARD_IDS.length && done && node.store.log.at(-1)?.position === last) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('standard projections', () => {
  test('write a checkpoint after 4000 records handled, the stream metadata just before the first', async () => {
    const node = startNode(STARTED);
    try {
      for (let n = 0; n < 3999; n++) write(node.store, 'order-1', 'OrderPlaced');
      await caughtUp(node);
      expect(checkpointsOf(node.store, '$by_category')).toEqual([]);
      write(node.store, 'order-1', 'OrderPlaced');
      await caughtUp(node);
      const at = positionOf(node.store, 'order-1', 3999);
      for (const [name, id] of STANDARD_IDS) {
        expect(checkpointsOf(node.store, name)).toEqual([checkpointAt(id, 1, at)]);
      }
      const log = node.store.log;
      const checkpoint = log.findIndex((r) => r.streamName === '$projections-$by_category-checkpoint');
      // After the link of the record that reached 4000.
      expect(
        log.slice(checkpoint - 2, checkpoint).map((r) => [r.streamName, r.eventType, text(r.data)]),
      ).toEqual([
        ['$ce-order', '$>', '3999@order-1'],
        ['$$$projections-$by_category-checkpoint', '$metadata', CHECKPOINT_STREAM_METADATA],
      ]);
      write(node.store, 'order-1', 'OrderPlaced');
      await caughtUp(node);
      expect(checkpointsOf(node.store, '$by_category')).toHaveLength(1);
    } finally {
      node.close();
    }
  });

  test('Disable writes a checkpoint at the last record handled, before the new definition; Abort does not', async () => {
    const node = startNode(STARTED);
    try {
      write(node.store, 'account-1', 'Opened');
      write(node.store, 'account-1', 'Credited');
      await settled(node.store);
      await node.manager.disable('$streams', true, undefined);
      await node.manager.disable('$by_event_type', false, undefined);
      // `$streams` linked only the first event, but handled the second too.
      expect(checkpointsOf(node.store, '$streams')).toEqual([
        checkpointAt(1, 1, positionOf(node.store, 'account-1', 1)),
      ]);
      expect(checkpointsOf(node.store, '$by_event_type')).toEqual([]);
      const order = node.store.log
        .filter((r) => r.streamName.startsWith('$projections-$streams'))
        .map((r) => [r.streamName, r.eventType]);
      expect(order.slice(-2)).toEqual([
        ['$projections-$streams-checkpoint', '$ProjectionCheckpoint'],
        ['$projections-$streams', '$ProjectionUpdated'],
      ]);
      const stopped = await statusOf(node.manager, '$streams');
      const at = positionOf(node.store, 'account-1', 1);
      expect(stopped.lastCheckpoint).toBe(`C:${at}/P:${at}`);

      // Enabled and disabled again with nothing new to handle: no second checkpoint.
      await node.manager.enable('$streams', undefined);
      await settled(node.store);
      await node.manager.disable('$streams', true, undefined);
      expect(checkpointsOf(node.store, '$streams')).toHaveLength(1);
      expect(recordsOf(node.store, '$$$projections-$streams-checkpoint')).toHaveLength(1);
    } finally {
      node.close();
    }
  });

  test('a node that stops writes none; started again, each goes on from its last checkpoint, linking nothing twice', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'standard-checkpoints-'));
    const first = startNode(STARTED, dataDir);
    write(first.store, 'order-1', 'OrderPlaced');
    write(first.store, 'order-1', 'OrderPlaced');
    await caughtUp(first);
    await first.manager.disable('$by_category', true, undefined);
    await first.manager.enable('$by_category', undefined);
    write(first.store, 'order-1', 'OrderPlaced');
    await caughtUp(first);
    // Its projections are suspended (ProjectionCoreService.cs `StopProjections`), not stopped.
    first.close();

    const second = startNode(STARTED, dataDir);
    try {
      const at = positionOf(second.store, 'order-1', 1);
      expect(checkpointsOf(second.store, '$by_category')).toEqual([checkpointAt(3, 1, at)]);
      expect(checkpointsOf(second.store, '$streams')).toEqual([]);
      // Taken up from the checkpoint, not from its last link (that of the third event).
      const statistics = await statusOf(second.manager, '$by_category');
      expect([statistics.position, statistics.lastCheckpoint]).toEqual([
        `C:${at}/P:${at}`,
        `C:${at}/P:${at}`,
      ]);
      write(second.store, 'order-2', 'OrderPlaced');
      await caughtUp(second);
      expect(recordsOf(second.store, '$ce-order').map((r) => text(r.data))).toEqual([
        '0@order-1',
        '1@order-1',
        '2@order-1',
        '0@order-2',
      ]);
      expect(recordsOf(second.store, '$streams').map((r) => text(r.data))).toEqual([
        '0@order-1',
        '0@order-2',
      ]);
    } finally {
      second.close();
    }
  });
});

describe('user projections', () => {
  const COUNTER = 'fromAll().when({$init: () => ({n: 0}), Ticked: (s) => { s.n += 1; return s; }})';
  const PER_STREAM =
    'fromAll().foreachStream().when({$init: () => ({n: 0}), Ticked: (s) => { s.n += 1; return s; }})';

  test('the checkpoint stream gets its metadata before the first checkpoint, once', async () => {
    const node = startNode({ runProjections: 'all' });
    try {
      await node.manager.create(continuous('ticks', COUNTER), undefined);
      write(node.store, 'clock-1', 'Ticked');
      await settled(node.store);
      await node.manager.disable('ticks', true, undefined);
      await node.manager.enable('ticks', undefined);
      write(node.store, 'clock-1', 'Ticked');
      await settled(node.store);
      await node.manager.disable('ticks', true, undefined);
      const written = node.store.log
        .filter((r) => r.streamName.endsWith('projections-ticks-checkpoint'))
        .map((r) => [r.streamName, r.eventType]);
      expect(written).toEqual([
        ['$$$projections-ticks-checkpoint', '$metadata'],
        ['$projections-ticks-checkpoint', '$ProjectionCheckpoint'],
        ['$projections-ticks-checkpoint', '$ProjectionCheckpoint'],
      ]);
      const [metadata] = recordsOf(node.store, '$$$projections-ticks-checkpoint');
      expect(metadata === undefined ? undefined : text(metadata.data)).toBe(CHECKPOINT_STREAM_METADATA);
    } finally {
      node.close();
    }
  });

  test('a node that stops suspends them without a checkpoint', async () => {
    const node = startNode({ runProjections: 'all' });
    await node.manager.create(continuous('ticks', COUNTER), undefined);
    write(node.store, 'clock-1', 'Ticked');
    await settled(node.store);
    node.close();
    expect(recordsOf(node.store, '$projections-ticks-checkpoint')).toEqual([]);
  });

  test("a partition's checkpoint: an emitted stream's metadata with $maxCount 2, tagged where it changed", async () => {
    const node = startNode({ runProjections: 'all' });
    try {
      await node.manager.create(continuous('per-clock', PER_STREAM), undefined);
      write(node.store, 'clock-7', 'Ticked');
      write(node.store, 'clock-8', 'Ticked');
      await settled(node.store);
      await node.manager.disable('per-clock', true, undefined);
      const written = node.store.log
        .filter((r) => r.streamName.includes('projections-per-clock-'))
        .map((r) => [r.streamName, r.eventType, text(r.data)]);
      const partitionMetadata = '{"$maxCount":2,"$acl":{"$r":"$all","$mr":"$all"}}';
      expect(written).toEqual([
        ['$$$projections-per-clock-clock-7-checkpoint', '$metadata', partitionMetadata],
        ['$projections-per-clock-clock-7-checkpoint', '$Checkpoint', '[{"n":1}]'],
        ['$$$projections-per-clock-clock-8-checkpoint', '$metadata', partitionMetadata],
        ['$projections-per-clock-clock-8-checkpoint', '$Checkpoint', '[{"n":1}]'],
        ['$$$projections-per-clock-checkpoint', '$metadata', CHECKPOINT_STREAM_METADATA],
        // A partitioned projection's root state is empty.
        ['$projections-per-clock-checkpoint', '$ProjectionCheckpoint', '[]'],
      ]);
      // Each partition's at the event that changed it; the projection's where it stopped.
      const tagOf = (stream: string) =>
        (JSON.parse(text(recordsOf(node.store, stream)[0]?.metadata ?? utf8('{}'))) as { $c?: number }).$c;
      const [seven, eight] = [positionOf(node.store, 'clock-7', 0), positionOf(node.store, 'clock-8', 0)];
      expect(tagOf('$projections-per-clock-clock-7-checkpoint')).toBe(Number(seven));
      expect(tagOf('$projections-per-clock-clock-8-checkpoint')).toBe(Number(eight));
      expect(tagOf('$projections-per-clock-checkpoint')).toBe(Number(eight));
    } finally {
      node.close();
    }
  });

  test('a partition whose state did not change is not checkpointed again', async () => {
    const node = startNode({ runProjections: 'all' });
    try {
      const query =
        'fromAll().foreachStream().when({$init: () => ({n: 0}), Ticked: (s) => { s.n = 1; return s; }})';
      await node.manager.create(continuous('once', query), undefined);
      write(node.store, 'clock-1', 'Ticked');
      await settled(node.store);
      await node.manager.disable('once', true, undefined);
      await node.manager.enable('once', undefined);
      write(node.store, 'clock-1', 'Ticked');
      await settled(node.store);
      await node.manager.disable('once', true, undefined);
      expect(recordsOf(node.store, '$projections-once-clock-1-checkpoint')).toHaveLength(1);
      expect(recordsOf(node.store, '$projections-once-checkpoint')).toHaveLength(2);
    } finally {
      node.close();
    }
  });
});
