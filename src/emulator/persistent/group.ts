import type { EventStore } from '../store/event-store.js';
import { loadCheckpoint } from './checkpoint-reader.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { Consumer } from './consumer.js';
import { ConsumerCollection } from './consumer-collection.js';
import type { ConsumerStrategy } from './consumer-strategy.js';
import {
  positionIn,
  positionFromText,
  readBatch,
  sourceName,
  sourceStart,
  type EventSource,
} from './event-source.js';
import { checkPointAfterInterval, type GroupSettings } from './group-settings.js';
import { GroupState } from './group-state.js';
import { GroupStatistics, type GroupInfo } from './group-statistics.js';
import { MessageParker } from './message-parker.js';
import { groupKey } from './names.js';
import {
  newEventMessage,
  parkedEventMessage,
  pushedMessage,
  retriedMessage,
  type OutstandingMessage,
} from './outstanding-message.js';
import { OutstandingMessageCache } from './outstanding-message-cache.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';
import { StreamBuffer } from './stream-buffer.js';
import {
  allPosition,
  comparePositions,
  isLivePosition,
  type SubscriptionPosition,
} from './subscription-position.js';

/** What a Nack asks for (ReadReq.Nack.Action; server: NakAction.cs). */
export type NackAction = 'unknown' | 'park' | 'retry' | 'skip' | 'stop';

/** What a group is made of (PersistentSubscriptionParams.cs), plus the emulator's clock and work queue. */
export interface GroupParameters {
  readonly store: EventStore;
  readonly source: EventSource;
  readonly groupName: string;
  readonly startFrom: SubscriptionPosition;
  readonly settings: GroupSettings;
  readonly strategy: ConsumerStrategy;
  /** Runs work after the piece of work in progress, the way write completions come back to the server's queue. */
  readonly defer: (work: () => void) => void;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** `DateTime.MinValue` as milliseconds: the group has never checkpointed on time. */
const NEVER = -8.64e15;

/**
 * The .NET text of the exception the server's group constructor throws when `read_batch_size` is not below
 * `history_buffer_size`; the service turns it into a `persistent-subscription-failed` reason.
 */
export const READ_BATCH_SIZE_TOO_LARGE =
  "Specified argument was out of the range of valid values. (Parameter 'ReadBatchSize may not be greater than or equal to BufferSize')";

/**
 * One subscription group (server: Services/PersistentSubscription/PersistentSubscription.cs, as in 24.10): it
 * reads its source into a buffer, pushes messages to consumers through its strategy, tracks them until they
 * are acknowledged, retries or parks them, and checkpoints how far everything before is done.
 */
export class PersistentSubscriptionGroup {
  readonly key: string;
  private state: number = GroupState.NotReady;
  private buffer: StreamBuffer | undefined;
  private nextEventToPullFrom: SubscriptionPosition;
  private skipFirstEvent = false;
  private lastCheckPointTime = NEVER;
  private nextSequenceNumber = 0;
  private lastCheckpointedSequenceNumber = -1;
  private lastKnownSequenceNumber = -1;
  private lastKnownMessage: SubscriptionPosition | undefined;
  private faulted = false;
  private reading = false;
  private readAgain = false;
  private readonly outstanding = new OutstandingMessageCache();
  private readonly consumers: ConsumerCollection;
  private readonly statistics = new GroupStatistics();
  private readonly checkpointWriter: CheckpointWriter;
  private readonly parker: MessageParker;

  constructor(private readonly parameters: GroupParameters) {
    const { settings, source, groupName, store } = parameters;
    if (settings.readBatchSize >= settings.historyBufferSize) throw new RangeError(READ_BATCH_SIZE_TOO_LARGE);
    this.key = groupKey(sourceName(source), groupName);
    this.nextEventToPullFrom = sourceStart(source);
    this.checkpointWriter = new CheckpointWriter(store, this.key);
    this.parker = new MessageParker(store, this.key);
    this.consumers = new ConsumerCollection(parameters.strategy);
    this.onCheckpointLoaded(loadCheckpoint(store, this.key));
  }

  get source(): EventSource {
    return this.parameters.source;
  }

  get groupName(): string {
    return this.parameters.groupName;
  }

