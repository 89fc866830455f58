import type { ProposedEvent, StoredEvent } from './stored-event.js';

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

/** A record to put in the log. `eventNumber` is assigned by the store unless given (the tombstone's is fixed). */
export interface PendingRecord {
  readonly streamName: string;
  readonly event: ProposedEvent;
  readonly eventNumber?: bigint;
}

/**
 * What a write rule decided: either an outcome reached without writing anything, or the records to write and
 * how to report the write once they are in the log.
 */
export type WritePlan =
  | WriteOutcome
  | {
      readonly kind: 'write';
      /**
       * An append of no events still writes one record to this stream first: an event-less prepare that takes
       * log space but is no event (§3.3).
       */
      readonly emptyRecordIn?: string;
      /** Event records, written after the event-less one if there is one. */
      readonly records: readonly PendingRecord[];
      outcome(written: readonly StoredEvent[], emptyRecordPosition?: bigint): WriteOutcome;
    };
