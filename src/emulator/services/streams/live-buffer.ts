import type { StoredEvent } from '../../store/stored-event.js';

/** The size of a subscription's live queue and of its output queue (Enumerator.cs `MaxLiveEventBufferCount`). */
const LIVE_BUFFER_CAPACITY = 32;

/**
 * What a 24.10 server holds for a consumer whose transport is full (§3.8.1): the output channel's messages, the
 * one the enumerator holds while waiting for room, and the live channel. One more live item drops the oldest.
 */
const ITEMS_HELD = 2 * LIVE_BUFFER_CAPACITY + 1;

/** How many live items the subscription service queued for the log's records from `cursor` on, up to `limit`. */
export type PendingCounter = (cursor: number, limit: number) => number;

/**
 * Decides when the live phase of a catch-up subscription must fall behind (§3.8.1). The emulator keeps no live
 * queue: what a real server would have queued is the log past the subscription's cursor. While the generator waits
 * at a `yield` because the client reads slowly, commits pile up there; when it resumes and finds more than the
 * server could hold, the server would have dropped one: the messages it still held go out live, then it returns
 * to catching up. The common case, a resumption with no commit during the wait, costs one comparison; after a
 * count, the next one waits until enough records have been committed since to possibly overflow the queue.
 */
export class LiveBuffer {
  /** The log's length when last checked; -1 while counting down to falling behind, to force the slow path. */
  private seenLength: number;
  /**
   * Items the queues could still take as of the last check, less the most each record committed since could add
   * (the cursor only moves on, and what goes out only lowers the count); unknown until the first count, as
   * records may have been committed past the cursor before this phase began.
   */
  private headroom = -Infinity;
  /** Messages still to go out live before falling behind; 0 when no item was dropped. */
  private stillHeld = 0;

  constructor(
    private readonly log: readonly StoredEvent[],
    /** The most live items one record can queue (an event and a checkpoint: 2 for a filtered subscription). */
    private readonly itemsPerRecord: number,
    private readonly countPending: PendingCounter,
  ) {
    this.seenLength = log.length;
  }

  /** The live phase has reached the end of the log: its queue is empty and what comes next flows at once. */
  drained(): void {
    this.seenLength = this.log.length;
    this.headroom = ITEMS_HELD;
    this.stillHeld = 0;
  }

  /** Called on each resumption from a live `yield`, `cursor` past the record just sent: true to fall behind now. */
  fellBehind(cursor: number): boolean {
    if (this.log.length === this.seenLength) return false;
    return this.recount(cursor);
  }

  private recount(cursor: number): boolean {
    if (this.stillHeld > 0) {
      this.stillHeld -= 1;
      return this.stillHeld === 0;
    }
    this.headroom -= (this.log.length - this.seenLength) * this.itemsPerRecord;
    this.seenLength = this.log.length;
    if (this.headroom >= 0) return false;
    const most = (this.log.length - cursor) * this.itemsPerRecord;
    this.headroom = ITEMS_HELD - (most <= ITEMS_HELD ? most : this.countPending(cursor, ITEMS_HELD + 1));
    if (this.headroom >= 0) return false;
    // The output channel's messages and the one in hand still go out; the next live read finds the gap.
    this.stillHeld = LIVE_BUFFER_CAPACITY + 1;
    this.seenLength = -1;
    return false;
  }
}

/** Counts the records from `cursor` on that pass `accepts`, stopping at `limit`. */
export function countAccepted(
  log: readonly StoredEvent[],
  accepts: (record: StoredEvent) => boolean,
  cursor: number,
  limit: number,
): number {
  let count = 0;
  for (let index = cursor; index < log.length && count < limit; index += 1) {
    if (accepts(log[index] as StoredEvent)) count += 1;
  }
  return count;
}

/**
 * Counts what a filtered subscription's live queue gets from `cursor` on, stopping at `limit`: the matching
 * events, and a checkpoint at every `interval`-th record, continuing the service's `counter` (none for -1).
 */
export function countFilteredPending(
  log: readonly StoredEvent[],
  matches: (record: StoredEvent) => boolean,
  ticks: { readonly interval: number; readonly counter: number },
  cursor: number,
  limit: number,
): number {
  let count = 0;
  let counter = ticks.counter;
  for (let index = cursor; index < log.length && count < limit; index += 1) {
    if (matches(log[index] as StoredEvent)) count += 1;
    if (ticks.interval === -1) continue;
    counter += 1;
    if (counter < ticks.interval) continue;
    counter = 0;
    count += 1;
  }
  return count;
}
