// Emitted-stream tracking and the Delete options (issue #13), against 24.10's
// Services/Processing/Emitting/EmittedStreamsTracker.cs, EmittedStreamsDeleter.cs and
// Services/Management/ManagedProjection.cs (`Handle(Command.Delete)`, `DeleteProjectionStreams`).
import { randomUUID } from 'node:crypto';

import { deleteEmittedStreams } from '../../src/emulator/projections/emitted-streams.js';
import type { DeleteOptions } from '../../src/emulator/projections/projection-management.js';
import type { EventStore } from '../../src/emulator/store/event-store.js';
import {
  continuous,
  recordsOf,
  settled,
  startNode,
  text,
  utf8,
  write,
  type Node,
} from './projection-support.js';

jest.setTimeout(30_000);

// Emits to one stream per order, links every order to a second stream, and writes its result stream.
const EMITTER = `fromCategory('order').when({
  $init: () => ({ count: 0 }),
  OrderPlaced: (s, e) => { s.count += 1; emit('shipment-' + e.data.id, 'ShipmentRequested', {}); linkTo('audit-orders', e); }
}).outputState()`;

const NONE: DeleteOptions = {
  deleteEmittedStreams: false,
  deleteStateStream: false,
  deleteCheckpointStream: false,
};

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

async function emitterNode(trackEmittedStreams: boolean): Promise<Node> {
  node = startNode({ runProjections: 'all', startStandardProjections: true });
  const definition = { ...continuous('shipping', EMITTER, true), trackEmittedStreams };
  await node.manager.create(definition, undefined);
  write(node.store, 'order-1', 'OrderPlaced', { id: 1 });
  write(node.store, 'order-2', 'OrderPlaced', { id: 2 });
  await settled(node.store);
  await node.manager.disable('shipping', true, undefined);
  return node;
}

/** The streams and event types written since `from` (a log length), metastreams included. */
function writtenSince(store: EventStore, from: number): string[] {
  return store.log.slice(from).map((record) => `${record.streamName} ${record.eventType}`);
}

const lastDefinition = (store: EventStore): Record<string, unknown> =>
  JSON.parse(text(recordsOf(store, '$projections-shipping').at(-1)?.data ?? new Uint8Array())) as Record<
    string,
    unknown
  >;

describe('tracking', () => {
  test('each emitted stream is recorded once, before its first emitted event', async () => {
    const { store } = await emitterNode(true);
    const tracked = recordsOf(store, '$projections-shipping-emittedstreams');
    expect(tracked.map((r) => [r.eventType, r.isJson, text(r.data)])).toEqual([
      ['$StreamTracked', false, 'shipment-1'],
      ['$StreamTracked', false, 'audit-orders'],
      ['$StreamTracked', false, 'shipment-2'],
    ]);
    const firstShipment = store.log.findIndex((r) => r.streamName === 'shipment-1');
    const firstTracked = store.log.findIndex((r) => text(r.data) === 'shipment-1');
    expect(firstTracked).toBeGreaterThanOrEqual(0);
    expect(firstTracked).toBeLessThan(firstShipment);
  });

  test('a restarted subsystem does not track a stream twice', async () => {
    const { store, manager } = await emitterNode(true);
    await manager.restartSubsystem();
    await manager.enable('shipping', undefined);
    write(store, 'order-1', 'OrderPlaced', { id: 1 });
    write(store, 'order-3', 'OrderPlaced', { id: 3 });
    await settled(store);
    const tracked = recordsOf(store, '$projections-shipping-emittedstreams').map((r) => text(r.data));
    expect(tracked).toEqual(['shipment-1', 'audit-orders', 'shipment-2', 'shipment-3']);
  });
});

