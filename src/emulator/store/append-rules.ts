import { undeleteRecord, undeleteRecordAfterMetadata } from './delete-rules.js';
import { checkConsistency, type ExpectedRevision } from './expected-revision.js';
import { isMetastream, originalStreamOf, type ProposedEvent } from './stored-event.js';
import type { StreamIndex, StreamState } from './stream-index.js';
import type { PendingRecord, WritePlan } from './write-plan.js';

/** Appends `events` atomically if `expected` holds (§3.2, §3.3, §3.6, §3.13). */
export function planAppend(
  index: StreamIndex,
  streamName: string,
  expected: ExpectedRevision,
  events: readonly ProposedEvent[],
): WritePlan {
  const stream = index.stateOf(streamName);
  if (isMetastream(streamName) && index.isTombstoned(streamName) && !index.writtenThisTerm(streamName)) {
    // §3.13.2: the writer sees the metastream of a tombstoned stream as deleted unless it wrote to it lately.
    return { kind: 'stream-deleted' };
  }
  const decision = checkConsistency(
    stream,
    expected,
    events.map((event) => event.eventId),
  );
  switch (decision.kind) {
    case 'stream-deleted':
      return decision;
    case 'wrong-expected-version':
      return { kind: 'wrong-expected-version', currentEventNumber: BigInt(stream.lastEventNumber) };
    case 'idempotent':
      return {
        kind: 'success',
        lastEventNumber: BigInt(decision.lastEventNumber),
        position: stream.events[decision.lastEventNumber]?.position,
      };
    case 'write':
      break;
  }
  return {
    kind: 'write',
    emptyRecordIn: events.length === 0 ? streamName : undefined,
    records: [...events.map((event) => ({ streamName, event })), ...undeleteAfter(index, stream, events)],
    outcome: (written, emptyRecordPosition) => ({
      kind: 'success',
      lastEventNumber: BigInt(stream.lastEventNumber),
      position: events.length === 0 ? emptyRecordPosition : written[events.length - 1]?.position,
    }),
  };
}

/**
 * The metadata record that un-deletes a soft-deleted stream, which the server writes after the write itself
 * (§3.13): for a write to the stream, its metadata with `$tb` at the first new event number; for new metadata
 * written to the metastream, a copy of that metadata with `$tb` at the next event number.
 */
function undeleteAfter(
  index: StreamIndex,
  stream: StreamState,
  events: readonly ProposedEvent[],
): PendingRecord[] {
  if (stream.softDeleted) return [undeleteRecord(index, stream)];
  if (!isMetastream(stream.name)) return [];
  const original = index.find(originalStreamOf(stream.name));
  if (original === undefined || !original.softDeleted) return [];
  const last = events.at(-1);
  if (last === undefined) return [undeleteRecord(index, original)];
  const record = undeleteRecordAfterMetadata(original, last);
  return record === undefined ? [] : [record];
}
