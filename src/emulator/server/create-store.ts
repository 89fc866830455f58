import { prepareRecordSize } from '../log/record-size.js';
import { startupRecords } from '../log/startup-records.js';
import { DurableLog } from '../store/durable-log.js';
import { EventStore } from '../store/event-store.js';

/** A node's store and what must happen to it when the node stops. */
export interface OpenedStore {
  readonly store: EventStore;
  close(): void;
}

/**
 * Opens the node's store: in memory, or backed by a durable log in `dataDir`. A new log starts with the
 * records a fresh real node writes (startup-records.ts), so positions and `$all` look like a real node's; a
 * durable log that already holds records is restored as it is and continues from its end.
 */
export function createStore(options: { dataDir?: string; secure: boolean; instanceId: string }): OpenedStore {
  const durable = options.dataDir === undefined ? undefined : DurableLog.open(options.dataDir);
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
  } else {
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
  return { store, close: () => durable?.log.close() };
}
