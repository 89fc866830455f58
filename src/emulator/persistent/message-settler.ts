import type { ConsumerCollection } from './consumer-collection.js';
import type { GroupSettings } from './group-settings.js';
import type { MessageDispatcher } from './message-dispatcher.js';
import type { MessageParker } from './message-parker.js';
import { retriedMessage, type OutstandingMessage } from './outstanding-message.js';
import type { OutstandingMessageCache } from './outstanding-message-cache.js';
import { originalOf, type ResolvedEvent } from './resolved-event.js';
import type { StreamBuffer } from './stream-buffer.js';

/** What a Nack asks for (ReadReq.Nack.Action; server: NakAction.cs). */
export type NackAction = 'unknown' | 'park' | 'retry' | 'skip' | 'stop';

/** What a settler reads from its group. */
export interface MessageSettlerParts {
  readonly settings: GroupSettings;
  readonly consumers: ConsumerCollection;
  readonly outstanding: OutstandingMessageCache;
  readonly parker: MessageParker;
  readonly dispatcher: MessageDispatcher;
  /** The group's buffer once the group is ready. */
  readonly readyBuffer: () => StreamBuffer | undefined;
  /** Runs work after the piece of work in progress, the way write completions come back to the server's queue. */
  readonly defer: (work: () => void) => void;
}

/**
 * Ends a handed-out message's time in flight (server: the ack, nak, timeout and park paths of
 * PersistentSubscription.cs): it is done, queued again with its retry count raised, parked, or dropped.
 */
export class MessageSettler {
  constructor(private readonly parts: MessageSettlerParts) {}

  /** The messages are done (or nacked): no consumer holds them and they leave the in-flight set. */
  finish(eventIds: readonly string[]): void {
    this.parts.consumers.removeProcessingMessages(eventIds);
    for (const eventId of eventIds) this.parts.outstanding.remove(eventId);
  }

  /** What one Nack action does to one message (§3.14 step 5). */
  nacked(action: NackAction, eventId: string, reason: string): void {
    switch (action) {
      case 'retry':
      case 'unknown': {
        const message = this.parts.outstanding.get(eventId);
        if (message !== undefined) this.retryOrPark(message);
        return;
      }
      case 'park': {
        const message = this.parts.outstanding.get(eventId);
        if (message !== undefined)
          this.park(message.resolved, `Client explicitly NAK'ed message.\n${reason}`);
        return;
      }
      case 'stop':
        // The server's StopSubscription is an empty TODO.
        return;
      case 'skip':
        this.parts.outstanding.remove(eventId);
        return;
    }
  }

  /** A message timed out or was nacked for a retry: parked once retried too often, otherwise retried. */
  retryOrPark(message: OutstandingMessage): void {
    if (!this.parkIfRetriedTooOften(message)) this.retry(message);
  }

  /** A consumer left holding `messages`: each is retried, in the server's order. */
  consumerLeft(messages: readonly OutstandingMessage[]): void {
    for (const message of byOriginalEventNumber(messages)) this.retry(message);
  }

  /** Parks a message that has been retried `max_retry_count` times already; false if it may be retried. */
  private parkIfRetriedTooOften(message: OutstandingMessage): boolean {
    const { maxRetryCount } = this.parts.settings;
    if (message.retryCount < maxRetryCount) return false;
    this.park(message.resolved, `Reached retry count of ${maxRetryCount}`);
    return true;
  }

  /** Takes a message back from its consumer and queues it again with its retry count raised. */
  private retry(message: OutstandingMessage): void {
    const buffer = this.parts.readyBuffer();
    if (buffer === undefined) return;
    this.parts.outstanding.remove(message.eventId);
    this.parts.consumers.removeProcessingMessages([message.eventId]);
    buffer.addRetry(retriedMessage(message));
  }

  /**
   * Parks a message in the parked stream; a failed write is tried five more times. Like the server's write
   * completion, the message leaves the in-flight set only after the work in progress.
   */
  private park(resolved: ResolvedEvent, reason: string, attempt = 0): void {
    const written = this.parts.parker.park(resolved, reason);
    this.parts.defer(() => {
      if (!written && attempt < 5) {
        this.park(resolved, reason, attempt + 1);
        return;
      }
      const eventId = originalOf(resolved).eventId;
      this.parts.outstanding.remove(eventId);
      this.parts.consumers.removeProcessingMessages([eventId]);
      this.parts.dispatcher.push();
    });
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
