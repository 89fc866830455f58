/**
 * What a user projection writes to the log, through the store's ordinary append so every write gets a
 * position and reaches readers and subscriptions: the events its handlers emit, its results and its
 * checkpoints. 24.10 sources under Services/Processing/: Emitting/EmittedStream.cs (a stream's metadata
 * first, the tagged metadata of each event), Emitting/ResultEventEmitter.cs (`Result`/`ResultRemoved`, a link
 * per partition result in the main result stream), Checkpointing/CoreProjectionCheckpointWriter.cs and
 * PartitionState.cs (checkpoint data `[state]` or `[state,result]`).
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import { LINK_EVENT_TYPE } from '../store/link-resolution.js';
import { METADATA_EVENT_TYPE, metastreamOf } from '../store/stored-event.js';
import {
  alreadyWrittenAt,
  taggedMetadata,
  type CheckpointTag,
  type ProjectionVersion,
} from './checkpoint-tag.js';
import { startCheckpointStream } from './checkpoint-stream-metadata.js';
import { emittedStreamStart } from './emitted-stream-start.js';
import type { ScriptEmission } from './js-sandbox.js';

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/**
 * The ACL EmittedStream gives a stream it starts (`SubmitWriteMetadata`, no `$maxCount`/`$maxAge` by default): a
 * `$` stream may be read by everyone; any other gets an empty ACL.
 */
function emittedStreamAcl(stream: string): string {
  return stream.startsWith('$') ? '{"$r":"$all","$mr":"$all"}' : '{}';
}

/** A checkpoint's data: `[state]`, or `[state,result]` (PartitionState.cs `Serialize`, no state being ``). */
export function checkpointDataOf(state: string | null, result: string | null): string {
  return result === null ? `[${state ?? ''}]` : `[${state ?? 'null'},${result}]`;
}

/** What the writes of one processed record share: who writes, at which tag, caused by which event. */
export interface WriteContext {
  readonly version: ProjectionVersion;
  readonly tag: CheckpointTag;
  readonly causedBy: string | undefined;
  readonly correlationId: string | undefined;
}

/** Writes for one projection through the store's append. */
export class ProjectionWriter {
  /** Per stream written for the record being processed (the tag it has): whether its writes are skipped. */
  private touched = new Map<string, boolean>();
  private touchedAt: CheckpointTag | undefined;

  constructor(private readonly store: EventStore) {}

  /** One emitted event; its stream gets its metadata first if the stream is new. */
  emit(emission: ScriptEmission, context: WriteContext): void {
    if (this.writtenAlready(emission.stream, context)) return;
    this.ensureStarted(emission.stream, context);
    const metadata = taggedMetadata(
      context.version,
      context.tag,
      emission.extra,
      context.causedBy,
      context.correlationId,
    );
    this.append(emission.stream, emission.eventType, emission.isJson, emission.data, metadata);
  }

  /** A partition's new result (`null`: removed); a partition's result is also linked from the main stream. */
  result(stream: string, mainStream: string, result: string | null, context: WriteContext): void {
    if (this.writtenAlready(stream, context)) return;
    const metadata = taggedMetadata(context.version, context.tag);
    this.ensureStarted(stream, context);
    const eventType = result === null ? 'ResultRemoved' : 'Result';
    const number = this.append(stream, eventType, true, result ?? '', metadata);
    if (stream === mainStream || number === undefined) return;
    this.ensureStarted(mainStream, context);
    this.append(mainStream, LINK_EVENT_TYPE, false, `${number}@${stream}`, metadata);
  }

  /**
   * A checkpoint event (`$ProjectionCheckpoint` or a partition's `$Checkpoint`) with its partition state; a new
   * checkpoint stream gets its metadata first.
   */
  checkpoint(
    stream: string,
    eventType: string,
    state: string | null,
    result: string | null,
    context: WriteContext,
  ): void {
    const data = checkpointDataOf(state, result);
    startCheckpointStream(this.store, stream, eventType);
    this.append(stream, eventType, true, data, taggedMetadata(context.version, context.tag));
  }

  /**
   * Whether the stream's last event was written by this projection at this tag or later: after an abort or a
   * crash the projection goes over input it had handled, and must not write the same events twice.
   */
  private writtenAlready(stream: string, context: WriteContext): boolean {
    if (context.tag !== this.touchedAt) {
      this.touched = new Map();
      this.touchedAt = context.tag;
    }
    let skip = this.touched.get(stream);
    if (skip === undefined) {
      const view = this.store.readStream(stream);
      const last = view.kind === 'found' ? view.events[view.lastEventNumber] : undefined;
      const metadata = last === undefined ? '' : Buffer.from(last.metadata).toString('utf8');
      skip = metadata !== '' && alreadyWrittenAt(metadata, context.version, context.tag);
      this.touched.set(stream, skip);
    }
    return skip;
  }

  /** Its metadata first, for a stream new to the projection in its epoch (emitted-stream-start.ts). */
  private ensureStarted(stream: string, context: WriteContext): void {
    const start = emittedStreamStart(this.store, stream, context.version, emittedStreamAcl(stream));
    if (start !== undefined) this.append(metastreamOf(stream), METADATA_EVENT_TYPE, true, start, '');
  }

  /** The number written, or undefined when the store refused (a stream deleted from outside). */
  private append(
    stream: string,
    eventType: string,
    isJson: boolean,
    data: string,
    metadata: string,
  ): bigint | undefined {
    const outcome = this.store.append(stream, { kind: 'any' }, [
      { eventId: randomUUID(), eventType, isJson, data: utf8(data), metadata: utf8(metadata) },
    ]);
    return outcome.kind === 'success' ? outcome.lastEventNumber : undefined;
  }
}
