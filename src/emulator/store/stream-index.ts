import type { StreamFacts } from './expected-revision.js';
import {
  isMetastream,
  METADATA_EVENT_TYPE,
  metastreamOf,
  originalStreamOf,
  type StoredEvent,
  TOMBSTONE_EVENT_NUMBER,
} from './stored-event.js';
import { isSoftDeleted, NO_METADATA, parseStreamMetadata, type StreamMetadata } from './stream-metadata.js';

/** One stream as the index sees it: its events by number, its tombstone and the metadata the server acts on. */
export class StreamState implements StreamFacts {
  readonly events: StoredEvent[] = [];
  readonly numbersById = new Map<string, number>();
  tombstone: StoredEvent | undefined;
  metadata: StreamMetadata = NO_METADATA;

  constructor(
    readonly name: string,
    private readonly index: StreamIndex,
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
    return this.index.lastEventNumberOf(metastreamOf(this.name)) >= 0;
  }
  eventIdAt(eventNumber: number): string | undefined {
    return this.events[eventNumber]?.eventId;
  }
  eventNumberOf(eventId: string): number | undefined {
    return this.numbersById.get(eventId);
  }
}

/** The event records of the log in position order, and each stream's share of them. */
export class StreamIndex {
  private readonly streams = new Map<string, StreamState>();
  private readonly records: StoredEvent[] = [];
  /** Streams written since the node last became leader: what the server's index writer has cached (§3.13.2). */
  private readonly writtenByLeader = new Set<string>();

  /** Every event record, in log order. */
  get log(): readonly StoredEvent[] {
    return this.records;
  }

  /** The stream, if anything ever named it. */
  find(streamName: string): StreamState | undefined {
    return this.streams.get(streamName);
  }

  /** The stream, created empty when nothing named it yet. */
  stateOf(streamName: string): StreamState {
    let stream = this.streams.get(streamName);
    if (stream === undefined) {
      stream = new StreamState(streamName, this);
      this.streams.set(streamName, stream);
    }
    return stream;
  }

  /** The stream's last event number; -1 when it has none. */
  lastEventNumberOf(streamName: string): number {
    return this.streams.get(streamName)?.lastEventNumber ?? -1;
  }

  /** The metadata the server acts on for `streamName` (from its metastream's latest event). */
  metadataOf(streamName: string): StreamMetadata {
    return this.streams.get(streamName)?.metadata ?? NO_METADATA;
  }

  /** A metastream counts as tombstoned when its stream is. */
  isTombstoned(streamName: string): boolean {
    const target = isMetastream(streamName) ? originalStreamOf(streamName) : streamName;
    return this.streams.get(target)?.tombstoned ?? false;
  }

  /** Notes that the current leader wrote to `streamName` (not replayed from a durable log). */
  markWritten(streamName: string): void {
    this.writtenByLeader.add(streamName);
  }

  /** Whether the current leader wrote to `streamName` (§3.13.2). */
  writtenThisTerm(streamName: string): boolean {
    return this.writtenByLeader.has(streamName);
  }

  /** A new leader starts with an empty index-writer cache (IndexWriter.cs Reset). */
  forgetWrites(): void {
    this.writtenByLeader.clear();
  }

  /** Adds a record that already has its position and number to the log and to its stream. */
  add(record: StoredEvent): void {
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
}
