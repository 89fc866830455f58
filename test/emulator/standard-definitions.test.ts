// The standard projections' persisted definitions (issue #13): the `$ProjectionUpdated` events a node writes in
// `$projections-<name>` when it creates them and at each Enable/Disable, and how a durable node started again
// reads them back (24.10: Services/Management/ProjectionManager.cs CreateSystemProjections, ManagedProjection.cs,
// ProjectionsSubsystem.cs enabling the stopped standard projections under --start-standard-projections).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createProjectionManager } from '../../src/emulator/projections/projection-manager.js';
import type { ProjectionOptions } from '../../src/emulator/projections/projection-options.js';
import { createStore } from '../../src/emulator/server/create-store.js';
import { recordsOf, settled, startNode, statusOf, text, write, type Node } from './projection-support.js';

jest.setTimeout(30_000);

const STANDARD = [
  ['$streams', 'IndexStreams', '', true],
  ['$stream_by_category', 'CategorizeStreamByPath', 'first\r\n-', true],
  ['$by_category', 'CategorizeEventsByStreamPath', 'first\r\n-', true],
  ['$by_event_type', 'IndexEventsByEventType', '', false],
  ['$by_correlation_id', 'ByCorrelationId', '{"correlationIdProperty":"$correlationId"}', false],
] as const;

let node: Node | undefined;
let dataDir: string | undefined;
afterEach(() => {
  node?.close();
  node = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

function started(options: ProjectionOptions, dir?: string): Node {
  node?.close();
  node = startNode(options, dir);
  return node;
}

/** The definitions in `$projections-<name>`, parsed. */
function definitionsOf(target: Node, name: string): Record<string, unknown>[] {
  return recordsOf(target.store, `$projections-${name}`).map((record) => {
    expect(record.eventType).toBe('$ProjectionUpdated');
    expect(record.isJson).toBe(true);
    return JSON.parse(text(record.data)) as Record<string, unknown>;
  });
}

/** Where each `$projections-…` write is in the log, as `<stream>@<event number>`. */
function projectionWrites(target: Node): string[] {
  return target.store.log
    .filter((record) => record.streamName.startsWith('$projections-'))
    .map((record) => `${record.streamName}@${record.eventNumber}`);
}

describe('a fresh start', () => {
  test('creates each standard projection disabled, version 0, after the registrations', () => {
    const target = started({ runProjections: 'system' });
    for (const [name, handler, query, includeLinks] of STANDARD) {
      const definitions = definitionsOf(target, name);
      expect(definitions).toEqual([
        {
          handlerType: `native:EventStore.Projections.Core.Standard.${handler}`,
          query,
          mode: 'Continuous',
          sourceDefinition: {
            allEvents: true,
            allStreams: true,
            categories: [],
            events: [],
            streams: [],
            options: includeLinks ? { definesFold: true, includeLinks: true } : { definesFold: true },
          },
          emitEnabled: true,
          checkpointsDisabled: false,
          trackEmittedStreams: false,
          epoch: -1,
          version: 0,
          runAs: { name: '$system' },
          checkpointHandledThreshold: 4000,
          checkpointUnhandledBytesThreshold: 10_000_000,
          pendingEventsThreshold: 5000,
          maxWriteBatchLength: 500,
          projectionSubsystemVersion: 4,
        },
      ]);
    }
    expect(projectionWrites(target)).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((n) => `$projections-$all@${n}`),
      ...STANDARD.map(([name]) => `$projections-${name}@0`),
    ]);
  });

  test('with startStandardProjections, then enables each one: version 1', async () => {
    const target = started({ runProjections: 'all', startStandardProjections: true });
    for (const [name] of STANDARD) {
      const definitions = definitionsOf(target, name);
      expect(definitions.map((d) => [d.enabled, d.version])).toEqual([
        [undefined, 0],
        [true, 1],
      ]);
      expect(await statusOf(target.manager, name)).toMatchObject({ status: 'Running', version: 1n });
    }
    expect(projectionWrites(target).slice(6)).toEqual([
      ...STANDARD.map(([name]) => `$projections-${name}@0`),
      ...STANDARD.map(([name]) => `$projections-${name}@1`),
    ]);
  });

  test("runProjections 'none' writes no definitions", () => {
    const opened = createStore({ secure: false, instanceId: randomUUID(), warn: () => undefined });
    try {
      expect(createProjectionManager(opened.store, { runProjections: 'none' })).toBeUndefined();
      expect(opened.store.log.filter((r) => r.streamName.startsWith('$projections-'))).toEqual([]);
    } finally {
      opened.close();
    }
  });
});