  get settings(): GroupSettings {
    return this.parameters.settings;
  }

  get startFrom(): SubscriptionPosition {
    return this.parameters.startFrom;
  }

  /** `max_subscriber_count` consumers are connected already; 0 means no limit. */
  get hasReachedMaxClientCount(): boolean {
    const max = this.settings.maxSubscriberCount;
    return max !== 0 && this.consumers.count >= max;
  }

  /**
   * A newly committed event of the source (`NotifyLiveSubscriptionMessage`): events before the start position
   * are ignored, events a `$all` filter refuses only move the checkpoint position along.
   */
  notifyLive(resolved: ResolvedEvent): void {
    const buffer = this.readyBuffer();
    if (buffer === undefined) return;
    const position = positionIn(this.source, resolved);
    if (comparePositions(position, this.startFrom) < 0) return;
    const filter = this.source.kind === 'all' ? this.source.filter : undefined;
    if (filter !== undefined) {
      // The server filters the resolved event, which a link that failed to resolve does not have.
      if (resolved.event === undefined) return;
      if (!filter.allows(resolved.event)) {
        const original = originalOf(resolved);
        this.handleSkippedEvents(allPosition(original.position, original.position), 1);
        return;
      }
    }
    this.statistics.setLastKnownEventPosition(position);
    const wasLive = buffer.live();
    buffer.addLiveMessage(newEventMessage(resolved, position));
    if (!buffer.live()) {
      this.setBehind();
      if (wasLive) this.nextEventToPullFrom = position;
    }
    this.pushToConsumers();
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
    if (this.faulted) {
      this.consumers.remove(consumer, true);
      return;
    }
    this.pushToConsumers();
  }

  /** A consumer left: whatever it held is retried (`RemoveClientByCorrelationId`). */
  removeConsumer(consumer: Consumer, sendDropNotification: boolean): void {
    const lost = this.consumers.remove(consumer, sendDropNotification);
    for (const message of byOriginalEventNumber(lost)) this.retryMessage(message);
    this.pushToConsumers();
  }

  /** Drops every consumer: the group was updated, deleted or the subsystem restarted. */
  shutdown(): void {
    this.consumers.shutdownAll();
  }

  acknowledge(eventIds: readonly string[]): void {
    this.removeProcessingMessages(eventIds);
    this.tryMarkCheckpoint(false);
    this.tryReadingNewBatch();
    this.pushToConsumers();
  }

  /** What each Nack action does (§3.14 step 5); every nacked id then leaves the in-flight set. */
  notAcknowledge(eventIds: readonly string[], action: NackAction, reason: string): void {
    for (const eventId of eventIds) this.handleNackedMessage(action, eventId, reason);
    this.removeProcessingMessages(eventIds);
    this.tryMarkCheckpoint(false);
    this.tryReadingNewBatch();
    this.pushToConsumers();
  }

  /**
   * The once-a-second tick (`NotifyClockTick`): timed-out messages are retried or parked, pushing resumes and a
   * time-based checkpoint may be written. (A precedence slip in the 24.10 server keeps the tick from resuming
   * reads of a group that fell behind; acknowledgements do that.)
   */
  tick(now: number): void {
    if (this.state === GroupState.NotReady) return;
    for (const message of this.outstanding.takeExpired(now)) {
      if (!this.actionTakenForRetriedMessage(message)) this.retryMessage(message);
    }
    this.pushToConsumers();
    this.tryMarkCheckpoint(true);
  }

  /**
   * Replays parked messages (`RetryParkedMessages`): links before `stopAt` (or all) are resolved and queued as
   * retries with retry count 0, then the parked stream's `$tb` moves past them. Ignored while a replay runs.
   */
  replayParkedMessages(stopAt: bigint | undefined): void {
    if (this.state === GroupState.NotReady) return;
    if ((this.state & GroupState.ReplayingParkedMessages) !== 0) return;
    this.state |= GroupState.ReplayingParkedMessages;
    const end = this.parker.endSequence();
    // A tombstoned parked stream: the 24.10 server's read never answers, so the replay never finishes.
    if (end === 'deleted') return;
    if (end === undefined) {
      this.state &= ~GroupState.ReplayingParkedMessages;
      return;
    }
    const stopRead = stopAt !== undefined && stopAt < end + 1n ? stopAt : end + 1n;
    this.readParkedMessages(0n, stopRead);
  }

