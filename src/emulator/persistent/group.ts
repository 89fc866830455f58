import type { EventStore } from '../store/event-store.js';
import { loadCheckpoint } from './checkpoint-reader.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { Consumer } from './consumer.js';
import { ConsumerCollection } from './consumer-collection.js';
import type { ConsumerStrategy } from './consumer-strategy.js';
import { positionIn, positionFromText, sourceName, sourceStart, type EventSource } from './event-source.js';
import type { GroupSettings } from './group-settings.js';
import { GroupStatus } from './group-state.js';
import { GroupStatistics, type GroupInfo } from './group-statistics.js';
import { HistoryReader } from './history-reader.js';
import { MessageDispatcher } from './message-dispatcher.js';
import { MessageParker } from './message-parker.js';
import { MessageSettler, type NackAction } from './message-settler.js';
import { groupKey } from './names.js';
import { newEventMessage } from './outstanding-message.js';
import { OutstandingMessageCache } from './outstanding-message-cache.js';
import { ParkedReplay } from './parked-replay.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';
import { StreamBuffer } from './stream-buffer.js';
import {
  allPosition,
  comparePositions,
  isLivePosition,
  type SubscriptionPosition,
} from './subscription-position.js';

/** What defines a group: what Create and Update carry and the configuration stream keeps. */
export interface GroupDefinition {
  readonly source: EventSource;
  readonly groupName: string;
  readonly startFrom: SubscriptionPosition;
  readonly settings: GroupSettings;
}

/** What every group of one subsystem shares: its store, its work queue and its clock. */
export interface GroupRuntime {
  readonly store: EventStore;
  /** Runs work after the piece of work in progress, the way write completions come back to the server's queue. */
  readonly defer: (work: () => void) => void;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** What a group is made of (PersistentSubscriptionParams.cs), plus the emulator's clock and work queue. */
export interface GroupParameters extends GroupDefinition, GroupRuntime {
  readonly strategy: ConsumerStrategy;
}

/**
 * The .NET text of the exception the server's group constructor throws when `read_batch_size` is not below
 * `history_buffer_size`; the service turns it into a `persistent-subscription-failed` reason.
 */
const READ_BATCH_SIZE_TOO_LARGE =
  "Specified argument was out of the range of valid values. (Parameter 'ReadBatchSize may not be greater than or equal to BufferSize')";

/**
 * One subscription group (server: Services/PersistentSubscription/PersistentSubscription.cs, as in 24.10): it
 * reads its source into a buffer, pushes messages to consumers through its strategy, tracks them until they
 * are acknowledged, retries or parks them, and checkpoints how far everything before is done. The group owns
 * the shared state and answers the outside world; each of those jobs is done by one collaborator.
 */
export class PersistentSubscriptionGroup {
  readonly key: string;
  private readonly status = new GroupStatus();
  private buffer: StreamBuffer | undefined;
  private readonly outstanding = new OutstandingMessageCache();
  private readonly consumers: ConsumerCollection;
  private readonly statistics = new GroupStatistics();
  private readonly checkpointWriter: CheckpointWriter;
  private readonly parker: MessageParker;
  private readonly checkpoints: CheckpointTracker;
  private readonly dispatcher: MessageDispatcher;
  private readonly settler: MessageSettler;
  private readonly reader: HistoryReader;
  private readonly replay: ParkedReplay;

