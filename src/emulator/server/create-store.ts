import { lastEpochIn, writeEpoch } from '../cluster/epoch-record.js';
import { prepareRecordSize } from '../log/record-size.js';
import { startupRecords } from '../log/startup-records.js';
import { DurableLog } from '../store/durable-log.js';
import { EventStore } from '../store/event-store.js';

/** A node's store and what must happen to it when the node stops. */
export interface OpenedStore {
  readonly store: EventStore;
  close(): void;
}

/** Where a node keeps its log, and how it opens a durable one. */
export interface StoreOptions {
  /** Keep the log in this directory; in memory when absent. */
  readonly dataDir?: string;
  readonly secure: boolean;
  readonly instanceId: string;
  /** Cut a durable log damaged before its end instead of refusing to start (DurableLog.open). */
  readonly truncateDamagedLog?: boolean;
  /** Told what opening a durable log cut from it. */
  readonly warn?: (message: string) => void;
}

/**
 * Opens the node's store: in memory, or backed by a durable log in `dataDir`. A new log starts with the
 * records a fresh real node writes (startup-records.ts), so positions and `$all` look like a real node's. A
 * durable log that already holds records is restored as it is, and the node then writes the next epoch at its
 * end, as a real node does each time it starts and becomes leader (§3.12; ElectionsService.cs SendProposal:
 * the last epoch number + 1; EpochManager.cs WriteNewEpoch: the epoch record at the writer's position, then its
 * `$epoch-information` event).
 */
export function createStore(options: StoreOptions): OpenedStore {
  const durable =
    options.dataDir === undefined
      ? undefined
      : DurableLog.open(options.dataDir, {
          truncateDamagedLog: options.truncateDamagedLog,
          warn:
            options.warn ??
            ((message) => {
              console.warn(message);
            }),
        });
  const store = new EventStore({
    recordSize: (streamName, event) =>
      prepareRecordSize({
        streamName,
        eventType: event.eventType,
        dataLength: event.data.length,
        metadataLength: event.metadata.length,
      }),
    persistence: durable?.log,
  });
  if (durable !== undefined && durable.entries.length > 0) {
    store.restore(durable.entries);
    writeEpoch(store, lastEpochIn(store), options.instanceId, new Date());
  } else {
    writeStartupRecords(store, options);
  }
  return { store, close: () => durable?.log.close() };
}

function writeStartupRecords(store: EventStore, options: StoreOptions): void {
  for (const record of startupRecords({
    instanceId: options.instanceId,
    time: new Date(),
    secure: options.secure,
  })) {
    if (record.kind === 'system') store.skipBytes(record.size);
    else {
      const { eventId, eventType, isJson, data, metadata } = record;
      store.append(record.streamName, { kind: 'any' }, [{ eventId, eventType, isJson, data, metadata }]);
    }
  }
}
