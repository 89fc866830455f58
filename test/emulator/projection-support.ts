// Helpers for the projection manager's tests: a store with a manager on it, writes, and waiting for the
// projections to catch up.
import { randomUUID } from 'node:crypto';

import {
  createProjectionManager,
  type ProjectionManager,
} from '../../src/emulator/projections/projection-manager.js';
import type { ProjectionOptions } from '../../src/emulator/projections/projection-options.js';
import type { ProjectionDefinition } from '../../src/emulator/projections/projection-management.js';
import { createStore, type OpenedStore } from '../../src/emulator/server/create-store.js';
import type { EventStore } from '../../src/emulator/store/event-store.js';

export const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
export const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

export interface Node {
  readonly store: EventStore;
  readonly manager: ProjectionManager;
  readonly opened: OpenedStore;
  close(): void;
}

/** A store (durable in `dataDir` if given) with a manager started on it. */
export function startNode(options: ProjectionOptions = { runProjections: 'all' }, dataDir?: string): Node {
  const opened = createStore({ secure: false, instanceId: randomUUID(), dataDir, warn: () => undefined });
  const manager = createProjectionManager(opened.store, options);
  if (manager === undefined) throw new Error('no manager');
  return {
    store: opened.store,
    manager,
    opened,
    close: () => {
      manager.stop();
      opened.close();
    },
  };
}

export function write(
  store: EventStore,
  stream: string,
  type: string,
  data: unknown = {},
  metadata = '',
): void {
  store.append(stream, { kind: 'any' }, [
    {
      eventId: randomUUID(),
      eventType: type,
      isJson: true,
      data: utf8(JSON.stringify(data)),
      metadata: utf8(metadata),
    },
  ]);
}

/** Waits until nothing has been written for a few turns: the projections have caught up. */
export async function settled(store: EventStore): Promise<void> {
  let length = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    quiet = store.log.length === length ? quiet + 1 : 0;
    length = store.log.length;
  }
}

export const recordsOf = (store: EventStore, stream: string) =>
  store.log.filter((r) => r.streamName === stream);

export function continuous(name: string, query: string, emitEnabled = false): ProjectionDefinition {
  return { name, mode: 'Continuous', query, emitEnabled, trackEmittedStreams: false };
}

export async function statusOf(manager: ProjectionManager, name: string) {
  const [statistics] = await manager.statistics({ name });
  if (statistics === undefined) throw new Error('no statistics');
  return statistics;
}
