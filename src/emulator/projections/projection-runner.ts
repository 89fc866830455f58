/**
 * Runs the standard projections over the log, as a real node's projection workers do: in log order, after the
 * records are committed, never inside an append (the server's projections are eventually consistent). Each
 * emission goes through the store's ordinary append, so it gets a position, reaches subscriptions and can be
 * read with `resolveLinks`. Each projection goes on from its own progress (standard-progress.ts), which counts
 * what it handles towards its checkpoints. 24.10 sources under EventStore.Projections.Core/Services/Processing/.
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import {
  METADATA_EVENT_TYPE,
  metastreamOf,
  type ProposedEvent,
  type StoredEvent,
} from '../store/stored-event.js';
import { BatchScheduler } from './batch-scheduler.js';
import type { ProjectionVersion } from './checkpoint-tag.js';
import { emittedMetadata, type Emission } from './emission.js';
import { emittedStreamStart } from './emitted-stream-start.js';
import { correlationIdToCarry } from './metadata-values.js';
import { passesAllStreamSource, projectionInputOf } from './projection-input.js';
import type { StandardProjection } from './standard-handlers.js';
import type { StandardProgress } from './standard-progress.js';

/**
 * The ACL a projection gives a `$` stream it starts writing (Emitting/EmittedStream.cs `SubmitWriteMetadata`, no
 * `$maxCount`/`$maxAge` for these projections): everyone may read it and its metadata.
 */
const EMITTED_STREAM_ACL = '{"$r":"$all","$mr":"$all"}';

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

export class ProjectionRunner {
  private readonly batches: BatchScheduler;

  /** @param progress per projection id, where it is and its checkpoints (standard-progress.ts) */
  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly StandardProjection[],
    private readonly progress: ReadonlyMap<number, StandardProgress>,
  ) {
    this.batches = new BatchScheduler(store, {
      processBatch: (records) => {
        for (const record of records) this.handle(record);
      },
    });
  }

  /** Goes over the log from where each projection is, then follows new commits. */
  start(): void {
    this.batches.start();
  }

  stop(): void {
    this.batches.stop();
  }

  private handle(record: StoredEvent): void {
    const input = projectionInputOf(this.store, record);
    if (input === undefined) return;
    for (const projection of this.projections) {
      const progress = this.progress.get(projection.id);
      if (progress === undefined || progress.handledUpTo >= record.position) continue;
      if (progress.faultedReason !== undefined) continue;
      progress.handledUpTo = record.position;
      if (!passesAllStreamSource(input, projection.includeLinks)) {
        progress.unhandled(record.position);
        continue;
      }
      const started = performance.now();
      const emission = projection.handle(input);
      // Gone over again after a restart: what it wrote for this record is in the log already.
      if (emission !== undefined && record.position > progress.writtenUpTo) {
        const metadata = emittedMetadata(emission, {
          projectionId: projection.id,
          epoch: progress.version.epoch,
          version: progress.version.version,
          position: record.position,
          causedBy: input.eventId,
          correlationId: correlationIdToCarry(input.isJson, input.metadata),
        });
        this.write(emission, metadata, progress.version);
      }
      progress.handled(record.position);
      progress.processingMs += performance.now() - started;
    }
  }

  /** A stream new to the projection in its epoch gets its metadata first (emitted-stream-start.ts). */
  private write(emission: Emission, metadata: string, version: ProjectionVersion): void {
    const start = emittedStreamStart(this.store, emission.stream, version, EMITTED_STREAM_ACL);
    if (start !== undefined) {
      this.append(metastreamOf(emission.stream), {
        eventId: randomUUID(),
        eventType: METADATA_EVENT_TYPE,
        isJson: true,
        data: utf8(start),
        metadata: new Uint8Array(0),
      });
    }
    this.append(emission.stream, {
      eventId: randomUUID(),
      eventType: emission.eventType,
      isJson: false,
      data: utf8(emission.data),
      metadata: utf8(metadata),
    });
  }

  /** A refused write (the stream was deleted from outside) is dropped: the server's projection faults there. */
  private append(stream: string, event: ProposedEvent): void {
    this.store.append(stream, { kind: 'any' }, [event]);
  }
}
