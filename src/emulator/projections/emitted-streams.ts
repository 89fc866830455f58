/**
 * The streams a projection created with `trackEmittedStreams` writes to, and their deletion when it is deleted
 * with `deleteEmittedStreams` (24.10, Services/Processing/Emitting/EmittedStreamsTracker.cs and
 * EmittedStreamsDeleter.cs; §3.17.2). Each stream is recorded once, as a `$StreamTracked` event whose data is the
 * stream's name, in `$projections-<name>-emittedstreams`; the deleter soft-deletes them in that order.
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import { emittedStreamsCheckpointStreamOf, emittedStreamsStreamOf } from './projection-names.js';

const STREAM_TRACKED_EVENT_TYPE = '$StreamTracked';
/** The deleter's `$Checkpoint` event type (ProjectionEventTypes.PartitionCheckpoint). */
const DELETION_CHECKPOINT_EVENT_TYPE = '$Checkpoint';
/** EmittedStreamsDeleter `_checkPointThreshold`: deletions between two of its checkpoints. */
const DELETION_CHECKPOINT_THRESHOLD = 4000;

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** The stream names recorded in the projection's tracking stream, oldest first, with their event numbers. */
function trackedStreams(store: EventStore, name: string): { stream: string; number: bigint }[] {
  const view = store.readStream(emittedStreamsStreamOf(name));
  if (view.kind !== 'found') return [];
  return view.events.slice(view.firstVisible).map((record) => ({
    stream: Buffer.from(record.data).toString('utf8'),
    number: record.eventNumber,
  }));
}

/** Records each stream a projection emits to the first time it does (its tracking stream read at start). */
export class EmittedStreamsTracker {
  private readonly tracked: Set<string>;

  constructor(
    private readonly store: EventStore,
    private readonly name: string,
  ) {
    this.tracked = new Set(trackedStreams(store, name).map(({ stream }) => stream));
  }

  /** Writes a `$StreamTracked` (not JSON) for each stream not tracked yet, before the emitted events. */
  track(streams: readonly string[]): void {
    for (const stream of streams) {
      if (this.tracked.has(stream)) continue;
      this.tracked.add(stream);
      this.store.append(emittedStreamsStreamOf(this.name), { kind: 'any' }, [
        {
          eventId: randomUUID(),
          eventType: STREAM_TRACKED_EVENT_TYPE,
          isJson: false,
          data: utf8(stream),
          metadata: new Uint8Array(0),
        },
      ]);
    }
  }
}

/**
 * Soft-deletes every tracked stream in the order tracked (one that is gone already is passed over), writing a
 * `$Checkpoint` with the tracking event's number after every 4000, then soft-deletes the checkpoint stream
 * and the tracking stream. With nothing tracked it writes nothing.
 */
export function deleteEmittedStreams(store: EventStore, name: string): void {
  let deleted = 0;
  for (const { stream, number } of trackedStreams(store, name)) {
    const outcome = store.softDelete(stream, { kind: 'any' });
    if (outcome.kind !== 'success' && outcome.kind !== 'stream-deleted') continue;
    deleted += 1;
    if (deleted % DELETION_CHECKPOINT_THRESHOLD !== 0) continue;
    store.append(emittedStreamsCheckpointStreamOf(name), { kind: 'any' }, [
      {
        eventId: randomUUID(),
        eventType: DELETION_CHECKPOINT_EVENT_TYPE,
        isJson: true,
        data: utf8(number.toString()),
        metadata: new Uint8Array(0),
      },
    ]);
  }
  store.softDelete(emittedStreamsCheckpointStreamOf(name), { kind: 'any' });
  store.softDelete(emittedStreamsStreamOf(name), { kind: 'any' });
}
