import { groupStartPosition } from '../log/record-size.js';
import type { ProposedEvent, StoredEvent } from './stored-event.js';
import type { PendingRecord } from './write-plan.js';

/** Sizes a record in the log: the position of the next record is this one's plus its size (§3.12). */
export type RecordSizer = (streamName: string, event: ProposedEvent) => number;

/** Where a write goes and what it may number from. */
export interface PlacementContext {
  /** The position just past the log's last record. */
  readonly head: bigint;
  /** When the write happens, in milliseconds since the epoch. */
  readonly nowMs: number;
  readonly recordSize: RecordSizer;
  /** The stream's last event number before this write, -1 when it has none. */
  readonly lastEventNumberOf: (streamName: string) => number;
}

/** The records of one write, placed in the log, and the position just past the last of them. */
export interface Placement {
  readonly records: StoredEvent[];
  readonly endPosition: bigint;
}

/** Gives a write's records their positions, event numbers and creation time. */
export function placeRecords(pending: readonly PendingRecord[], context: PlacementContext): Placement {
  const createdMs = context.nowMs;
  const created = (BigInt(createdMs) * 10_000n).toString();
  const nextNumbers = new Map<string, number>();
  const sizes = pending.map(({ streamName, event }) => context.recordSize(streamName, event));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  // A write's records stay together in one 256 MiB chunk; if they do not fit in what is left of the current
  // one, the real writer starts them at the next chunk (record-size.ts, StorageWriterService.cs).
  let position = BigInt(groupStartPosition(Number(context.head), total));
  const records = pending.map(({ streamName, event, eventNumber }, index): StoredEvent => {
    const next = nextNumbers.get(streamName) ?? context.lastEventNumberOf(streamName) + 1;
    if (eventNumber === undefined) nextNumbers.set(streamName, next + 1);
    const start = position;
    position += BigInt(sizes[index] ?? 0);
    return {
      eventId: event.eventId,
      eventType: event.eventType,
      isJson: event.isJson,
      data: event.data,
      metadata: event.metadata,
      position: start,
      endPosition: position,
      streamName,
      eventNumber: eventNumber ?? BigInt(next),
      created,
      createdMs,
    };
  });
  return { records, endPosition: position };
}
