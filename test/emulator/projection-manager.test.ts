// The projection manager (issue #13) through the ProjectionManagement interface: create, statistics,
// enable/disable, reset, update, delete and the durable restart, against the rules of the 24.10 server
// (EventStore.Projections.Core/Services/Management/ProjectionManager.cs, ManagedProjection.cs).
import { randomUUID } from 'node:crypto';

import { createProjectionManager } from '../../src/emulator/projections/projection-manager.js';
import { ProjectionManagementError } from '../../src/emulator/projections/projection-management.js';
import type { ProjectionOptions } from '../../src/emulator/projections/projection-options.js';
import { createStore } from '../../src/emulator/server/create-store.js';
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

const COUNTER = `fromCategory('order').when({ $init: () => ({ count: 0 }), OrderPlaced: (s, e) => { s.count += 1; } })`;
const ALL_COUNTER = `fromAll().when({ $init: () => ({ count: 0 }), OrderPlaced: (s, e) => { s.count += 1; } })`;

let node: Node | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
});

function started(
  options: ProjectionOptions = { runProjections: 'all', startStandardProjections: true },
): Node {
  node = startNode(options);
  return node;
}

describe('create and statistics', () => {
  test('registers the projection in $projections-$all and writes its definition', async () => {
    const { store, manager } = started();
    await manager.create(continuous('orders', COUNTER), undefined);
    const registered = recordsOf(store, '$projections-$all');
    const created = registered.at(-1);
    expect([created?.eventType, created === undefined ? '' : text(created.data)]).toEqual([
      '$ProjectionCreated',
      'orders',
    ]);
    expect(created?.eventNumber).toBe(6n);
    const [definition] = recordsOf(store, '$projections-orders');
    expect(definition?.eventType).toBe('$ProjectionUpdated');
    const persisted = JSON.parse(text(definition?.data ?? new Uint8Array())) as Record<string, unknown>;
    expect(persisted).toMatchObject({
      handlerType: 'JS',
      query: COUNTER,
      mode: 'Continuous',
      enabled: true,
      epoch: -1,
      version: 0,
    });
    const statistics = await statusOf(manager, 'orders');
    expect(statistics).toMatchObject({
      name: 'orders',
      effectiveName: 'orders',
      status: 'Running',
      mode: 'Continuous',
      stateReason: '',
    });
  });

  test('lists the standard projections with the user ones, and by mode', async () => {
    const { manager } = started({ runProjections: 'all', startStandardProjections: false });
    await manager.create(continuous('orders', COUNTER), undefined);
    const all = await manager.statistics({ all: true });
    expect(all.map((s) => [s.name, s.status])).toEqual([
      ['$streams', 'Stopped'],
      ['$stream_by_category', 'Stopped'],
      ['$by_category', 'Stopped'],
      ['$by_event_type', 'Stopped'],
      ['$by_correlation_id', 'Stopped'],
      ['orders', 'Running'],
    ]);
    expect(await manager.statistics({ mode: 'OneTime' })).toEqual([]);
  });

  test('a duplicate name is a conflict; an unknown name is not found; a blank name is refused', async () => {
    const { manager } = started();
    await manager.create(continuous('orders', COUNTER), undefined);
    await expect(manager.create(continuous('orders', COUNTER), undefined)).rejects.toEqual(
      new ProjectionManagementError('conflict', 'Duplicate projection names : orders'),
    );
    await expect(manager.create(continuous('$by_category', COUNTER), undefined)).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(manager.statistics({ name: 'nope' })).rejects.toMatchObject({ kind: 'not-found' });
    for (const call of [
      manager.enable('nope', undefined),
      manager.disable('nope', true, undefined),
      manager.reset('nope', true, undefined),
      manager.update('nope', COUNTER, undefined, undefined),
      manager.delete(
        'nope',
        { deleteCheckpointStream: false, deleteEmittedStreams: false, deleteStateStream: false },
        undefined,
      ),
      manager.state('nope', ''),
      manager.result('nope', ''),
    ]) {
      await expect(call).rejects.toMatchObject({ kind: 'not-found' });
    }
    await expect(manager.create(continuous(' ', COUNTER), undefined)).rejects.toEqual(
      new ProjectionManagementError('invalid', 'Projection name is required'),
    );
  });

  test("'system' keeps a user projection but does not run it", async () => {
    const { store, manager } = started({ runProjections: 'system', startStandardProjections: true });
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    write(store, 'order-1', 'OrderPlaced');
    await settled(store);
    expect((await statusOf(manager, 'orders')).status).toBe('Stopped');
    expect((await statusOf(manager, '$by_category')).status).toBe('Running');
  });

  test('createProjectionManager is undefined when projections are off', () => {
    const { store } = createStore({ secure: false, instanceId: randomUUID() });
    expect(createProjectionManager(store, {})).toBeUndefined();
    expect(createProjectionManager(store, { runProjections: 'none' })).toBeUndefined();
  });
});
