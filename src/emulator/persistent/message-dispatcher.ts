import type { CheckpointTracker } from './checkpoint-tracker.js';
import type { ConsumerCollection } from './consumer-collection.js';
import type { GroupStatistics } from './group-statistics.js';
import type { OutstandingMessage } from './outstanding-message.js';
import type { OutstandingMessageCache } from './outstanding-message-cache.js';
import type { StreamBuffer } from './stream-buffer.js';

/** What a dispatcher reads from its group. */
export interface MessageDispatcherParts {
  readonly consumers: ConsumerCollection;
  readonly outstanding: OutstandingMessageCache;
  readonly checkpoints: CheckpointTracker;
  readonly statistics: GroupStatistics;
  /** The group's buffer once the group is ready. */
  readonly readyBuffer: () => StreamBuffer | undefined;
  /** When a message handed out now times out, in milliseconds since the epoch. */
  readonly deadline: () => number;
}

/** Hands a group's buffered messages to its consumers and starts tracking them until they are done. */
export class MessageDispatcher {
  constructor(private readonly parts: MessageDispatcherParts) {}

  /**
   * Hands buffered messages, retries first, to consumers (`TryPushingMessagesToClients`). A message the
   * strategy skips (its pinned consumer is full) stays where it is; the first refusal for lack of capacity ends
   * the round.
   */
  push(): void {
    const buffer = this.parts.readyBuffer();
    if (buffer === undefined) return;
    const { consumers, checkpoints } = this.parts;
    for (const pointer of buffer.scan()) {
      const { message, newSequenceNumber } = checkpoints.numbered(pointer.message);
      const result = consumers.push(message);
      if (result === 'no-capacity') return;
      if (result === 'skipped') continue;
      pointer.markSent();
      this.markBeginProcessing(message, newSequenceNumber);
    }
  }

  private markBeginProcessing(message: OutstandingMessage, newSequenceNumber: boolean): void {
    this.parts.statistics.incrementProcessed();
    this.parts.checkpoints.sent(message, newSequenceNumber);
    this.parts.outstanding.start(message, this.parts.deadline());
  }
}
