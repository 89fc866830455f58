import type { EventStore } from '../store/event-store.js';
import type { CheckpointTracker } from './checkpoint-tracker.js';
import type { ConsumerCollection } from './consumer-collection.js';
import { positionIn, sourceStart, type EventSource } from './event-source.js';
import type { GroupSettings } from './group-settings.js';
import { GroupState, type GroupStatus } from './group-state.js';
import type { GroupStatistics } from './group-statistics.js';
import type { MessageDispatcher } from './message-dispatcher.js';
import { newEventMessage } from './outstanding-message.js';
import type { ResolvedEvent } from './resolved-event.js';
import { readBatch } from './source-page-reader.js';
import type { StreamBuffer } from './stream-buffer.js';
import type { SubscriptionPosition } from './subscription-position.js';

/** What a history reader reads from its group. */
export interface HistoryReaderParts {
  readonly store: EventStore;
  readonly source: EventSource;
  readonly settings: GroupSettings;
  readonly status: GroupStatus;
  readonly consumers: ConsumerCollection;
  readonly statistics: GroupStatistics;
  readonly checkpoints: CheckpointTracker;
  readonly dispatcher: MessageDispatcher;
  /** The group's buffer once the group is ready. */
  readonly readyBuffer: () => StreamBuffer | undefined;
}

/**
 * Reads a group's source into its buffer while the group is behind (server: `TryReadingNewBatch` and the read
 * completions of PersistentSubscription.cs), until reading meets the live events and the group goes live.
 */
export class HistoryReader {
  private nextEventToPullFrom: SubscriptionPosition;
  private skipFirstEvent = false;
  private reading = false;
  private readAgain = false;
  private isFaulted = false;

  constructor(private readonly parts: HistoryReaderParts) {
    this.nextEventToPullFrom = sourceStart(parts.source);
  }

  /** A page could not be read: the group dropped its consumers and takes no more. */
  get faulted(): boolean {
    return this.isFaulted;
  }

  /** Where the first page starts; `skipFirstEvent` when the event there is the loaded checkpoint's. */
  startAt(position: SubscriptionPosition, skipFirstEvent: boolean): void {
    this.nextEventToPullFrom = position;
    this.skipFirstEvent = skipFirstEvent;
  }

  /** Live events overflowed the buffer: reading resumes from the first one that did not fit. */
  fellBehindAt(position: SubscriptionPosition): void {
    this.nextEventToPullFrom = position;
  }

  /** Reads pages while the buffer has room and the group is behind; one page at a time, never nested. */
  readMore(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do this.readOnePage();
      while (this.takeReadAgain());
    } finally {
      this.reading = false;
    }
  }

  /** Whether another page was asked for while one was being read, clearing the request. */
  private takeReadAgain(): boolean {
    const again = this.readAgain;
    this.readAgain = false;
    return again;
  }

  private readOnePage(): void {
    const { status, settings, store, source } = this.parts;
    const buffer = this.parts.readyBuffer();
    if (buffer === undefined) return;
    if (status.has(GroupState.OutstandingPageRequest)) return;
    if (buffer.live()) {
      status.setLive();
      return;
    }
    if (!buffer.canAccept(settings.readBatchSize)) return;
    status.add(GroupState.OutstandingPageRequest);
    const outcome = readBatch(store, source, {
      from: this.nextEventToPullFrom,
      countToLoad: Math.max(settings.readBatchSize, 10),
      batchSize: settings.readBatchSize,
      maxWindowSize: settings.maxCheckPointCount,
      resolveLinks: settings.resolveLinkTos,
      skipFirstEvent: this.skipFirstEvent,
    });
    this.skipFirstEvent = false;
    if (outcome.kind === 'error') {
      this.handleReadError();
      return;
    }
    if (outcome.skipped !== undefined)
      this.parts.checkpoints.skipped(outcome.skipped.position, outcome.skipped.count);
    this.handleReadCompleted(outcome.events, outcome.next, outcome.isEndOfStream);
  }

  /** A page that cannot be read (e.g. the stream was tombstoned) faults the group and drops its consumers. */
  private handleReadError(): void {
    this.isFaulted = true;
    const { consumers } = this.parts;
    for (const consumer of consumers.all()) consumers.remove(consumer, true);
  }

  private handleReadCompleted(
    events: readonly ResolvedEvent[],
    next: SubscriptionPosition,
    isEndOfStream: boolean,
  ): void {
    const { status, source, statistics } = this.parts;
    const buffer = this.parts.readyBuffer();
    if (buffer === undefined) return;
    if (!status.has(GroupState.OutstandingPageRequest)) return;
    status.remove(GroupState.OutstandingPageRequest);
    if (buffer.live()) return;
    for (const resolved of events)
      buffer.addReadMessage(newEventMessage(resolved, positionIn(source, resolved)));
    const last = events.at(-1);
    if (last !== undefined) statistics.setLastKnownEventPosition(positionIn(source, last));
    if (buffer.live()) status.setLive();
    // Caught up: the group goes live without pushing; the next consumer, ack, tick or event pushes.
    if (isEndOfStream && buffer.tryMoveToLive()) {
      status.setLive();
      return;
    }
    this.nextEventToPullFrom = next;
    this.readMore();
    this.parts.dispatcher.push();
  }
}
