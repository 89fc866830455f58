import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store.js';
import type { ExpectedRevision } from '../store/expected-revision.js';
import { CHECKPOINT_EVENT_TYPE, checkpointStreamOf } from './names.js';
import { positionText, type SubscriptionPosition } from './subscription-position.js';

/**
 * Writes a group's checkpoints (server: PersistentSubscriptionCheckpointWriter.cs): a JSON event of type
 * `$SubscriptionCheckpoint` in `$persistentsubscription-<key>-checkpoint` whose data is the position text as a
 * JSON string (e.g. `"12"`, `"C:1/P:1"`). The first write expects any version; each later one expects the
 * number of the previous one, and a conflict loses that checkpoint and goes back to "any".
 */
export class CheckpointWriter {
  private readonly stream: string;
  private expected: ExpectedRevision = { kind: 'any' };

  constructor(
    private readonly store: EventStore,
    key: string,
  ) {
    this.stream = checkpointStreamOf(key);
  }

  write(position: SubscriptionPosition): void {
    const outcome = this.store.append(this.stream, this.expected, [
      {
        eventId: randomUUID(),
        eventType: CHECKPOINT_EVENT_TYPE,
        isJson: true,
        data: new TextEncoder().encode(JSON.stringify(positionText(position))),
        metadata: new Uint8Array(0),
      },
    ]);
    this.expected =
      outcome.kind === 'success' ? { kind: 'revision', revision: outcome.lastEventNumber } : { kind: 'any' };
  }

  /** Deleting a group soft-deletes its checkpoint stream, expecting any version. */
  delete(): void {
    this.store.softDelete(this.stream, { kind: 'any' });
  }
}
