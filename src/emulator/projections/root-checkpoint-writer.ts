/**
 * Writes a continuous projection's `$ProjectionCheckpoint` events the way the server's checkpoint writer does
 * (24.10, Services/Processing/Checkpointing/CoreProjectionCheckpointWriter.cs, CoreProjectionCheckpointReader.cs):
 * each write expects the checkpoint stream to end with the checkpoint the projection last read or wrote, so an
 * event written there by anyone else makes the next checkpoint fail, and the projection faults (§3.17.5).
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import { PROJECTION_CHECKPOINT_EVENT_TYPE } from './checkpoint-recovery.js';
import { startCheckpointStream } from './checkpoint-stream-metadata.js';
import { checkpointStreamOf } from './projection-names.js';

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * The event number a starting projection expects its checkpoint stream to end with: its last readable
 * `$ProjectionCheckpoint` (of any epoch), else the stream's last event; -1 for a stream it cannot read.
 */
function expectedAtStart(store: EventStore, stream: string): bigint {
  const view = store.readStream(stream);
  if (view.kind !== 'found') return -1n;
  // Only what a read returns: `$maxCount` 2 may hide the last checkpoint behind later events.
  for (let number = view.lastEventNumber; number >= view.firstVisible; number -= 1) {
    if (view.events[number]?.eventType === PROJECTION_CHECKPOINT_EVENT_TYPE) return BigInt(number);
  }
  return BigInt(view.lastEventNumber);
}

/** The reason a projection faults with when its checkpoint stream no longer ends with its last checkpoint. */
export function writtenFromOutside(stream: string): string {
  return `Checkpoint stream \`${stream}\` has been written to from the outside`;
}

export class RootCheckpointWriter {
  private readonly stream: string;
  private expected: bigint;
  /**
   * A write the store refused because the stream is deleted: the server's writer throws on that outcome and
   * never finishes that checkpoint, so it writes no other.
   */
  private stuck = false;

  /** Reads where the checkpoint stream ends, as the projection's checkpoint reader does when it starts. */
  constructor(
    private readonly store: EventStore,
    name: string,
  ) {
    this.stream = checkpointStreamOf(name);
    this.expected = expectedAtStart(store, this.stream);
  }

  /**
   * Appends one checkpoint: true when written; false when not (a deleted stream); the fault reason when the
   * stream has been written to since the projection's last checkpoint.
   */
  write(data: string, metadata: string): true | false | { readonly fault: string } {
    if (this.stuck) return false;
    if (this.expected === -1n)
      startCheckpointStream(this.store, this.stream, PROJECTION_CHECKPOINT_EVENT_TYPE);
    const revision =
      this.expected === -1n
        ? { kind: 'no-stream' as const }
        : { kind: 'revision' as const, revision: this.expected };
    const outcome = this.store.append(this.stream, revision, [
      {
        eventId: randomUUID(),
        eventType: PROJECTION_CHECKPOINT_EVENT_TYPE,
        isJson: true,
        data: utf8(data),
        metadata: utf8(metadata),
      },
    ]);
    switch (outcome.kind) {
      case 'success':
        this.expected = outcome.lastEventNumber;
        return true;
      case 'wrong-expected-version':
        return { fault: writtenFromOutside(this.stream) };
      case 'stream-deleted':
        this.stuck = true;
        return false;
    }
  }
}
