import { originalOf, type ResolvedEvent } from './resolved-event.js';
import type { SubscriptionPosition } from './subscription-position.js';

/**
 * A message on its way to, or in the hands of, a consumer (server: OutstandingMessage.cs). It is known by the
 * id of the original record, which is the id clients acknowledge (§3.14 step 4).
 */
export interface OutstandingMessage {
  readonly resolved: ResolvedEvent;
  readonly retryCount: number;
  /** Lower-case id of the original record: the link's when there is one. */
  readonly eventId: string;
  /** A parked message being replayed: it has no sequence number and never holds back checkpoints. */
  readonly isReplayed: boolean;
  /** Given when the message first leaves the buffer; checkpoints follow these numbers. */
  readonly sequenceNumber: number | undefined;
  /** Where the message sits in the source; none for replayed parked messages. */
  readonly position: SubscriptionPosition | undefined;
  /** The position of the message handed out before it: what a checkpoint records while it is unacknowledged. */
  readonly previousPosition: SubscriptionPosition | undefined;
}

/** An event read from the source or received live, not yet handed out (`ForNewEvent`). */
export function newEventMessage(resolved: ResolvedEvent, position: SubscriptionPosition): OutstandingMessage {
  return {
    resolved,
    retryCount: 0,
    eventId: originalOf(resolved).eventId,
    isReplayed: false,
    sequenceNumber: undefined,
    position,
    previousPosition: undefined,
  };
}

/** A parked message being replayed (`ForParkedEvent`): retry count 0, no position. */
export function parkedEventMessage(resolved: ResolvedEvent): OutstandingMessage {
  return {
    resolved,
    retryCount: 0,
    eventId: originalOf(resolved).eventId,
    isReplayed: true,
    sequenceNumber: undefined,
    position: undefined,
    previousPosition: undefined,
  };
}

/**
 * The message as it is pushed (`ForPushedEvent`): a message leaving the buffer for the first time gets the next
 * sequence number and remembers the position handed out before it; retried and replayed messages keep theirs.
 */
export function pushedMessage(
  message: OutstandingMessage,
  nextSequenceNumber: number,
  previousPosition: SubscriptionPosition | undefined,
): { readonly message: OutstandingMessage; readonly newSequenceNumber: boolean } {
  if (message.isReplayed || message.sequenceNumber !== undefined)
    return { message, newSequenceNumber: false };
  return {
    message: { ...message, sequenceNumber: nextSequenceNumber, previousPosition },
    newSequenceNumber: true,
  };
}

/** The same message queued for another attempt (`ForRetriedEvent`). */
export function retriedMessage(message: OutstandingMessage): OutstandingMessage {
  return { ...message, retryCount: message.retryCount + 1 };
}
