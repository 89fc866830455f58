// The projection manager (issue #13) through the ProjectionManagement interface: create, statistics,
// enable/disable, reset, update, delete and the durable restart, against the rules of the 24.10 server
// (EventStore.Projections.Core/Services/Management/ProjectionManager.cs, ManagedProjection.cs).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

const NO_STREAMS = { deleteCheckpointStream: false, deleteEmittedStreams: false, deleteStateStream: false };

async function countOf(target: Node, name: string): Promise<unknown> {
  const state = await target.manager.state(name, '');
  return state === undefined ? undefined : (JSON.parse(state) as { count: number }).count;
}

describe('lifecycle', () => {
  test('disable stops with a checkpoint; enable resumes where it stopped; abort stops too', async () => {
    const target = started();
    const { store, manager } = target;
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    write(store, 'order-1', 'OrderPlaced');
    await settled(store);
    await manager.disable('orders', true, undefined);
    const stopped = await statusOf(manager, 'orders');
    expect([stopped.status, stopped.version, stopped.epoch]).toEqual(['Stopped', 1n, -1n]);
    const [checkpoint] = recordsOf(store, '$projections-orders-checkpoint');
    expect([checkpoint?.eventType, text(checkpoint?.data ?? new Uint8Array())]).toEqual([
      '$ProjectionCheckpoint',
      '[{"count":1}]',
    ]);
    expect(JSON.parse(text(checkpoint?.metadata ?? new Uint8Array()))).toMatchObject({ $v: '6:-1:0:4' });
    write(store, 'order-2', 'OrderPlaced');
    await settled(store);
    expect(await countOf(target, 'orders')).toBe(1);
    await manager.enable('orders', undefined);
    await settled(store);
    expect((await statusOf(manager, 'orders')).status).toBe('Running');
    expect(await countOf(target, 'orders')).toBe(2);
    await manager.disable('orders', false, undefined);
    expect((await statusOf(manager, 'orders')).status).toBe('Stopped');
    expect(
      recordsOf(store, '$projections-orders').map((r) => JSON.parse(text(r.data)) as unknown),
    ).toMatchObject([
      { enabled: true, version: 0 },
      { version: 1 },
      { enabled: true, version: 2 },
      { version: 3 },
    ]);
  });

  test('reset starts a new epoch and recomputes the state from the beginning', async () => {
    const target = started();
    const { store, manager } = target;
    write(store, 'order-1', 'OrderPlaced');
    await manager.create(
      continuous(
        'orders',
        `fromAll().when({ $init: () => ({ count: 0 }), OrderPlaced: (s) => { s.count += 10; } })`,
      ),
      undefined,
    );
    await settled(store);
    await manager.update('orders', ALL_COUNTER, undefined, undefined);
    write(store, 'order-2', 'OrderPlaced');
    await settled(store);
    expect(await countOf(target, 'orders')).toBe(11);
    await manager.reset('orders', true, undefined);
    await settled(store);
    expect(await countOf(target, 'orders')).toBe(2);
    const statistics = await statusOf(manager, 'orders');
    expect([statistics.status, statistics.version, statistics.epoch]).toEqual(['Running', 2n, 2n]);
  });

  test('update changes the query and keeps the state it had', async () => {
    const target = started();
    const { store, manager } = target;
    write(store, 'order-1', 'OrderPlaced');
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    await settled(store);
    await manager.update(
      'orders',
      `fromAll().when({ $init: () => ({ count: 0 }), OrderPlaced: (s) => { s.count += 100; } })`,
      undefined,
      undefined,
    );
    write(store, 'order-2', 'OrderPlaced');
    await settled(store);
    expect(await countOf(target, 'orders')).toBe(101);
    const definitions = recordsOf(store, '$projections-orders');
    expect(JSON.parse(text(definitions.at(-1)?.data ?? new Uint8Array()))).toMatchObject({
      query: expect.stringContaining('100') as unknown,
    });
  });

  test('delete needs a stopped projection; afterwards the name is free', async () => {
    const { store, manager } = started();
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    await expect(manager.delete('orders', NO_STREAMS, undefined)).rejects.toEqual(
      new ProjectionManagementError(
        'invalid',
        "Cannot delete a projection that hasn't been stopped or faulted.",
      ),
    );
    await expect(manager.delete('$by_category', NO_STREAMS, undefined)).rejects.toEqual(
      new ProjectionManagementError(
        'invalid',
        "We currently don't allow for the deletion of System Projections.",
      ),
    );
    write(store, 'order-1', 'OrderPlaced');
    await settled(store);
    await manager.disable('orders', true, undefined);
    await manager.delete('orders', { ...NO_STREAMS, deleteCheckpointStream: true }, undefined);
    await expect(manager.statistics({ name: 'orders' })).rejects.toMatchObject({ kind: 'not-found' });
    const last = recordsOf(store, '$projections-$all').at(-1);
    expect([last?.eventType, text(last?.data ?? new Uint8Array())]).toEqual(['$ProjectionDeleted', 'orders']);
    expect(store.readStream('$projections-orders-checkpoint').kind).not.toBe('found');
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    expect((await statusOf(manager, 'orders')).status).toBe('Running');
  });
});

describe('restarts', () => {
  test('a durable node keeps its projections, their state and their enabled setting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'projections-'));
    try {
      const first = startNode({ runProjections: 'all', startStandardProjections: true }, dataDir);
      await first.manager.create(continuous('orders', ALL_COUNTER), undefined);
      await first.manager.create(continuous('paused', ALL_COUNTER), undefined);
      write(first.store, 'order-1', 'OrderPlaced');
      await settled(first.store);
      await first.manager.disable('paused', true, undefined);
      write(first.store, 'order-2', 'OrderPlaced');
      await settled(first.store);
      first.close();
      const second = startNode({ runProjections: 'all', startStandardProjections: true }, dataDir);
      node = second;
      // A node that stops writes no checkpoint: 'orders' goes over the log again from its last one (none).
      await settled(second.store);
      expect(await countOf(second, 'orders')).toBe(2);
      expect((await statusOf(second.manager, 'orders')).status).toBe('Running');
      expect((await statusOf(second.manager, 'paused')).status).toBe('Stopped');
      expect(await countOf(second, 'paused')).toBe(1);
      write(second.store, 'order-3', 'OrderPlaced');
      await settled(second.store);
      expect(await countOf(second, 'orders')).toBe(3);
      expect(recordsOf(second.store, '$projections-orders-result')).toEqual([]);
    } finally {
      node?.close();
      node = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('restartSubsystem takes every projection up again from the log', async () => {
    const target = started();
    const { store, manager } = target;
    await manager.create(continuous('orders', ALL_COUNTER), undefined);
    write(store, 'order-1', 'OrderPlaced');
    await settled(store);
    await manager.restartSubsystem();
    write(store, 'order-2', 'OrderPlaced');
    await settled(store);
    expect(await countOf(target, 'orders')).toBe(2);
    expect((await statusOf(manager, '$by_category')).status).toBe('Running');
  });
});
