/**
 * Runs the standard projections over the log, as a real node's projection workers do: in log order, after the
 * records are committed, never inside an append (the server's projections are eventually consistent). Each
 * emission goes through the store's ordinary append, so it gets a position, reaches subscriptions and can be
 * read with `resolveLinks`. 24.10 sources under EventStore.Projections.Core/Services/Processing/.
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
import { emittedBy, emittedMetadata, type Emission } from './emission.js';
import { correlationIdToCarry } from './metadata-values.js';
import { passesAllStreamSource, projectionInputOf } from './projection-input.js';
import type { StandardProjection } from './standard-handlers.js';

/**
 * The metadata a projection gives a `$` stream it starts writing (Emitting/EmittedStream.cs
 * `SubmitWriteMetadata`, no `$maxCount`/`$maxAge` for these projections): everyone may read it and its metadata.
 */
const EMITTED_STREAM_METADATA = '{"$acl":{"$r":"$all","$mr":"$all"}}';

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

export class ProjectionRunner {
  /** Per projection id: the position of the last record it has handled; -1 before any. */
  private readonly handledUpTo = new Map<number, bigint>();
  private readonly batches: BatchScheduler;

  /** @param versions per projection id, the version of its definition, for the `$v` it writes with */
  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly StandardProjection[],
    private readonly versions: ReadonlyMap<number, number>,
  ) {
    this.batches = new BatchScheduler(store, {
      processBatch: (records) => {
        for (const record of records) this.handle(record);
      },
    });
  }

  /**
   * Starts where the log says each projection stopped (the position its last emitted event records), so a
   * restarted durable node does not emit twice, then follows new commits.
   */
  start(): void {
    for (const projection of this.projections) this.handledUpTo.set(projection.id, -1n);
    for (const record of this.store.log) {
      if (!record.streamName.startsWith('$') || record.metadata.length === 0) continue;
      const source = emittedBy(Buffer.from(record.metadata).toString('utf8'));
      const handled = source === undefined ? undefined : this.handledUpTo.get(source.projectionId);
      if (source !== undefined && handled !== undefined && source.position > handled) {
        this.handledUpTo.set(source.projectionId, source.position);
      }
    }
    this.batches.start();
  }

  /** Log position of the last record the projection has handled; -1 before any. */
  positionOf(projectionId: number): bigint {
    return this.handledUpTo.get(projectionId) ?? -1n;
  }

  stop(): void {
    this.batches.stop();
  }

  private handle(record: StoredEvent): void {
    const input = projectionInputOf(this.store, record);
    if (input === undefined) return;
    for (const projection of this.projections) {
      if ((this.handledUpTo.get(projection.id) ?? -1n) >= record.position) continue;
      this.handledUpTo.set(projection.id, record.position);
      if (!passesAllStreamSource(input, projection.includeLinks)) continue;
      const emission = projection.handle(input);
      if (emission === undefined) continue;
      const metadata = emittedMetadata(emission, {
        projectionId: projection.id,
        version: this.versions.get(projection.id) ?? 0,
        position: record.position,
        causedBy: input.eventId,
        correlationId: correlationIdToCarry(input.isJson, input.metadata),
      });
      this.write(emission, metadata);
    }
  }

  /** A stream the projection has not written yet gets its metadata first, as EmittedStream does. */
  private write(emission: Emission, metadata: string): void {
    if (this.store.lastEventNumberOf(emission.stream) === -1) {
      this.append(metastreamOf(emission.stream), {
        eventId: randomUUID(),
        eventType: METADATA_EVENT_TYPE,
        isJson: true,
        data: utf8(EMITTED_STREAM_METADATA),
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
