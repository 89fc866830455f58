/**
 * What a write says the stream should look like before it: the `expected_stream_revision` oneof of Append,
 * BatchAppend, Delete and Tombstone (§3.2).
 */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/**
 * The signed number the server uses for an expected revision in its error texts and trailers: a revision,
 * or -1 no stream, -2 any, -4 stream exists (§3.2, §3.1.1 `wrong-expected-version`).
 */
export function expectedVersionNumber(expected: ExpectedRevision): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no-stream':
      return -1n;
    case 'stream-exists':
      return -4n;
    case 'revision':
      return expected.revision;
  }
}

/** The state of a stream that the consistency check of §3.2 looks at. */
export interface StreamFacts {
  /** Last event number, -1 when the stream never had an event. Kept across a soft delete. */
  readonly lastEventNumber: number;
  readonly tombstoned: boolean;
  readonly softDeleted: boolean;
  /** `$$stream` has at least one event: `stream_exists` then passes on an empty stream (§3.2). */
  readonly hasMetadata: boolean;
  /** The event id stored at an event number, for idempotent replays (§3.6). */
  eventIdAt(eventNumber: number): string | undefined;
  /** The event number of an id already in this stream, for idempotent replays with `any` (§3.6). */
  eventNumberOf(eventId: string): number | undefined;
}

/** The outcome of the consistency check of one write (§3.2, §3.6). */
export type ConsistencyDecision =
  | { readonly kind: 'write' }
  | { readonly kind: 'idempotent'; readonly firstEventNumber: number; readonly lastEventNumber: number }
  | { readonly kind: 'wrong-expected-version' }
  | { readonly kind: 'stream-deleted' };

/**
 * Decides whether a write carrying `eventIds` may go ahead, following the server's `IndexWriter.CheckCommit`
 * as the facts describe it (§3.2 table, §3.6): a retry of ids already stored where the write says they go is
 * answered as a success without writing; a partial match is a consistency failure.
 */
export function checkConsistency(
  stream: StreamFacts,
  expected: ExpectedRevision,
  eventIds: readonly string[],
): ConsistencyDecision {
  // A tombstone ends the check before the events or the expectation are looked at, so even a write of no
  // events is refused (§3.2.1).
  if (stream.tombstoned) return { kind: 'stream-deleted' };
  const last = stream.lastEventNumber;
  switch (expected.kind) {
    case 'stream-exists':
      if (stream.softDeleted) return { kind: 'stream-deleted' };
      if (last < 0 && !stream.hasMetadata) return { kind: 'wrong-expected-version' };
      return checkAny(stream, eventIds);
    case 'any':
      return checkAny(stream, eventIds);
    case 'no-stream':
      // A soft-deleted stream counts as absent: the write un-deletes it and continues its numbering (§3.13).
      return stream.softDeleted ? { kind: 'write' } : checkAt(stream, -1, eventIds);
    case 'revision':
      return checkAt(stream, Number(expected.revision), eventIds);
  }
}

function checkAny(stream: StreamFacts, eventIds: readonly string[]): ConsistencyDecision {
  const first = eventIds[0];
  const start = first === undefined ? undefined : stream.eventNumberOf(first);
  return start === undefined ? { kind: 'write' } : replayAt(stream, start, eventIds);
}

function checkAt(stream: StreamFacts, expected: number, eventIds: readonly string[]): ConsistencyDecision {
  const last = stream.lastEventNumber;
  if (expected === last) return { kind: 'write' };
  if (expected > last || eventIds.length === 0) return { kind: 'wrong-expected-version' };
  return replayAt(stream, expected + 1, eventIds);
}

/** The ids must be exactly the events stored from `start` on; anything less is not a replay. */
function replayAt(stream: StreamFacts, start: number, eventIds: readonly string[]): ConsistencyDecision {
  const allMatch = eventIds.every((id, offset) => stream.eventIdAt(start + offset) === id);
  return allMatch
    ? { kind: 'idempotent', firstEventNumber: start, lastEventNumber: start + eventIds.length - 1 }
    : { kind: 'wrong-expected-version' };
}
