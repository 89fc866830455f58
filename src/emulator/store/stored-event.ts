/**
 * One event record in the emulator's transaction log, as the real server stores a prepare record written
 * through the gRPC API: self-committed, so its commit and prepare positions are both `position`
 * (docs/protocol.md §3.12).
 */
export interface StoredEvent {
  /** Byte offset of the record in the log; commit position == prepare position. */
  readonly position: bigint;
  /** Byte offset just past the record: where the next record starts. Backwards `$all` reads compare to it. */
  readonly endPosition: bigint;
  readonly streamName: string;
  /** Event number in its stream; a tombstone carries {@link TOMBSTONE_EVENT_NUMBER}. */
  readonly eventNumber: bigint;
  /** Lower-case hyphenated UUID, the form .NET `Guid.ToString()` gives (§3.11). */
  readonly eventId: string;
  readonly eventType: string;
  /** Set only when the append said exactly `application/json` (§3.10). */
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** 100-ns ticks since the Unix epoch, as decimal text: the `created` key of read responses (§3.10). */
  readonly created: string;
  /** Milliseconds since the Unix epoch, for `$maxAge`. */
  readonly createdMs: number;
}

/** An event as an append proposes it, before the log gives it a number and a position. */
export interface ProposedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** `long.MaxValue`: the event number of a tombstone, and the `$tb` a soft delete writes (§3.4, §3.13). */
export const TOMBSTONE_EVENT_NUMBER = 9223372036854775807n;

/** Event type of the record a tombstone writes into the stream itself (§3.13). */
export const STREAM_DELETED_EVENT_TYPE = '$streamDeleted';

/** Event type of a stream metadata event in `$$stream` (§3.13). */
export const METADATA_EVENT_TYPE = '$metadata';

/** Name of the metastream that holds the metadata of `streamName` (§3.13). */
export function metastreamOf(streamName: string): string {
  return `$$${streamName}`;
}

/** True for `$$name`, the metastream of `name`. */
export function isMetastream(streamName: string): boolean {
  return streamName.startsWith('$$');
}

/** The stream whose metadata the metastream `$$name` holds. */
export function originalStreamOf(metastreamName: string): string {
  return metastreamName.slice(2);
}
