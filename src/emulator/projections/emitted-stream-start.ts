/**
 * The metadata a projection writes to a stream before its first event there in its current epoch (24.10,
 * Services/Processing/Emitting/EmittedStream.cs `ReadStreamEventsBackwardCompleted`, `SubmitWriteMetadata`): a
 * stream with no events gets its ACL; a stream whose last event the projection wrote before its last reset (its
 * `$v` version older than the epoch) starts again as a new logical stream, its metadata's `$tb` hiding every
 * event before the ones about to be written.
 */
import type { EventStore } from '../store/event-store.js';
import { parseTaggedMetadata, type ProjectionVersion } from './checkpoint-tag.js';

/**
 * The metadata text to write first, or undefined when the stream goes on as it is.
 * @param acl the compact JSON ACL the projection gives the streams it writes
 */
export function emittedStreamStart(
  store: EventStore,
  stream: string,
  { projectionId, epoch }: ProjectionVersion,
  acl: string,
): string | undefined {
  const view = store.readStream(stream);
  if (view.kind !== 'found') {
    return store.lastEventNumberOf(stream) === -1 ? `{"$acl":${acl}}` : undefined;
  }
  const last = view.events[view.lastEventNumber];
  const written =
    last === undefined ? undefined : parseTaggedMetadata(Buffer.from(last.metadata).toString('utf8'));
  // Another projection's stream, or one written from outside, is the server's fault case, not modelled here.
  if (written === undefined || written.version.projectionId !== projectionId) return undefined;
  if (written.version.version >= epoch) return undefined;
  return `{"$tb":${view.lastEventNumber + 1},"$acl":${acl}}`;
}