  /** Deleting the group also soft-deletes its checkpoint and parked streams. */
  deleteStreams(): void {
    this.checkpointWriter.delete();
    this.parker.delete();
  }

  statisticsSample(): GroupInfo {
    return this.statistics.sample({
      eventSourceName: sourceName(this.source),
      groupName: this.groupName,
      state: this.state,
      settings: this.settings,
      startFrom: this.startFrom,
      strategyName: this.parameters.strategy.name,
      outstandingMessagesCount: this.outstanding.count,
      parkedMessageCount: this.parker.parkedMessageCount,
      consumers: () => this.consumers.all(),
      bufferCounts: () => {
        const buffer = this.readyBuffer();
        return buffer === undefined
          ? undefined
          : { read: buffer.readBufferCount, retry: buffer.retryBufferCount, live: buffer.liveBufferCount };
      },
    });
  }

  private onCheckpointLoaded(checkpoint: string | undefined): void {
    const { source, settings, startFrom } = this.parameters;
    this.state = GroupState.Behind;
    const checkpointed = checkpoint === undefined ? undefined : positionFromText(source, checkpoint);
    // .NET's Queue rejects a negative capacity, so such a group never gets its buffer and never delivers.
    if (settings.liveBufferSize < 0) return;
    if (checkpointed === undefined) {
      const live = isLivePosition(startFrom);
      this.nextEventToPullFrom = live ? sourceStart(source) : startFrom;
      this.buffer = new StreamBuffer(settings.historyBufferSize, settings.liveBufferSize, undefined, !live);
      this.tryReadingNewBatch();
      return;
    }
    // Resume after the checkpoint: the event it names is done (at-least-once, §3.14 step 7).
    this.nextEventToPullFrom = checkpointed;
    this.skipFirstEvent = true;
    this.nextSequenceNumber = 1;
    this.lastCheckpointedSequenceNumber = 0;
    this.lastKnownSequenceNumber = 0;
    this.lastKnownMessage = checkpointed;
    this.statistics.setLastCheckpoint(checkpointed);
    this.buffer = new StreamBuffer(settings.historyBufferSize, settings.liveBufferSize, checkpointed, true);
    this.parker.loadStats();
    this.tryReadingNewBatch();
  }

  private readyBuffer(): StreamBuffer | undefined {
    return this.state === GroupState.NotReady ? undefined : this.buffer;
  }