describe('delete', () => {
  test('deleteEmittedStreams soft-deletes each tracked stream in order, then the tracking stream', async () => {
    const { store, manager } = await emitterNode(true);
    const from = store.log.length;
    await manager.delete('shipping', { ...NONE, deleteEmittedStreams: true }, undefined);
    expect(writtenSince(store, from)).toEqual([
      '$projections-shipping $ProjectionUpdated',
      '$$shipment-1 $metadata',
      '$$audit-orders $metadata',
      '$$shipment-2 $metadata',
      '$$$projections-shipping-emittedstreams $metadata',
      '$projections-$all $ProjectionDeleted',
    ]);
    for (const stream of [
      'shipment-1',
      'audit-orders',
      'shipment-2',
      '$projections-shipping-emittedstreams',
    ]) {
      expect(store.readStream(stream).kind).toBe('not-found');
    }
    expect(lastDefinition(store)).toMatchObject({
      numberOfPrequisitesMetForDeletion: 1,
      deleting: true,
      deleteEmittedStreams: true,
    });
    expect(lastDefinition(store)).not.toHaveProperty('deleted');
    expect(Object.keys(lastDefinition(store))[0]).toBe('numberOfPrequisitesMetForDeletion');
  });

  test('the checkpoint stream goes first, before the definition; the result streams stay', async () => {
    const { store, manager } = await emitterNode(true);
    const from = store.log.length;
    const options = { deleteEmittedStreams: true, deleteStateStream: true, deleteCheckpointStream: true };
    await manager.delete('shipping', options, undefined);
    expect(writtenSince(store, from).slice(0, 2)).toEqual([
      '$$$projections-shipping-checkpoint $metadata',
      '$projections-shipping $ProjectionUpdated',
    ]);
    expect(lastDefinition(store)).toMatchObject({
      numberOfPrequisitesMetForDeletion: 2,
      deleting: true,
      deleteEmittedStreams: true,
      deleteCheckpointStream: true,
      deleteStateStream: true,
    });
    expect(store.readStream('$projections-shipping-checkpoint').kind).toBe('not-found');
    expect(store.readStream('$projections-shipping-result').kind).toBe('found');
  });

  test('without tracking, deleteEmittedStreams deletes nothing and the delete succeeds', async () => {
    const { store, manager } = await emitterNode(false);
    const from = store.log.length;
    await manager.delete('shipping', { ...NONE, deleteEmittedStreams: true }, undefined);
    expect(writtenSince(store, from)).toEqual([
      '$projections-shipping $ProjectionUpdated',
      '$projections-$all $ProjectionDeleted',
    ]);
    expect(store.readStream('shipment-1').kind).toBe('found');
    expect(recordsOf(store, '$projections-shipping-emittedstreams')).toEqual([]);
    expect(lastDefinition(store)).toMatchObject({ deleting: true, deleteEmittedStreams: true });
  });

  test('with nothing to delete the definition says deleted at once', async () => {
    const { store, manager } = await emitterNode(true);
    const from = store.log.length;
    await manager.delete('shipping', { ...NONE, deleteStateStream: true }, undefined);
    expect(writtenSince(store, from)).toEqual([
      '$projections-shipping $ProjectionUpdated',
      '$projections-$all $ProjectionDeleted',
    ]);
    const definition = lastDefinition(store);
    expect(definition).toMatchObject({
      numberOfPrequisitesMetForDeletion: -1,
      deleted: true,
      deleteStateStream: true,
    });
    expect(definition).not.toHaveProperty('enabled');
    expect(definition).not.toHaveProperty('deleting');
    expect(store.readStream('shipment-1').kind).toBe('found');
  });

  test('a tracked stream already deleted from outside is passed over', async () => {
    const { store, manager } = await emitterNode(true);
    store.tombstone('shipment-1', { kind: 'any' });
    const from = store.log.length;
    await manager.delete('shipping', { ...NONE, deleteEmittedStreams: true }, undefined);
    expect(writtenSince(store, from)).toContain('$$shipment-2 $metadata');
    expect(writtenSince(store, from)).not.toContain('$$shipment-1 $metadata');
  });
});

test('the deleter writes a $Checkpoint after every 4000 deletions, then deletes its checkpoint stream', () => {
  node = startNode({ runProjections: 'all' });
  const { store } = node;
  for (let i = 0; i < 4001; i++) {
    write(store, `emitted-${i}`, 'Emitted');
    store.append('$projections-many-emittedstreams', { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: '$StreamTracked',
        isJson: false,
        data: utf8(`emitted-${i}`),
        metadata: new Uint8Array(0),
      },
    ]);
  }
  const from = store.log.length;
  deleteEmittedStreams(store, 'many');
  const written = writtenSince(store, from);
  expect(written).toHaveLength(4004);
  expect(written.slice(3999, 4001)).toEqual([
    '$$emitted-3999 $metadata',
    '$projections-many-emittedstreams-checkpoint $Checkpoint',
  ]);
  expect(text(recordsOf(store, '$projections-many-emittedstreams-checkpoint')[0]?.data ?? utf8(''))).toBe(
    '3999',
  );
  expect(written.slice(-2)).toEqual([
    '$$$projections-many-emittedstreams-checkpoint $metadata',
    '$$$projections-many-emittedstreams $metadata',
  ]);
});
