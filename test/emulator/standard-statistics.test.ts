// The standard projections' statistics counters (issue #13): each counts the records its source filter let
// through since it last started, as every core projection does (24.10, Services/Processing/Checkpointing/
// CoreProjectionCheckpointManager.cs `EventProcessed`, `GetStatistics`), whether it wrote anything for them or
// not; a projection enabled again, or a node started again, counts from zero.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ProjectionOptions } from '../../src/emulator/projections/projection-options.js';
import { settled, startNode, statusOf, write, type Node } from './projection-support.js';

jest.setTimeout(60_000);

const STARTED: ProjectionOptions = { runProjections: 'system', startStandardProjections: true };

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const processed = async (node: Node, name: string) =>
  (await statusOf(node.manager, name)).eventsProcessedAfterRestart;

test('each counts the records it handled, emitting or not; one enabled again counts from zero', async () => {
  const node = startNode(STARTED);
  try {
    write(node.store, 'order-1', 'OrderPlaced');
    write(node.store, 'order-1', 'OrderShipped');
    write(node.store, 'order-2', 'OrderPlaced', {}, '{"$correlationId":"c-1"}');
    await settled(node.store);
    // `$streams` links only two of them and `$by_correlation_id` one, but each handled all three.
    const names = ['$streams', '$stream_by_category', '$by_category', '$by_event_type', '$by_correlation_id'];
    for (const name of names) expect(await processed(node, name)).toBe(3n);
    const statistics = await statusOf(node.manager, '$by_category');
    expect([statistics.partitionsCached, statistics.bufferedEvents, statistics.writesInProgress]).toEqual([
      1,
      0n,
      0,
    ]);

    await node.manager.disable('$by_category', true, undefined);
    // A stopped projection reports what its core counted.
    expect(await processed(node, '$by_category')).toBe(3n);
    await node.manager.enable('$by_category', undefined);
    write(node.store, 'order-3', 'OrderPlaced');
    await settled(node.store);
    // Taken up from its checkpoint at the third event: only the fourth is new to it.
    expect(await processed(node, '$by_category')).toBe(1n);
    expect(await processed(node, '$streams')).toBe(4n);
  } finally {
    node.close();
  }
});

test('a node started again counts the records it goes over again after its last checkpoint', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'standard-statistics-'));
  const first = startNode(STARTED, dataDir);
  write(first.store, 'order-1', 'OrderPlaced');
  write(first.store, 'order-1', 'OrderPlaced');
  await settled(first.store);
  first.close();

  const second = startNode(STARTED, dataDir);
  try {
    await settled(second.store);
    // No checkpoint yet: both records are gone over again (their links are not written twice).
    expect(await processed(second, '$by_category')).toBe(2n);
  } finally {
    second.close();
  }
});
