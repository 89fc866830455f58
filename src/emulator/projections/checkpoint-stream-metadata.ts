/**
 * The metadata a projection gives its checkpoint streams when it first writes to them (24.10 sources under
 * Services/Processing/). The `$ProjectionCheckpoint` stream gets it from
 * Checkpointing/CoreProjectionCheckpointWriter.cs `CreateStreamMetadataEvent`: the last two checkpoints kept,
 * readable by administrators only, its metadata by everyone; it is written before the first checkpoint of a
 * projection that found no checkpoint stream when it started (`StartFrom`). A partition's `$Checkpoint` stream is
 * an emitted stream (Partitioning/PartitionStateUpdateManager.cs, `maxCount: 2`), so it gets EmittedStream.cs
 * `SubmitWriteMetadata`'s `$` ACL with that `$maxCount`. Both are compact Newtonsoft JSON in StreamMetadata.cs
 * `WriteAsJson` order.
 */
import { randomUUID } from 'node:crypto';

import type { EventStore } from '../store/event-store.js';
import { METADATA_EVENT_TYPE, metastreamOf } from '../store/stored-event.js';
import { PROJECTION_CHECKPOINT_EVENT_TYPE } from './checkpoint-recovery.js';

/** `$$$projections-<name>-checkpoint`'s event: `$maxCount` 2, `$admins` everywhere but `$mr`. */
export const PROJECTION_CHECKPOINT_STREAM_METADATA =
  '{"$maxCount":2,"$acl":{"$r":"$admins","$w":"$admins","$d":"$admins","$mr":"$all","$mw":"$admins"}}';

/** A partition checkpoint stream's metadata event. */
export const PARTITION_CHECKPOINT_STREAM_METADATA = '{"$maxCount":2,"$acl":{"$r":"$all","$mr":"$all"}}';

/**
 * Writes the metadata of the checkpoint stream `stream` (holding events of `eventType`) if the stream does not
 * exist yet: the first checkpoint is about to create it.
 */
export function startCheckpointStream(store: EventStore, stream: string, eventType: string): void {
  if (store.lastEventNumberOf(stream) !== -1) return;
  const metadata =
    eventType === PROJECTION_CHECKPOINT_EVENT_TYPE
      ? PROJECTION_CHECKPOINT_STREAM_METADATA
      : PARTITION_CHECKPOINT_STREAM_METADATA;
  store.append(metastreamOf(stream), { kind: 'any' }, [
    {
      eventId: randomUUID(),
      eventType: METADATA_EVENT_TYPE,
      isJson: true,
      data: new Uint8Array(Buffer.from(metadata, 'utf8')),
      metadata: new Uint8Array(0),
    },
  ]);
}
