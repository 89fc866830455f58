/**
 * Where a continuous projection resumes: its last checkpoint in the log, as the server's checkpoint reader
 * finds it (Services/Processing/Checkpointing/CoreProjectionCheckpointReader.cs: the last
 * `$ProjectionCheckpoint` of `$projections-<name>-checkpoint`; partition states from the `$Checkpoint` events of
 * `$projections-<name>-<partition>-checkpoint`). A checkpoint written before the projection's last reset (an
 * older epoch in its `$v`) does not count.
 */
import type { EventStore } from '../store/event-store.js';
import { parseTaggedMetadata, type CheckpointTag } from './checkpoint-tag.js';
import { checkpointStreamOf, definitionStreamOf } from './projection-names.js';

export const PROJECTION_CHECKPOINT_EVENT_TYPE = '$ProjectionCheckpoint';
export const PARTITION_CHECKPOINT_EVENT_TYPE = '$Checkpoint';

/** A recovered checkpoint: where to resume and each partition's state text (`''` is the unpartitioned one). */
export interface RecoveredCheckpoint {
  readonly tag: CheckpointTag;
  readonly states: ReadonlyMap<string, string | null>;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** The state in a checkpoint's data, `[state]` or `[state,result]`; null when there is none. */
function stateOf(data: string): string | null {
  try {
    const parsed: unknown = JSON.parse(data);
    if (!Array.isArray(parsed) || parsed[0] === null || parsed[0] === undefined) return null;
    return JSON.stringify(parsed[0]);
  } catch {
    return null;
  }
}

/** The projection's last checkpoint of epoch `epoch` or later, or undefined to start from the beginning. */
export function recoverCheckpoint(
  store: EventStore,
  name: string,
  epoch: number,
): RecoveredCheckpoint | undefined {
  const root = checkpointStreamOf(name);
  // The reader sees only what a read returns: a checkpoint `$maxCount` 2 hides behind later events is not found.
  const rootView = store.readStream(root);
  const firstVisible = rootView.kind === 'found' ? BigInt(rootView.firstVisible) : undefined;
  const prefix = `${definitionStreamOf(name)}-`;
  const suffix = '-checkpoint';
  let tag: CheckpointTag | undefined;
  const states = new Map<string, string | null>();
  for (const record of store.log) {
    const stream = record.streamName;
    if (!stream.startsWith(prefix) || !stream.endsWith(suffix)) continue;
    const parsed = parseTaggedMetadata(text(record.metadata));
    if (parsed === undefined || parsed.version.epoch < epoch) continue;
    if (stream === root && record.eventType === PROJECTION_CHECKPOINT_EVENT_TYPE) {
      if (firstVisible === undefined || record.eventNumber < firstVisible) continue;
      tag = parsed.tag;
      states.set('', stateOf(text(record.data)));
    } else if (record.eventType === PARTITION_CHECKPOINT_EVENT_TYPE) {
      const partition = stream.slice(prefix.length, -suffix.length);
      states.set(partition, stateOf(text(record.data)));
    }
  }
  return tag === undefined ? undefined : { tag, states };
}
