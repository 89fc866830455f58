import type { GroupSettings } from './group-settings.js';
import { GroupState, type GroupStatus } from './group-state.js';
import type { MessageDispatcher } from './message-dispatcher.js';
import type { MessageParker } from './message-parker.js';
import { parkedEventMessage } from './outstanding-message.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';
import type { StreamBuffer } from './stream-buffer.js';

/** What a parked-message replay reads from its group. */
export interface ParkedReplayParts {
  readonly settings: GroupSettings;
  readonly status: GroupStatus;
  readonly parker: MessageParker;
  readonly dispatcher: MessageDispatcher;
  /** The group's buffer once the group is ready. */
  readonly readyBuffer: () => StreamBuffer | undefined;
}

/** One page of the parked stream, a missing stream counting as an empty last page. */
interface ParkedPage {
  readonly events: readonly ResolvedEvent[];
  readonly next: bigint;
  readonly isEnd: boolean;
}

/**
 * Replays a group's parked messages (server: `RetryParkedMessages` and `TryReadingParkedMessagesFrom` of
 * PersistentSubscription.cs): they go to the retry queue, and the parked stream's `$tb` then moves past them.
 */
export class ParkedReplay {
  constructor(private readonly parts: ParkedReplayParts) {}

  /**
   * Links before `stopAt` (or all) are resolved and queued as retries with retry count 0. Ignored while a
   * replay runs.
   */
  start(stopAt: bigint | undefined): void {
    const { status, parker } = this.parts;
    if (!status.isReady) return;
    if (status.has(GroupState.ReplayingParkedMessages)) return;
    status.add(GroupState.ReplayingParkedMessages);
    const end = parker.endSequence();
    // A tombstoned parked stream: the 24.10 server's read never answers, so the replay never finishes.
    if (end === 'deleted') return;
    if (end === undefined) {
      status.remove(GroupState.ReplayingParkedMessages);
      return;
    }
    const stopRead = stopAt !== undefined && stopAt < end + 1n ? stopAt : end + 1n;
    this.readFrom(0n, stopRead);
  }

  /** Reads the parked stream page by page up to `stopAt`. */
  private readFrom(from: bigint, stopAt: bigint): void {
    let position = from;
    while (this.parts.status.has(GroupState.ReplayingParkedMessages)) {
      const page = this.readPage(position, stopAt);
      if (page === undefined) return;
      const buffer = this.parts.readyBuffer();
      if (buffer === undefined) return;
      queueForRetry(buffer, page.events, stopAt);
      this.parts.dispatcher.push();
      if (page.isEnd || stopAt <= page.next) {
        this.finish(page.next === -1n ? stopAt : stopAt < page.next ? stopAt : page.next);
        return;
      }
      position = page.next;
    }
  }

  /** The next page from `position`; undefined stops the replay where it is, its flag still set. */
  private readPage(position: bigint, stopAt: bigint): ParkedPage | undefined {
    // The server insists on a positive count and otherwise throws, leaving the replay flag set.
    if (stopAt - position <= 0n) return undefined;
    const remaining = stopAt + 1n - position;
    const batch = BigInt(this.parts.settings.readBatchSize);
    const count = Number(remaining < batch ? remaining : batch);
    if (count <= 0) return undefined;
    const page = this.parts.parker.readPage(position, count);
    switch (page.kind) {
      case 'deleted':
        return undefined;
      case 'no-stream':
        return { events: [], next: 0n, isEnd: true };
      case 'success':
        return { events: page.events, next: page.nextEventNumber, isEnd: page.isEndOfStream };
    }
  }

  /** Everything before `replayedEnd` was replayed: truncate the parked stream there and end the replay. */
  private finish(replayedEnd: bigint): void {
    this.parts.parker.markReplayedBefore(replayedEnd);
    this.parts.status.remove(GroupState.ReplayingParkedMessages);
  }
}

/** Queues the parked events before `stopAt` as retries; links whose event is gone are left out. */
function queueForRetry(buffer: StreamBuffer, events: readonly ResolvedEvent[], stopAt: bigint): void {
  for (const resolved of events) {
    if (originalOf(resolved).eventNumber === stopAt) break;
    if (resolved.event === undefined) continue;
    buffer.addRetry(parkedEventMessage(resolved));
  }
}
