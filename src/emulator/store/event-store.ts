import { checkConsistency, type ExpectedRevision, type StreamFacts } from './expected-revision.js';
import {
  isMetastream,
  METADATA_EVENT_TYPE,
  metastreamOf,
  originalStreamOf,
  type ProposedEvent,
  STREAM_DELETED_EVENT_TYPE,
  type StoredEvent,
  TOMBSTONE_EVENT_NUMBER,
} from './stored-event.js';
import { isSoftDeleted, NO_METADATA, parseStreamMetadata, type StreamMetadata } from './stream-metadata.js';
import type { LogEntry } from './log-frame.js';
import { groupStartPosition } from '../log/record-size.js';

/** The outcome of an append, a soft delete or a tombstone. */
export type WriteOutcome =
  | {
      readonly kind: 'success';
      /** Last event number of the write (or of the replayed set); -1 when the stream is still empty. */
      readonly lastEventNumber: bigint;
      /** Position of the last record written or replayed; undefined when nothing was written (§3.3). */
      readonly position: bigint | undefined;
    }
  | { readonly kind: 'wrong-expected-version'; readonly currentEventNumber: bigint }
  | { readonly kind: 'stream-deleted' };

/** What a read of one stream sees (§3.7, §3.13). */
export type StreamReadView =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'deleted' }
  | {
      readonly kind: 'found';
      /** Every event of the stream, indexed by event number, hidden ones included. */
      readonly events: readonly StoredEvent[];
      /** The lowest event number not hidden by `$tb`, `$maxCount` or `$maxAge`. */
      readonly firstVisible: number;
      readonly lastEventNumber: number;
    };

/** A record to put in the log. `eventNumber` is assigned by the store unless given (the tombstone's is fixed). */
interface PendingRecord {
  readonly streamName: string;
  readonly event: ProposedEvent;
  readonly eventNumber?: bigint;
}

/** Sizes a record in the log: the position of the next record is this one's plus its size (§3.12). */
export type RecordSizer = (streamName: string, event: ProposedEvent) => number;

/** Gets told about every batch of records once it is in the log, in log order. */
export type CommitListener = (records: readonly StoredEvent[]) => void;

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

class StreamState implements StreamFacts {
  readonly events: StoredEvent[] = [];
  readonly numbersById = new Map<string, number>();
  tombstone: StoredEvent | undefined;
  metadata: StreamMetadata = NO_METADATA;

  constructor(
    readonly name: string,
    private readonly store: EventStore,
  ) {}

  get lastEventNumber(): number {
    return this.events.length - 1;
  }
  get tombstoned(): boolean {
    return this.tombstone !== undefined;
  }
  get softDeleted(): boolean {
    return isSoftDeleted(this.metadata);
  }
  get hasMetadata(): boolean {
    return this.store.lastEventNumberOf(metastreamOf(this.name)) >= 0;
  }
  eventIdAt(eventNumber: number): string | undefined {
    return this.events[eventNumber]?.eventId;
  }
  eventNumberOf(eventId: string): number | undefined {
    return this.numbersById.get(eventId);
  }
}

/** By default a metastream keeps only its latest event visible (the server's metastream `$maxCount` of 1). */
const METASTREAM_MAX_COUNT = 1;

/**
 * The emulator's storage: one transaction log of event records in position order, indexed by stream, with the
 * write rules of the real server (§3.2–§3.4, §3.6, §3.13). Single-threaded by construction: every write runs
 * to completion synchronously, which is what makes each append atomic.
 */
export class EventStore {
  private readonly streams = new Map<string, StreamState>();
  private readonly records: StoredEvent[] = [];
  private readonly listeners = new Set<CommitListener>();
  private nextPosition: bigint;
  private readonly now: () => number;

  constructor(private readonly options: EventStoreOptions) {
    this.nextPosition = options.firstPosition ?? 0n;
    this.now = options.now ?? Date.now;
  }

