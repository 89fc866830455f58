/**
 * Feeds the log to a projection in batches after commits, never inside an append, as the server's projection
 * workers read it (eventually consistent): a batch runs on a later turn of the event loop, starts where the
 * last one stopped, and takes at most {@link RECORDS_PER_TURN} records, so a long backlog does not hold up the
 * node's calls. The standard projections' runner and each user projection's core use one each.
 */
import type { EventStore } from '../store/event-store.js';
import type { StoredEvent } from '../store/stored-event.js';

/** Records handed over per turn of the event loop. */
export const RECORDS_PER_TURN = 256;

/** What the scheduler calls. */
export interface BatchConsumer {
  /**
   * Handles one batch. Each record it takes from `records` counts as read, so the next batch starts after it;
   * the iteration ends early once the scheduler is stopped (which the consumer may do from inside).
   */
  processBatch(records: Iterable<StoredEvent>): void;
  /** After a batch that left nothing more to read, while the scheduler is still running. */
  caughtUp?(): void;
}

/** One consumer's batches over the log of one store. */
export class BatchScheduler {
  private nextPosition = 0n;
  private scheduled: NodeJS.Immediate | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly consumer: BatchConsumer,
  ) {}

  /** Whether it is following the log: between {@link start} and {@link stop}. */
  get running(): boolean {
    return this.stopListening !== undefined;
  }

  /** Reads what is in the log from the start, then what each commit adds. */
  start(): void {
    this.stopListening = this.store.onCommit(() => {
      this.schedule();
    });
    this.schedule();
  }

  /** No batch runs after this; one under way hands over no more records. */
  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private schedule(): void {
    if (this.scheduled !== undefined || !this.running) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.runBatch();
    });
  }

  private runBatch(): void {
    const cursor = { index: this.store.indexAtOrAfter(this.nextPosition) };
    // What the batch itself writes waits for the next one.
    const end = Math.min(this.store.log.length, cursor.index + RECORDS_PER_TURN);
    this.consumer.processBatch(this.records(cursor, end));
    if (!this.running) return;
    if (cursor.index < this.store.log.length) this.schedule();
    else this.consumer.caughtUp?.();
  }

  /** The log from `cursor.index` up to `end`, moving the cursor and the next batch's start as it goes. */
  private *records(cursor: { index: number }, end: number): Generator<StoredEvent> {
    const log = this.store.log;
    for (; cursor.index < end && this.running; cursor.index++) {
      const record = log[cursor.index];
      if (record === undefined) return;
      this.nextPosition = record.endPosition;
      yield record;
    }
  }
}
