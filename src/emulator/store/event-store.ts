import { groupStartPosition } from '../log/record-size.js';
import { planAppend } from './append-rules.js';
import { planSoftDelete, planTombstone } from './delete-rules.js';
import type { ExpectedRevision } from './expected-revision.js';
import type { LogEntry } from './log-frame.js';
import { placeRecords, type RecordSizer } from './record-placement.js';
import type { ProposedEvent, StoredEvent } from './stored-event.js';
import { StreamIndex } from './stream-index.js';
import type { StreamMetadata } from './stream-metadata.js';
import { readStreamView, type StreamReadView } from './stream-read-view.js';
import type { PendingRecord, WriteOutcome, WritePlan } from './write-plan.js';

/** What an append of no events writes instead of an event: no type, no data, no metadata (§3.3). */
const EMPTY_PREPARE: ProposedEvent = {
  eventId: '',
  eventType: '',
  isJson: false,
  data: new Uint8Array(0),
  metadata: new Uint8Array(0),
};

/** Gets told about every batch of records once it is in the log, in log order. */
export type CommitListener = (records: readonly StoredEvent[]) => void;

/** How the store sizes its records, where its log starts, its clock, and whether it is durable. */
export interface EventStoreOptions {
  readonly recordSize: RecordSizer;
  /** Where the first record goes: a real log starts with records that are not events (§3.12). */
  readonly firstPosition?: bigint;
  /** Milliseconds since the epoch; tests pass a fake clock to exercise `$maxAge`. */
  readonly now?: () => number;
  /** Durable mode: gets every entry before the store indexes or acknowledges it, and must not return before
   * the entry is on disk. */
  readonly persistence?: { append(entries: readonly LogEntry[]): void };
}

/**
 * The emulator's storage: one transaction log of event records in position order, indexed by stream, with the
 * write rules of the real server (§3.2–§3.4, §3.6, §3.13). Single-threaded by construction: every write runs
 * to completion synchronously, which is what makes each append atomic.
 */
export class EventStore {
  private readonly index = new StreamIndex();
  private readonly listeners = new Set<CommitListener>();
  private nextPosition: bigint;
  private readonly now: () => number;

  constructor(private readonly options: EventStoreOptions) {
    this.nextPosition = options.firstPosition ?? 0n;
    this.now = options.now ?? Date.now;
  }

  /** Every event record, in log order. */
  get log(): readonly StoredEvent[] {
    return this.index.log;
  }

  /** The position just past the last record: where the next write goes. */
  get headPosition(): bigint {
    return this.nextPosition;
  }

  /** Moves the head past log records that are not events (the epoch records a real node starts with). */
  skipBytes(size: number): void {
    const endPosition = this.nextPosition + BigInt(size);
    this.options.persistence?.append([{ kind: 'gap', endPosition }]);
    this.nextPosition = endPosition;
  }

  /** Rebuilds the store from a durable log's entries, in log order, at start-up (nothing is re-written). */
  restore(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      if (entry.kind === 'gap') {
        this.nextPosition = entry.endPosition;
      } else {
        this.index.add(entry.event);
        this.nextPosition = entry.event.endPosition;
      }
    }
  }

  /** Calls `listener` after every write with the records it added. Returns the function that stops it. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The stream's last event number; -1 when it has none. */
  lastEventNumberOf(streamName: string): number {
    return this.index.lastEventNumberOf(streamName);
  }

  /** The metadata the server acts on for `streamName` (from its metastream's latest event). */
  metadataOf(streamName: string): StreamMetadata {
    return this.index.metadataOf(streamName);
  }

  /** Whether the stream (or, for a metastream, its stream) was hard-deleted. */
  isTombstoned(streamName: string): boolean {
    return this.index.isTombstoned(streamName);
  }

  /** Appends `events` atomically if `expected` holds (§3.2, §3.3, §3.6, §3.13). */
  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): WriteOutcome {
    return this.carryOut(planAppend(this.index, streamName, expected, events));
  }

  /** Soft delete: `{"$tb": long.MaxValue}` in the metastream, if `expected` holds (§3.4). */
  softDelete(streamName: string, expected: ExpectedRevision): WriteOutcome {
    return this.carryOut(planSoftDelete(this.index, streamName, expected));
  }

  /** Hard delete: a `$streamDeleted` record numbered `long.MaxValue`, if `expected` holds (§3.4, §3.13). */
  tombstone(streamName: string, expected: ExpectedRevision): WriteOutcome {
    return this.carryOut(planTombstone(this.index, streamName, expected));
  }

  /** What a read of `streamName` may see, after deletes and the stream's `$tb`/`$maxCount`/`$maxAge`. */
  readStream(streamName: string): StreamReadView {
    return readStreamView(this.index, streamName, this.now);
  }

  /** Index in {@link log} of the first record at or after `position`: where a forwards `$all` read starts. */
  indexAtOrAfter(position: bigint): number {
    return this.index.indexAtOrAfter(position);
  }

  /**
   * Index in {@link log} of the last record that ends at or before `position`, or -1: where a backwards `$all`
   * read starts, since backwards positions are after-record positions (§3.7).
   */
  indexEndingAtOrBefore(position: bigint): number {
    return this.index.indexEndingAtOrBefore(position);
  }

  /** A new leader's writer has not written anything yet (§3.13.2); the cluster calls this at each election. */
  startLeaderTerm(): void {
    this.index.forgetWrites();
  }

  private carryOut(plan: WritePlan): WriteOutcome {
    if (plan.kind !== 'write') return plan;
    const emptyRecordPosition =
      plan.emptyRecordIn === undefined ? undefined : this.writeEmptyRecord(plan.emptyRecordIn);
    return plan.outcome(this.write(plan.records), emptyRecordPosition);
  }

  /**
   * The record an append of no events writes: a prepare with no type and no data, which takes log space (and
   * obeys the chunk rule) but is no event, so the log keeps it as a gap (§3.3). Returns its position.
   */
  private writeEmptyRecord(streamName: string): bigint {
    const size = this.options.recordSize(streamName, EMPTY_PREPARE);
    const position = BigInt(groupStartPosition(Number(this.nextPosition), size));
    const endPosition = position + BigInt(size);
    this.options.persistence?.append([{ kind: 'gap', endPosition }]);
    this.nextPosition = endPosition;
    this.index.markWritten(streamName);
    return position;
  }

  /**
   * Gives records their positions and numbers, makes them durable when the store is, indexes them, then tells
   * the listeners once: nothing is visible or acknowledged before it is on disk.
   */
  private write(pending: readonly PendingRecord[]): StoredEvent[] {
    if (pending.length === 0) return [];
    const { records, endPosition } = placeRecords(pending, {
      head: this.nextPosition,
      nowMs: this.now(),
      recordSize: this.options.recordSize,
      lastEventNumberOf: (streamName) => this.index.lastEventNumberOf(streamName),
    });
    this.options.persistence?.append(records.map((record) => ({ kind: 'event', event: record })));
    for (const record of records) {
      this.index.add(record);
      this.index.markWritten(record.streamName);
    }
    this.nextPosition = endPosition;
    for (const listener of this.listeners) listener(records);
    return records;
  }
}