describe('enable and disable', () => {
  test('each writes the next version; enabling a running one writes nothing', async () => {
    const target = started({ runProjections: 'system' });
    await target.manager.enable('$by_category', undefined);
    await target.manager.enable('$by_category', undefined);
    await target.manager.disable('$by_category', true, undefined);
    expect(definitionsOf(target, '$by_category').map((d) => [d.enabled, d.version])).toEqual([
      [undefined, 0],
      [true, 1],
      [undefined, 2],
    ]);
    expect(await statusOf(target.manager, '$by_category')).toMatchObject({ status: 'Stopped', version: 2n });
  });

  test('survive a durable restart', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'standard-definitions-'));
    const first = started({ runProjections: 'system' }, dataDir);
    await first.manager.enable('$by_category', undefined);
    first.close();
    node = undefined;
    const second = started({ runProjections: 'system' }, dataDir);
    expect(await statusOf(second.manager, '$by_category')).toMatchObject({ status: 'Running', version: 1n });
    expect(await statusOf(second.manager, '$streams')).toMatchObject({ status: 'Stopped', version: 0n });
    expect(definitionsOf(second, '$by_category')).toHaveLength(2);
    write(second.store, 'order-1', 'OrderPlaced');
    await settled(second.store);
    expect(recordsOf(second.store, '$ce-order')).toHaveLength(1);
    await second.manager.disable('$by_category', true, undefined);
    second.close();
    node = undefined;
    const third = started({ runProjections: 'system' }, dataDir);
    expect(await statusOf(third.manager, '$by_category')).toMatchObject({ status: 'Stopped', version: 2n });
  });

  test('startStandardProjections enables a disabled one again at the next start', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'standard-definitions-'));
    const first = started({ runProjections: 'system', startStandardProjections: true }, dataDir);
    await first.manager.disable('$streams', true, undefined);
    first.close();
    node = undefined;
    const second = started({ runProjections: 'system', startStandardProjections: true }, dataDir);
    expect(definitionsOf(second, '$streams').map((d) => [d.enabled, d.version])).toEqual([
      [undefined, 0],
      [true, 1],
      [undefined, 2],
      [true, 3],
    ]);
    expect(definitionsOf(second, '$by_category')).toHaveLength(2);
    expect(await statusOf(second.manager, '$streams')).toMatchObject({ status: 'Running', version: 3n });
  });

  test("links carry the definition's version in $v", async () => {
    const target = started({ runProjections: 'system', startStandardProjections: true });
    await target.manager.disable('$by_category', true, undefined);
    await target.manager.enable('$by_category', undefined);
    write(target.store, 'order-1', 'OrderPlaced');
    await settled(target.store);
    const versionOf = (stream: string) =>
      recordsOf(target.store, stream).map((r) => (JSON.parse(text(r.metadata)) as { $v: string }).$v);
    expect(versionOf('$ce-order')).toEqual(['3:-1:3:4']);
    expect(versionOf('$et-OrderPlaced')).toEqual(['4:-1:1:4']);
  });

  test('restartSubsystem keeps what was disabled', async () => {
    const target = started({ runProjections: 'system', startStandardProjections: true });
    await target.manager.disable('$streams', true, undefined);
    await target.manager.restartSubsystem();
    expect(await statusOf(target.manager, '$streams')).toMatchObject({ status: 'Stopped', version: 2n });
    expect(await statusOf(target.manager, '$by_category')).toMatchObject({ status: 'Running', version: 1n });
  });
});