  /** Every event record, in log order. */
  get log(): readonly StoredEvent[] {
    return this.records;
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
        this.index(entry.event);
        this.nextPosition = entry.event.endPosition;
      }
    }
  }

  /** Calls `listener` after every write with the records it added. Returns the function that stops it. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastEventNumberOf(streamName: string): number {
    return this.streams.get(streamName)?.lastEventNumber ?? -1;
  }

  /** The metadata the server acts on for `streamName` (from its metastream's latest event). */
  metadataOf(streamName: string): StreamMetadata {
    return this.streams.get(streamName)?.metadata ?? NO_METADATA;
  }

  isTombstoned(streamName: string): boolean {
    const target = isMetastream(streamName) ? originalStreamOf(streamName) : streamName;
    return this.streams.get(target)?.tombstoned ?? false;
  }

  /** Appends `events` atomically if `expected` holds (§3.2, §3.3, §3.6, §3.13). */
  append(streamName: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): WriteOutcome {
    const stream = this.stateOf(streamName);
    if (isMetastream(streamName) && this.isTombstoned(streamName) && events.length > 0) {
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
    const pending: PendingRecord[] = [];
    if (stream.softDeleted) pending.push(this.undeleteRecord(stream));
    const written = this.write([
      ...pending,
      ...events.map((event) => ({ streamName, event: this.undeletingMetadata(streamName, event) })),
    ]);
    const last = written.at(-1);
    return {
      kind: 'success',
      lastEventNumber: BigInt(stream.lastEventNumber),
      position: events.length === 0 ? undefined : last?.position,
    };
  }

  /**
   * Soft delete: checks `expected` against the stream itself, then writes `{"$tb": long.MaxValue}` to its
   * metastream (§3.4). A stream that never existed fails as wrong-expected-version even with `any`.
   */
  softDelete(streamName: string, expected: ExpectedRevision): WriteOutcome {
    const stream = this.stateOf(streamName);
    const neverExisted = !stream.tombstoned && stream.lastEventNumber < 0 && !stream.hasMetadata;
    if (neverExisted) return { kind: 'wrong-expected-version', currentEventNumber: -1n };
    const refusal = this.refuseDelete(stream, expected);
    if (refusal !== undefined) return refusal;
    const [record] = this.write([
      {
        streamName: metastreamOf(streamName),
        event: jsonEvent(METADATA_EVENT_TYPE, `{"$tb":${TOMBSTONE_EVENT_NUMBER}}`),
      },
    ]);
    return { kind: 'success', lastEventNumber: BigInt(stream.lastEventNumber), position: record?.position };
  }

  /** Hard delete: writes a `$streamDeleted` record numbered `long.MaxValue` into the stream (§3.4, §3.13). */
  tombstone(streamName: string, expected: ExpectedRevision): WriteOutcome {
    const stream = this.stateOf(streamName);
    const refusal = this.refuseDelete(stream, expected);
    if (refusal !== undefined) return refusal;
    const [record] = this.write([
      {
        streamName,
        event: binaryEvent(STREAM_DELETED_EVENT_TYPE),
        eventNumber: TOMBSTONE_EVENT_NUMBER,
      },
    ]);
    return { kind: 'success', lastEventNumber: TOMBSTONE_EVENT_NUMBER, position: record?.position };
  }

  /** What a read of `streamName` may see, after deletes and the stream's `$tb`/`$maxCount`/`$maxAge`. */
  readStream(streamName: string): StreamReadView {
    if (this.isTombstoned(streamName)) return { kind: 'deleted' };
    const stream = this.streams.get(streamName);
    if (stream === undefined || stream.lastEventNumber < 0 || stream.softDeleted)
      return { kind: 'not-found' };
    return {
      kind: 'found',
      events: stream.events,
      firstVisible: this.firstVisible(stream),
      lastEventNumber: stream.lastEventNumber,
    };
  }

  /** Index in {@link log} of the first record at or after `position`: where a forwards `$all` read starts. */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle]?.position ?? 0n) < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Index in {@link log} of the last record that ends at or before `position`, or -1: where a backwards `$all`
   * read starts, since backwards positions are after-record positions (§3.7).
   */
  indexEndingAtOrBefore(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.records[middle]?.endPosition ?? 0n) <= position) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  private refuseDelete(stream: StreamState, expected: ExpectedRevision): WriteOutcome | undefined {
    const decision = checkConsistency(stream, expected, []);
    if (decision.kind === 'stream-deleted' || (stream.tombstoned && decision.kind === 'write')) {
      return { kind: 'stream-deleted' };
    }
    if (decision.kind === 'wrong-expected-version') {
      return { kind: 'wrong-expected-version', currentEventNumber: BigInt(stream.lastEventNumber) };
    }
    return undefined;
  }

  private firstVisible(stream: StreamState): number {
    const last = stream.lastEventNumber;
    const { truncateBefore, maxCount: ownMaxCount, maxAgeSeconds } = stream.metadata;
    const maxCount = ownMaxCount ?? (isMetastream(stream.name) ? METASTREAM_MAX_COUNT : undefined);
    let first = 0;
    if (truncateBefore !== undefined) first = Math.max(first, Number(truncateBefore));
    if (maxCount !== undefined) first = Math.max(first, last - maxCount + 1);
    if (maxAgeSeconds !== undefined) {
      const cutoff = this.now() - maxAgeSeconds * 1000;
      while (first <= last && (stream.events[first]?.createdMs ?? 0) < cutoff) first += 1;
    }
    return first;
  }

  /**
   * Writing to a soft-deleted stream first rewrites its metadata with `$tb` at the first new event number,
   * keeping the other keys (§3.13; the server's StorageWriterService does this before the events).
   */
  private undeleteRecord(stream: StreamState): PendingRecord {
    const current = this.streams.get(metastreamOf(stream.name))?.events.at(-1);
    const keys = current === undefined ? {} : jsonObject(current.data);
    const text = JSON.stringify({ ...keys, $tb: stream.lastEventNumber + 1 });
    return { streamName: metastreamOf(stream.name), event: jsonEvent(METADATA_EVENT_TYPE, text) };
  }

  /** New metadata written to `$$S` of a soft-deleted `S` un-deletes it the same way (§3.13). */
  private undeletingMetadata(streamName: string, event: ProposedEvent): ProposedEvent {
    if (!isMetastream(streamName) || !event.isJson) return event;
    const original = this.streams.get(originalStreamOf(streamName));
    if (original === undefined || !original.softDeleted) return event;
    const keys = jsonObject(event.data);
    const text = JSON.stringify({ ...keys, $tb: original.lastEventNumber + 1 });
    return { ...event, data: new TextEncoder().encode(text) };
  }

  private stateOf(streamName: string): StreamState {
    let stream = this.streams.get(streamName);
    if (stream === undefined) {
      stream = new StreamState(streamName, this);
      this.streams.set(streamName, stream);
    }
    return stream;
  }

  /**
   * Gives records their positions and numbers, makes them durable when the store is, indexes them, then tells
   * the listeners once: nothing is visible or acknowledged before it is on disk.
   */
  private write(pending: readonly PendingRecord[]): StoredEvent[] {
    const createdMs = this.now();
    const created = (BigInt(createdMs) * 10_000n).toString();
    const nextNumbers = new Map<string, number>();
    const sizes = pending.map(({ streamName, event }) => this.options.recordSize(streamName, event));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    // A write's records stay together in one 256 MiB chunk; if they do not fit in what is left of the current
    // one, the real writer starts them at the next chunk (record-size.ts, StorageWriterService.cs).
    let position = BigInt(groupStartPosition(Number(this.nextPosition), total));
    const written = pending.map(({ streamName, event, eventNumber }, index): StoredEvent => {
      const next = nextNumbers.get(streamName) ?? this.lastEventNumberOf(streamName) + 1;
      if (eventNumber === undefined) nextNumbers.set(streamName, next + 1);
      const start = position;
      position += BigInt(sizes[index] ?? 0);
      return {
        eventId: event.eventId,
        eventType: event.eventType,
        isJson: event.isJson,
        data: event.data,
        metadata: event.metadata,
        position: start,
        endPosition: position,
        streamName,
        eventNumber: eventNumber ?? BigInt(next),
        created,
        createdMs,
      };
    });
    this.options.persistence?.append(written.map((record) => ({ kind: 'event', event: record })));
    for (const record of written) this.index(record);
    this.nextPosition = position;
    for (const listener of this.listeners) listener(written);
    return written;
  }

  /** Adds a record that already has its position and number to the log and to its stream. */
  private index(record: StoredEvent): void {
    const stream = this.stateOf(record.streamName);
    if (record.eventNumber === TOMBSTONE_EVENT_NUMBER) {
      stream.tombstone = record;
    } else {
      stream.numbersById.set(record.eventId, stream.events.length);
      stream.events.push(record);
    }
    if (isMetastream(record.streamName) && record.eventType === METADATA_EVENT_TYPE) {
      this.stateOf(originalStreamOf(record.streamName)).metadata = parseStreamMetadata(record);
    }
    this.records.push(record);
  }
}

function jsonObject(data: Uint8Array): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
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
