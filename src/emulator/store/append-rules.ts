import { undeleteRecord, undeletingMetadata } from './delete-rules.js';
import { checkConsistency, type ExpectedRevision } from './expected-revision.js';
import { isMetastream, type ProposedEvent, TOMBSTONE_EVENT_NUMBER } from './stored-event.js';
import type { StreamIndex } from './stream-index.js';
import type { PendingRecord, WritePlan } from './write-plan.js';

/** Appends `events` atomically if `expected` holds (§3.2, §3.3, §3.6, §3.13). */
export function planAppend(
  index: StreamIndex,
  streamName: string,
  expected: ExpectedRevision,
  events: readonly ProposedEvent[],
): WritePlan {
  const stream = index.stateOf(streamName);
  if (isMetastream(streamName) && index.isTombstoned(streamName) && events.length > 0) {
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
  if (stream.tombstoned) {
    // Only an empty `any` / `no_stream` check gets here: nothing to write (§3.2).
    return { kind: 'success', lastEventNumber: TOMBSTONE_EVENT_NUMBER, position: undefined };
  }
  const records: PendingRecord[] = [];
  if (stream.softDeleted) records.push(undeleteRecord(index, stream));
  for (const event of events)
    records.push({ streamName, event: undeletingMetadata(index, streamName, event) });
  return {
    kind: 'write',
    records,
    outcome: (written) => ({
      kind: 'success',
      lastEventNumber: BigInt(stream.lastEventNumber),
      position: events.length === 0 ? undefined : written.at(-1)?.position,
    }),
  };
}
