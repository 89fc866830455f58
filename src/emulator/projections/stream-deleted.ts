/**
 * Whether a record marks its stream deleted, as the standard projections decide it
 * (EventStore.Projections.Core/Standard/StreamDeletedHelper.cs `IsStreamDeletedEvent`, 24.10): a tombstone
 * record (`$streamDeleted`) in the stream, or a `$metadata` event in its metastream whose `$tb` is
 * `long.MaxValue` (a soft delete, §3.4).
 */
import {
  isMetastream,
  METADATA_EVENT_TYPE,
  originalStreamOf,
  STREAM_DELETED_EVENT_TYPE,
  TOMBSTONE_EVENT_NUMBER,
} from '../store/stored-event.js';

/** What the helper answers: the stream the record is about (a metastream's stream), and whether it deletes it. */
export interface StreamDeletion {
  readonly stream: string;
  readonly deleted: boolean;
}

/**
 * Whether the record deletes its stream. `stream` is set either way, as the server's out parameter is: the
 * stream itself, or for a metastream the stream it describes.
 */
export function streamDeletionOf(
  streamOrMetastream: string,
  eventType: string,
  data: string | undefined,
): StreamDeletion {
  if (isMetastream(streamOrMetastream)) {
    const stream = originalStreamOf(streamOrMetastream);
    return { stream, deleted: eventType === METADATA_EVENT_TYPE && softDeletes(data) };
  }
  return { stream: streamOrMetastream, deleted: eventType === STREAM_DELETED_EVENT_TYPE };
}

/** `$tb` is read from the text: 9223372036854775807 does not survive as a JS number. */
function softDeletes(data: string | undefined): boolean {
  if (data === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  } catch {
    return false;
  }
  const raw = /"\$tb"\s*:\s*(\d+)/.exec(data)?.[1];
  return raw !== undefined && BigInt(raw) === TOMBSTONE_EVENT_NUMBER;
}
