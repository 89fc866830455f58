import type { StoredEvent } from './stored-event.js';

/**
 * A `$all` position as the server's storage compares it (`TFPos`): commit then prepare, both signed 64-bit,
 * where -1 stands for what the wire writes as UINT64 max (§3.12; Transport/Common/Position.cs `FromInt64`).
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** UINT64 max: "end" or "unknown" on the wire (§3.12). */
export const UINT64_MAX = 18446744073709551615n;

/** `long.MaxValue`: the largest position or event number the server stores. */
export const INT64_MAX = 9223372036854775807n;

/** Where a subscription from `start` stands before it has seen anything (`new TFPos(-1, -1)`). */
export const BEFORE_START: LogPosition = { commit: -1n, prepare: -1n };

/** Lexicographic order, commit first (§3.12). */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** A self-committed record's position: commit == prepare == its offset (§3.12). */
export function positionOf(record: StoredEvent): LogPosition {
  return { commit: record.position, prepare: record.position };
}

/** The unsigned pair the wire carries: -1 becomes UINT64 max (`Position.FromInt64`). */
export function toWirePosition(position: LogPosition): { commitPosition: bigint; preparePosition: bigint } {
  return {
    commitPosition: position.commit < 0n ? UINT64_MAX : position.commit,
    preparePosition: position.prepare < 0n ? UINT64_MAX : position.prepare,
  };
}

/** Compares two wire positions as the server's unsigned `Position` does. */
export function compareWirePositions(
  a: { commitPosition: bigint; preparePosition: bigint },
  b: { commitPosition: bigint; preparePosition: bigint },
): number {
  return comparePositions(
    { commit: a.commitPosition, prepare: a.preparePosition },
    { commit: b.commitPosition, prepare: b.preparePosition },
  );
}
