import { checkConsistency, type ExpectedRevision } from './expected-revision.js';
import {
  METADATA_EVENT_TYPE,
  metastreamOf,
  type ProposedEvent,
  STREAM_DELETED_EVENT_TYPE,
  TOMBSTONE_EVENT_NUMBER,
} from './stored-event.js';
import type { StreamIndex, StreamState } from './stream-index.js';
import type { PendingRecord, WriteOutcome, WritePlan } from './write-plan.js';

/**
 * Soft delete: checks `expected` against the stream itself, then writes `{"$tb": long.MaxValue}` to its
 * metastream (§3.4). A stream that never existed fails as wrong-expected-version even with `any`.
 */
export function planSoftDelete(
  index: StreamIndex,
  streamName: string,
  expected: ExpectedRevision,
): WritePlan {
  const stream = index.stateOf(streamName);
  const neverExisted = !stream.tombstoned && stream.lastEventNumber < 0 && !stream.hasMetadata;
  if (neverExisted) return { kind: 'wrong-expected-version', currentEventNumber: -1n };
  const refusal = refuseDelete(stream, expected);
  if (refusal !== undefined) return refusal;
  return {
    kind: 'write',
    records: [
      {
        streamName: metastreamOf(streamName),
        event: jsonEvent(METADATA_EVENT_TYPE, `{"$tb":${TOMBSTONE_EVENT_NUMBER}}`),
      },
    ],
    outcome: ([record]) => ({
      kind: 'success',
      lastEventNumber: BigInt(stream.lastEventNumber),
      position: record?.position,
    }),
  };
}

/** Hard delete: writes a `$streamDeleted` record numbered `long.MaxValue` into the stream (§3.4, §3.13). */
export function planTombstone(index: StreamIndex, streamName: string, expected: ExpectedRevision): WritePlan {
  const stream = index.stateOf(streamName);
  const refusal = refuseDelete(stream, expected);
  if (refusal !== undefined) return refusal;
  return {
    kind: 'write',
    records: [
      {
        streamName,
        event: binaryEvent(STREAM_DELETED_EVENT_TYPE),
        eventNumber: TOMBSTONE_EVENT_NUMBER,
      },
    ],
    outcome: ([record]) => ({
      kind: 'success',
      lastEventNumber: TOMBSTONE_EVENT_NUMBER,
      position: record?.position,
    }),
  };
}

/**
 * The record that un-deletes a soft-deleted stream after a write to it: its current metadata with `$tb` at the
 * next event number, the other keys kept (§3.13; StorageWriterService.cs SoftUndeleteStream, written after the
 * write's own records).
 */
export function undeleteRecord(index: StreamIndex, stream: StreamState): PendingRecord {
  const current = index.find(metastreamOf(stream.name))?.events.at(-1);
  const keys = current === undefined ? {} : (jsonObject(current.data) ?? {});
  return metadataWithTruncateBefore(stream, keys);
}

/**
 * New metadata written to `$$S` of a soft-deleted `S` is stored as sent, then followed by a copy of it with
 * `$tb` at the next event number of `S` (§3.13; StorageWriterService.cs SoftUndeleteMetastream). Metadata that
 * is not a JSON object gets no copy (SoftUndeleteRawMeta gives up on it).
 */
export function undeleteRecordAfterMetadata(
  original: StreamState,
  written: ProposedEvent,
): PendingRecord | undefined {
  const keys = jsonObject(written.data);
  return keys === undefined ? undefined : metadataWithTruncateBefore(original, keys);
}

function metadataWithTruncateBefore(stream: StreamState, keys: Record<string, unknown>): PendingRecord {
  const text = JSON.stringify({ ...keys, $tb: stream.lastEventNumber + 1 });
  return { streamName: metastreamOf(stream.name), event: jsonEvent(METADATA_EVENT_TYPE, text) };
}

function refuseDelete(stream: StreamState, expected: ExpectedRevision): WriteOutcome | undefined {
  const decision = checkConsistency(stream, expected, []);
  if (decision.kind === 'stream-deleted' || (stream.tombstoned && decision.kind === 'write')) {
    return { kind: 'stream-deleted' };
  }
  if (decision.kind === 'wrong-expected-version') {
    return { kind: 'wrong-expected-version', currentEventNumber: BigInt(stream.lastEventNumber) };
  }
  return undefined;
}

function jsonObject(data: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function jsonEvent(eventType: string, json: string): ProposedEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    isJson: true,
    data: new TextEncoder().encode(json),
    metadata: new Uint8Array(0),
  };
}

function binaryEvent(eventType: string): ProposedEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    isJson: false,
    data: new Uint8Array(0),
    metadata: new Uint8Array(0),
  };
}