  constructor(private readonly parameters: GroupParameters) {
    const { settings, source, groupName, store, now } = parameters;
    if (settings.readBatchSize >= settings.historyBufferSize) throw new RangeError(READ_BATCH_SIZE_TOO_LARGE);
    this.key = groupKey(sourceName(source), groupName);
    this.checkpointWriter = new CheckpointWriter(store, this.key);
    this.parker = new MessageParker(store, this.key);
    this.consumers = new ConsumerCollection(parameters.strategy);
    // What the collaborators share; each takes the part it needs.
    const shared = {
      ...parameters,
      status: this.status,
      outstanding: this.outstanding,
      consumers: this.consumers,
      statistics: this.statistics,
      parker: this.parker,
      writer: this.checkpointWriter,
      readyBuffer: (): StreamBuffer | undefined => this.readyBuffer(),
      deadline: (): number => now() + settings.messageTimeoutMs,
    };
    this.checkpoints = new CheckpointTracker(shared);
    const withCheckpoints = { ...shared, checkpoints: this.checkpoints };
    this.dispatcher = new MessageDispatcher(withCheckpoints);
    const withDispatcher = { ...withCheckpoints, dispatcher: this.dispatcher };
    this.settler = new MessageSettler(withDispatcher);
    this.reader = new HistoryReader(withDispatcher);
    this.replay = new ParkedReplay(withDispatcher);
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
        this.checkpoints.skipped(allPosition(original.position, original.position), 1);
        return;
      }
    }
    this.statistics.setLastKnownEventPosition(position);
    const wasLive = buffer.live();
    buffer.addLiveMessage(newEventMessage(resolved, position));
    if (!buffer.live()) {
      this.status.setBehind();
      if (wasLive) this.reader.fellBehindAt(position);
    }
    this.dispatcher.push();
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
    if (this.reader.faulted) {
      this.consumers.remove(consumer, true);
      return;
    }
    this.dispatcher.push();
  }

  /** A consumer left: whatever it held is retried (`RemoveClientByCorrelationId`). */
  removeConsumer(consumer: Consumer, sendDropNotification: boolean): void {
    this.settler.consumerLeft(this.consumers.remove(consumer, sendDropNotification));
    this.dispatcher.push();
  }

  /** Drops every consumer: the group was updated, deleted or the subsystem restarted. */
  shutdown(): void {
    this.consumers.shutdownAll();
  }

  acknowledge(eventIds: readonly string[]): void {
    this.settler.finish(eventIds);
    this.afterSettling();
  }

  /** What each Nack action does (§3.14 step 5); every nacked id then leaves the in-flight set. */
  notAcknowledge(eventIds: readonly string[], action: NackAction, reason: string): void {
    for (const eventId of eventIds) this.settler.nacked(action, eventId, reason);
    this.settler.finish(eventIds);
    this.afterSettling();
  }

  /**
   * The once-a-second tick (`NotifyClockTick`): timed-out messages are retried or parked, pushing resumes and a
   * time-based checkpoint may be written. (A precedence slip in the 24.10 server keeps the tick from resuming
   * reads of a group that fell behind; acknowledgements do that.)
   */
  tick(now: number): void {
    if (!this.status.isReady) return;
    for (const message of this.outstanding.takeExpired(now)) this.settler.retryOrPark(message);
    this.dispatcher.push();
    this.checkpoints.tryMark(true);
  }

  /**
   * Replays parked messages (`RetryParkedMessages`): links before `stopAt` (or all) are resolved and queued as
   * retries with retry count 0, then the parked stream's `$tb` moves past them. Ignored while a replay runs.
   */
  replayParkedMessages(stopAt: bigint | undefined): void {
    this.replay.start(stopAt);
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
      state: this.status.value,
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
    this.status.setBehind();
    const checkpointed = checkpoint === undefined ? undefined : positionFromText(source, checkpoint);
    // .NET's Queue rejects a negative capacity, so such a group never gets its buffer and never delivers.
    if (settings.liveBufferSize < 0) return;
    if (checkpointed === undefined) {
      const live = isLivePosition(startFrom);
      this.reader.startAt(live ? sourceStart(source) : startFrom, false);
      this.buffer = new StreamBuffer(settings.historyBufferSize, settings.liveBufferSize, undefined, !live);
      this.reader.readMore();
      return;
    }
    // Resume after the checkpoint: the event it names is done (at-least-once, §3.14 step 7).
    this.reader.startAt(checkpointed, true);
    this.checkpoints.resumeFrom(checkpointed);
    this.buffer = new StreamBuffer(settings.historyBufferSize, settings.liveBufferSize, checkpointed, true);
    this.parker.loadStats();
    this.reader.readMore();
  }

  /** Ready once the checkpoint is loaded; a group whose live buffer size .NET refused never has a buffer. */
  private readyBuffer(): StreamBuffer | undefined {
    return this.status.isReady ? this.buffer : undefined;
  }

  /** What follows an ack or nack: a checkpoint may be due, reading may resume, and pushing resumes. */
  private afterSettling(): void {
    this.checkpoints.tryMark(false);
    this.reader.readMore();
    this.dispatcher.push();
  }
}
