/**
 * Where one running standard projection is in the log, and its checkpoints: `$ProjectionCheckpoint` events in
 * `$projections-<name>-checkpoint`, written as the server writes them for every continuous projection (24.10
 * sources under Services/Processing/). A checkpoint is suggested after 4000 records handled, or after 10 MB of
 * log the projection's source filter drops since the last record it handled (Subscriptions/
 * ReaderSubscriptionBase.cs `ProcessOne`, with ManagedProjection.cs's defaults from ProjectionConsts.cs, the
 * checkpoint-after time being 0); it is written after the writes of the record that reached the threshold
 * (Checkpointing/CoreProjectionCheckpointManager.cs), and once more when the projection is disabled (not
 * aborted, nor suspended as its node stops), if it handled anything since (`RequestCheckpointToStop`). Its
 * data is the empty root state of a native handler, `[]`, its metadata the tag of the last record handled
 * (Checkpointing/CoreProjectionCheckpointWriter.cs). A projection that starts takes up its last checkpoint
 * (CoreProjectionCheckpointReader.cs) and goes over the records after it again, without writing twice what it
 * wrote already (Emitting/EmittedStream.cs checks the last event of each stream it writes to).
 */
import type { EventStore } from '../store/event-store.js';
import { recoverCheckpoint } from './checkpoint-recovery.js';
import { taggedMetadata, tagText, type ProjectionVersion } from './checkpoint-tag.js';
import { emittedBy } from './emission.js';
import { RootCheckpointWriter } from './root-checkpoint-writer.js';
import type { StandardProjection } from './standard-handlers.js';

/** ProjectionConsts.CheckpointHandledThreshold. */
const CHECKPOINT_HANDLED_THRESHOLD = 4000;
/** ProjectionConsts.CheckpointUnhandledBytesThreshold. */
const CHECKPOINT_UNHANDLED_BYTES_THRESHOLD = 10_000_000n;
/** PartitionState.cs `Serialize` of the root state a native handler leaves empty. */
const EMPTY_STATE_DATA = '[]';

/**
 * Per projection id, the log position its last emitted event records: what it had written before it stopped.
 * Only events of its current epoch count (`epochOf`): after a reset it writes everything again.
 */
export function lastEmittedPositions(
  store: EventStore,
  epochOf: (id: number) => number,
): Map<number, bigint> {
  const positions = new Map<number, bigint>();
  for (const record of store.log) {
    if (!record.streamName.startsWith('$') || record.metadata.length === 0) continue;
    const source = emittedBy(Buffer.from(record.metadata).toString('utf8'));
    if (source === undefined || source.version < epochOf(source.projectionId)) continue;
    if (source.position > (positions.get(source.projectionId) ?? -1n)) {
      positions.set(source.projectionId, source.position);
    }
  }
  return positions;
}

export class StandardProgress {
  /** Position of the last record it has gone over; -1 before any. */
  handledUpTo: bigint;
  /** Position of its last checkpoint, written or taken up; -1 for none. */
  private lastCheckpoint: bigint;
  /** Position of the last record its source filter let through. */
  private lastHandled: bigint;
  private handledSinceSuggestion = 0;
  private lastPassedOrCheckpointed: bigint | undefined;
  private readonly checkpoints: RootCheckpointWriter;
  /**
   * Records its source filter let through since it started (CoreProjectionCheckpointManager.cs `EventProcessed`
   * counts each one, whether it emits or not), and the milliseconds spent on them (the processing phase's
   * stopwatch, `CoreProcessingTime`).
   */
  eventsProcessed = 0n;
  processingMs = 0;
  /** Why a checkpoint write faulted it (it then handles nothing more); undefined while it is fine. */
  faultedReason: string | undefined;

  /**
   * Takes up the projection's last checkpoint.
   * @param writtenUpTo where its output stops (see {@link lastEmittedPositions}): records up to there are gone
   * over again without writing
   */
  constructor(
    store: EventStore,
    projection: StandardProjection,
    readonly version: ProjectionVersion,
    readonly writtenUpTo: bigint,
  ) {
    this.checkpoints = new RootCheckpointWriter(store, projection.name);
    const recovered = recoverCheckpoint(store, projection.name, version.epoch)?.tag;
    const position = recovered?.mode === 'position' ? recovered.position : -1n;
    this.handledUpTo = position;
    this.lastCheckpoint = position;
    this.lastHandled = position;
  }

  /** The version its writes carry in `$v`: its id, the epoch of its last reset (-1: none), its definition's version. */
  static versionOf(
    projection: StandardProjection,
    definition: { readonly epoch: number; readonly version: number },
  ): ProjectionVersion {
    return { projectionId: projection.id, epoch: definition.epoch, version: definition.version };
  }

  /** A record its source filter let through, its emission written: a checkpoint after 4000 of them. */
  handled(position: bigint): void {
    this.lastHandled = position;
    this.eventsProcessed += 1n;
    this.lastPassedOrCheckpointed = position;
    this.handledSinceSuggestion += 1;
    if (this.handledSinceSuggestion >= CHECKPOINT_HANDLED_THRESHOLD) this.suggestCheckpoint(position);
  }

  /** A record its source filter dropped: a checkpoint when 10 MB of them follow the last record handled. */
  unhandled(position: bigint): void {
    const since = this.lastPassedOrCheckpointed;
    const bytesOver = since !== undefined && position - since > CHECKPOINT_UNHANDLED_BYTES_THRESHOLD;
    if (bytesOver && this.lastHandled !== this.lastCheckpoint) this.suggestCheckpoint(position);
    this.lastPassedOrCheckpointed ??= position;
  }

  /**
   * It stops: a checkpoint where it got to (not when aborted or faulted, or when it has handled nothing since
   * the last).
   */
  stop(writeCheckpoint: boolean): void {
    if (this.faultedReason !== undefined) return;
    if (writeCheckpoint && this.lastHandled > this.lastCheckpoint) this.writeCheckpoint(this.lastHandled);
  }

  /** `C:…/P:…` of the last record gone over, and of the last checkpoint; '' for none. */
  positionText(): string {
    return this.handledUpTo < 0n ? '' : tagText({ mode: 'position', position: this.handledUpTo });
  }

  lastCheckpointText(): string {
    return this.lastCheckpoint < 0n ? '' : tagText({ mode: 'position', position: this.lastCheckpoint });
  }

  private suggestCheckpoint(readAt: bigint): void {
    this.lastPassedOrCheckpointed = readAt;
    this.handledSinceSuggestion = 0;
    this.writeCheckpoint(this.lastHandled);
  }

  /** A checkpoint the store refuses as written from outside faults the projection (§3.17.5). */
  private writeCheckpoint(position: bigint): void {
    const metadata = taggedMetadata(this.version, { mode: 'position', position });
    const outcome = this.checkpoints.write(EMPTY_STATE_DATA, metadata);
    if (outcome === true) this.lastCheckpoint = position;
    else if (outcome !== false) this.faultedReason = outcome.fault;
  }
}
