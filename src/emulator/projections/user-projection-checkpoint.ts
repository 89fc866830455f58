/**
 * A continuous projection's checkpoint: the state of each partition changed since the last one, as a
 * `$Checkpoint` event in `$projections-<name>-<partition>-checkpoint` tagged with the event that last changed
 * it, then the `$ProjectionCheckpoint` of the unpartitioned state in `$projections-<name>-checkpoint`, tagged
 * with where the projection got to (Services/Processing/Checkpointing/DefaultCheckpointManager.cs,
 * CoreProjectionCheckpointWriter.cs, Partitioning/PartitionStateUpdateManager.cs; 24.10). A new checkpoint
 * stream gets its metadata first (checkpoint-stream-metadata.ts). checkpoint-recovery.ts reads them back.
 */
import { PARTITION_CHECKPOINT_EVENT_TYPE } from './checkpoint-recovery.js';
import { taggedMetadata, type CheckpointTag } from './checkpoint-tag.js';
import { partitionCheckpointStreamOf } from './projection-names.js';
import { checkpointDataOf, type ProjectionWriter, type WriteContext } from './projection-writes.js';
import type { RootCheckpointWriter } from './root-checkpoint-writer.js';

/** One partition's state and result as JSON text (null: none). */
export interface PartitionState {
  state: string | null;
  result: string | null;
  /** The tag of the event that last changed them (PartitionState.cs `CausedBy`); none before any. */
  causedBy?: CheckpointTag;
}

/** How to write it: at which tag, and whether results go with the states (queries with a transform). */
export interface CheckpointOptions {
  readonly context: WriteContext;
  readonly withResults: boolean;
}

/** The two writers: the partitions' (emitted streams) and the root checkpoint's. */
export interface CheckpointWriters {
  readonly partitions: ProjectionWriter;
  readonly root: RootCheckpointWriter;
}

/** Writes the checkpoint; the outcome of the root checkpoint's write (root-checkpoint-writer.ts). */
export function writeCheckpoint(
  { partitions: writer, root: rootWriter }: CheckpointWriters,
  name: string,
  partitions: ReadonlyMap<string, PartitionState>,
  changed: ReadonlySet<string>,
  { context, withResults }: CheckpointOptions,
): ReturnType<RootCheckpointWriter['write']> {
  for (const partition of changed) {
    if (partition === '') continue;
    const entry = partitions.get(partition);
    const result = withResults ? (entry?.result ?? null) : null;
    const stream = partitionCheckpointStreamOf(name, partition);
    // An emitted event tagged where the partition last changed (Partitioning/PartitionStateUpdateManager.cs).
    const tagged = { ...context, tag: entry?.causedBy ?? context.tag };
    writer.checkpoint(stream, PARTITION_CHECKPOINT_EVENT_TYPE, entry?.state ?? null, result, tagged);
  }
  const root = partitions.get('');
  const rootResult = withResults ? (root?.result ?? null) : null;
  const metadata = taggedMetadata(context.version, context.tag);
  return rootWriter.write(checkpointDataOf(root?.state ?? null, rootResult), metadata);
}
