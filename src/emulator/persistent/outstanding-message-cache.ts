import type { OutstandingMessage } from './outstanding-message.js';

interface Entry {
  readonly message: OutstandingMessage;
  /** Milliseconds since the epoch at which the message times out. */
  readonly expires: number;
  /** Breaks ties between equal expiry times in the order messages were started. */
  readonly order: number;
}

/**
 * The group's in-flight messages with their deadlines (server: OutstandingMessageCache.cs), keyed by the id
 * clients acknowledge.
 */
export class OutstandingMessageCache {
  private readonly entries = new Map<string, Entry>();
  private started = 0;

  get count(): number {
    return this.entries.size;
  }

  /** Starts tracking `message`; false when a message with the same id is already in flight. */
  start(message: OutstandingMessage, expires: number): boolean {
    if (this.entries.has(message.eventId)) return false;
    this.entries.set(message.eventId, { message, expires, order: this.started++ });
    return true;
  }

  remove(eventId: string): void {
    this.entries.delete(eventId);
  }

  get(eventId: string): OutstandingMessage | undefined {
    return this.entries.get(eventId)?.message;
  }

  /** Takes out every message whose deadline is at or before `now`, earliest first. */
  takeExpired(now: number): OutstandingMessage[] {
    const expired = [...this.entries.values()]
      .filter((entry) => entry.expires <= now)
      .sort((a, b) => a.expires - b.expires || a.order - b.order);
    for (const entry of expired) this.entries.delete(entry.message.eventId);
    return expired.map((entry) => entry.message);
  }

  /** The in-flight message with the lowest sequence number, replayed parked messages aside. */
  lowest(): OutstandingMessage | undefined {
    let lowest: OutstandingMessage | undefined;
    for (const { message } of this.entries.values()) {
      if (message.isReplayed || message.sequenceNumber === undefined) continue;
      if (lowest?.sequenceNumber === undefined || message.sequenceNumber < lowest.sequenceNumber)
        lowest = message;
    }
    return lowest;
  }
}