  /** Reads pages while the buffer has room and the group is behind; one page at a time, never nested. */
  private tryReadingNewBatch(): void {
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
    const buffer = this.readyBuffer();
    if (buffer === undefined) return;
    if ((this.state & GroupState.OutstandingPageRequest) !== 0) return;
    if (buffer.live()) {
      this.setLive();
      return;
    }
    const { settings } = this.parameters;
    if (!buffer.canAccept(settings.readBatchSize)) return;
    this.state |= GroupState.OutstandingPageRequest;
    const outcome = readBatch(this.parameters.store, this.source, {
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
      this.handleSkippedEvents(outcome.skipped.position, outcome.skipped.count);
    this.handleReadCompleted(outcome.events, outcome.next, outcome.isEndOfStream);
  }

  /** A page that cannot be read (e.g. the stream was tombstoned) faults the group and drops its consumers. */
  private handleReadError(): void {
    this.faulted = true;
    for (const consumer of this.consumers.all()) this.consumers.remove(consumer, true);
  }

  private handleReadCompleted(
    events: readonly ResolvedEvent[],
    next: SubscriptionPosition,
    isEndOfStream: boolean,
  ): void {
    const buffer = this.readyBuffer();
    if (buffer === undefined) return;
    if ((this.state & GroupState.OutstandingPageRequest) === 0) return;
    this.state &= ~GroupState.OutstandingPageRequest;
    if (buffer.live()) return;
    for (const resolved of events)
      buffer.addReadMessage(newEventMessage(resolved, positionIn(this.source, resolved)));
    const last = events.at(-1);
    if (last !== undefined) this.statistics.setLastKnownEventPosition(positionIn(this.source, last));
    if (buffer.live()) this.setLive();
    // Caught up: the group goes live without pushing; the next consumer, ack, tick or event pushes.
    if (isEndOfStream && buffer.tryMoveToLive()) {
      this.setLive();
      return;
    }
    this.nextEventToPullFrom = next;
    this.tryReadingNewBatch();
    this.pushToConsumers();
  }

  private setLive(): void {
    this.state = (this.state & ~GroupState.Behind) | GroupState.Live;
  }

  private setBehind(): void {
    this.state = (this.state | GroupState.Behind) & ~GroupState.Live;
  }

  /**
   * Hands buffered messages, retries first, to consumers (`TryPushingMessagesToClients`). A message the
   * strategy skips (its pinned consumer is full) stays where it is; the first refusal for lack of capacity ends
   * the round.
   */
  private pushToConsumers(): void {
    const buffer = this.readyBuffer();
    if (buffer === undefined) return;
    for (const pointer of buffer.scan()) {
      const { message, newSequenceNumber } = pushedMessage(
        pointer.message,
        this.nextSequenceNumber,
        this.lastKnownMessage,
      );
      const result = this.consumers.push(message);
      if (result === 'no-capacity') return;
      if (result === 'skipped') continue;
      pointer.markSent();
      if (newSequenceNumber) this.nextSequenceNumber += 1;
      this.markBeginProcessing(message);
    }
  }

  private markBeginProcessing(message: OutstandingMessage): void {
    this.statistics.incrementProcessed();
    const sequenceNumber = message.sequenceNumber;
    if (sequenceNumber !== undefined && sequenceNumber > this.lastKnownSequenceNumber) {
      this.lastKnownSequenceNumber = sequenceNumber;
      this.lastKnownMessage = positionIn(this.source, message.resolved);
    }
    this.outstanding.start(message, this.parameters.now() + this.settings.messageTimeoutMs);
  }

  /** Events a filter refused: the checkpoint may move past them (`HandleSkippedEvents`). */
  private handleSkippedEvents(position: SubscriptionPosition, count: number): void {
    this.lastKnownMessage = position;
    this.nextSequenceNumber += count;
    this.lastKnownSequenceNumber = this.nextSequenceNumber - 1;
    this.tryMarkCheckpoint(false);
  }

  /**
   * Writes a checkpoint just before the oldest message not yet done (`TryMarkCheckpoint`), once
   * `max_checkpoint_count` messages are done since the last one, or on a tick once `checkpoint_after` has
   * passed and at least `min_checkpoint_count` are done.
   */
  private tryMarkCheckpoint(isTimeCheck: boolean): void {
    if (this.readyBuffer() === undefined) return;
    const inFlight = this.outstanding.lowest();
    const retry = this.buffer?.lowestRetry();
    const lowest =
      retry?.sequenceNumber !== undefined &&
      (inFlight?.sequenceNumber === undefined || retry.sequenceNumber < inFlight.sequenceNumber)
        ? retry
        : inFlight;
    let sequenceNumber: number;
    let position: SubscriptionPosition | undefined;
    if (lowest?.sequenceNumber !== undefined) {
      sequenceNumber = lowest.sequenceNumber - 1;
      position = lowest.previousPosition;
      // The first message is still out and there was no checkpoint before: nothing to record yet.
      if (position === undefined) return;
    } else {
      sequenceNumber = this.lastKnownSequenceNumber;
      position = this.lastKnownMessage;
    }
    if (sequenceNumber === -1 || position === undefined) return;
    const { settings } = this.parameters;
    const difference = sequenceNumber - this.lastCheckpointedSequenceNumber;
    const now = this.parameters.now();
    if (
      now - this.lastCheckPointTime < checkPointAfterInterval(settings) &&
      difference < settings.maxCheckPointCount
    ) {
      return;
    }
    if (
      (difference >= settings.minCheckPointCount && isTimeCheck) ||
      difference >= settings.maxCheckPointCount
    ) {
      this.lastCheckPointTime = now;
      this.lastCheckpointedSequenceNumber = sequenceNumber;
      this.checkpointWriter.write(position);
      this.statistics.setLastCheckpoint(position);
    }
  }

  private handleNackedMessage(action: NackAction, eventId: string, reason: string): void {
    switch (action) {
      case 'retry':
      case 'unknown': {
        const message = this.outstanding.get(eventId);
        if (message !== undefined && !this.actionTakenForRetriedMessage(message)) this.retryMessage(message);
        return;
      }
      case 'park': {
        const message = this.outstanding.get(eventId);
        if (message !== undefined)
          this.parkMessage(message.resolved, `Client explicitly NAK'ed message.\n${reason}`);
        return;
      }
      case 'stop':
        // The server's StopSubscription is an empty TODO.
        return;
      case 'skip':
        this.outstanding.remove(eventId);
        return;
    }
  }

  /**
   * Parks a message in the parked stream; a failed write is tried five more times. Like the server's write
   * completion, the message leaves the in-flight set only after the work in progress.
   */
  private parkMessage(resolved: ResolvedEvent, reason: string, attempt = 0): void {
    const written = this.parker.park(resolved, reason);
    this.parameters.defer(() => {
      if (!written && attempt < 5) {
        this.parkMessage(resolved, reason, attempt + 1);
        return;
      }
      const eventId = originalOf(resolved).eventId;
      this.outstanding.remove(eventId);
      this.consumers.removeProcessingMessages([eventId]);
      this.pushToConsumers();
    });
  }

  /** Parks a message that has been retried `max_retry_count` times already; false if it may be retried. */
  private actionTakenForRetriedMessage(message: OutstandingMessage): boolean {
    const { maxRetryCount } = this.settings;
    if (message.retryCount < maxRetryCount) return false;
    this.parkMessage(message.resolved, `Reached retry count of ${maxRetryCount}`);
    return true;
  }

  /** Takes a message back from its consumer and queues it again with its retry count raised. */
  private retryMessage(message: OutstandingMessage): void {
    const buffer = this.readyBuffer();
    if (buffer === undefined) return;
    this.outstanding.remove(message.eventId);
    this.consumers.removeProcessingMessages([message.eventId]);
    buffer.addRetry(retriedMessage(message));
  }

  private removeProcessingMessages(eventIds: readonly string[]): void {
    this.consumers.removeProcessingMessages(eventIds);
    for (const eventId of eventIds) this.outstanding.remove(eventId);
  }

  /** Reads the parked stream page by page up to `stopAt` (`TryReadingParkedMessagesFrom`). */
  private readParkedMessages(from: bigint, stopAt: bigint): void {
    let position = from;
    while ((this.state & GroupState.ReplayingParkedMessages) !== 0) {
      // The server insists on a positive count and otherwise throws, leaving the replay flag set.
      if (stopAt - position <= 0n) return;
      const remaining = stopAt + 1n - position;
      const batch = BigInt(this.settings.readBatchSize);
      const count = Number(remaining < batch ? remaining : batch);
      if (count <= 0) return;
      const page = this.parker.readPage(position, count);
      if (page.kind === 'deleted') return;
      const events = page.kind === 'success' ? page.events : [];
      const next = page.kind === 'success' ? page.nextEventNumber : 0n;
      const isEnd = page.kind === 'success' ? page.isEndOfStream : true;
      const buffer = this.readyBuffer();
      if (buffer === undefined) return;
      for (const resolved of events) {
        if (originalOf(resolved).eventNumber === stopAt) break;
        if (resolved.event === undefined) continue;
        buffer.addRetry(parkedEventMessage(resolved));
      }
      this.pushToConsumers();
      if (isEnd || stopAt <= next) {
        const replayedEnd = next === -1n ? stopAt : stopAt < next ? stopAt : next;
        this.parker.markReplayedBefore(replayedEnd);
        this.state &= ~GroupState.ReplayingParkedMessages;
        return;
      }
      position = next;
    }
  }
}

/** The messages a leaving consumer held, in the order the server retries them (stable, by event number). */
function byOriginalEventNumber(messages: readonly OutstandingMessage[]): OutstandingMessage[] {
  return [...messages].sort((a, b) => {
    const left = originalOf(a.resolved).eventNumber;
    const right = originalOf(b.resolved).eventNumber;
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
