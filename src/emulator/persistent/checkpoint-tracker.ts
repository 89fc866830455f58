import type { CheckpointWriter } from './checkpoint-writer.js';
import { positionIn, type EventSource } from './event-source.js';
import { checkPointAfterInterval, type GroupSettings } from './group-settings.js';
import type { GroupStatistics } from './group-statistics.js';
import { pushedMessage, type OutstandingMessage } from './outstanding-message.js';
import type { OutstandingMessageCache } from './outstanding-message-cache.js';
import type { StreamBuffer } from './stream-buffer.js';
import type { SubscriptionPosition } from './subscription-position.js';

/** `DateTime.MinValue` as milliseconds: the group has never checkpointed on time. */
const NEVER = -8.64e15;

/** What a checkpoint tracker reads from its group. */
export interface CheckpointTrackerParts {
  readonly source: EventSource;
  readonly settings: GroupSettings;
  readonly writer: CheckpointWriter;
  readonly statistics: GroupStatistics;
  readonly outstanding: OutstandingMessageCache;
  /** The group's buffer once the group is ready. */
  readonly readyBuffer: () => StreamBuffer | undefined;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** A checkpoint that may be written: the sequence number of the last done message and its position. */
interface Candidate {
  readonly sequenceNumber: number;
  readonly position: SubscriptionPosition;
}

/**
 * How far a group got (server: the sequence-number fields of PersistentSubscription.cs): every message leaving
 * the buffer for the first time gets the next sequence number, and a checkpoint records the position just
 * before the oldest message not yet done.
 */
export class CheckpointTracker {
  private lastCheckPointTime = NEVER;
  private nextSequenceNumber = 0;
  private lastCheckpointedSequenceNumber = -1;
  private lastKnownSequenceNumber = -1;
  private lastKnownMessage: SubscriptionPosition | undefined;

  constructor(private readonly parts: CheckpointTrackerParts) {}

  /** Resume after a loaded checkpoint: the event it names counts as message 0, done and checkpointed. */
  resumeFrom(checkpointed: SubscriptionPosition): void {
    this.nextSequenceNumber = 1;
    this.lastCheckpointedSequenceNumber = 0;
    this.lastKnownSequenceNumber = 0;
    this.lastKnownMessage = checkpointed;
    this.parts.statistics.setLastCheckpoint(checkpointed);
  }

  /** The message as it would be pushed now, numbered if it leaves the buffer for the first time. */
  numbered(message: OutstandingMessage): ReturnType<typeof pushedMessage> {
    return pushedMessage(message, this.nextSequenceNumber, this.lastKnownMessage);
  }

  /** A consumer took `message` (as `numbered` gave it): its number is used up and it may be the latest. */
  sent(message: OutstandingMessage, newSequenceNumber: boolean): void {
    if (newSequenceNumber) this.nextSequenceNumber += 1;
    const sequenceNumber = message.sequenceNumber;
    if (sequenceNumber !== undefined && sequenceNumber > this.lastKnownSequenceNumber) {
      this.lastKnownSequenceNumber = sequenceNumber;
      this.lastKnownMessage = positionIn(this.parts.source, message.resolved);
    }
  }

  /** Events a filter refused: the checkpoint may move past them (`HandleSkippedEvents`). */
  skipped(position: SubscriptionPosition, count: number): void {
    this.lastKnownMessage = position;
    this.nextSequenceNumber += count;
    this.lastKnownSequenceNumber = this.nextSequenceNumber - 1;
    this.tryMark(false);
  }

  /**
   * Writes a checkpoint just before the oldest message not yet done (`TryMarkCheckpoint`), once
   * `max_checkpoint_count` messages are done since the last one, or on a tick once `checkpoint_after` has
   * passed and at least `min_checkpoint_count` are done.
   */
  tryMark(isTimeCheck: boolean): void {
    const candidate = this.candidate();
    if (candidate === undefined) return;
    const { settings, now } = this.parts;
    const difference = candidate.sequenceNumber - this.lastCheckpointedSequenceNumber;
    const time = now();
    if (
      time - this.lastCheckPointTime < checkPointAfterInterval(settings) &&
      difference < settings.maxCheckPointCount
    ) {
      return;
    }
    if (
      (difference >= settings.minCheckPointCount && isTimeCheck) ||
      difference >= settings.maxCheckPointCount
    ) {
      this.lastCheckPointTime = time;
      this.lastCheckpointedSequenceNumber = candidate.sequenceNumber;
      this.parts.writer.write(candidate.position);
      this.parts.statistics.setLastCheckpoint(candidate.position);
    }
  }

  /** What a checkpoint would record now; none before the group is ready or has anything done. */
  private candidate(): Candidate | undefined {
    const buffer = this.parts.readyBuffer();
    if (buffer === undefined) return undefined;
    const lowest = lowestOf(buffer.lowestRetry(), this.parts.outstanding.lowest());
    let sequenceNumber: number;
    let position: SubscriptionPosition | undefined;
    if (lowest?.sequenceNumber !== undefined) {
      sequenceNumber = lowest.sequenceNumber - 1;
      position = lowest.previousPosition;
      // The first message is still out and there was no checkpoint before: nothing to record yet.
      if (position === undefined) return undefined;
    } else {
      sequenceNumber = this.lastKnownSequenceNumber;
      position = this.lastKnownMessage;
    }
    if (sequenceNumber === -1 || position === undefined) return undefined;
    return { sequenceNumber, position };
  }
}

/** The queued retry or the in-flight message with the lower sequence number; the in-flight one on a tie. */
function lowestOf(
  retry: OutstandingMessage | undefined,
  inFlight: OutstandingMessage | undefined,
): OutstandingMessage | undefined {
  return retry?.sequenceNumber !== undefined &&
    (inFlight?.sequenceNumber === undefined || retry.sequenceNumber < inFlight.sequenceNumber)
    ? retry
    : inFlight;
}
