import type { Consumer } from './consumer.js';
import type { ConsumerStrategy, PushResult } from './consumer-strategy.js';
import type { OutstandingMessage } from './outstanding-message.js';

/** A group's connected consumers and its strategy (server: PersistentSubscriptionClientCollection.cs). */
export class ConsumerCollection {
  private readonly consumers = new Map<number, Consumer>();

  constructor(private readonly strategy: ConsumerStrategy) {}

  get count(): number {
    return this.consumers.size;
  }

  all(): Consumer[] {
    return [...this.consumers.values()];
  }

  add(consumer: Consumer): void {
    this.consumers.set(consumer.id, consumer);
    this.strategy.clientAdded(consumer);
  }

  push(message: OutstandingMessage): PushResult {
    return this.strategy.push(message);
  }

  /** Takes a consumer out and returns the messages it still held; unknown consumers hold nothing. */
  remove(consumer: Consumer, sendDropNotification: boolean): OutstandingMessage[] {
    if (!this.consumers.delete(consumer.id)) return [];
    this.strategy.clientRemoved(consumer);
    if (sendDropNotification) consumer.sendDropNotification();
    return consumer.unconfirmedMessages();
  }

  /** Drops every consumer, telling each (`ShutdownAll`). */
  shutdownAll(): void {
    for (const consumer of this.all()) this.remove(consumer, true);
  }

  removeProcessingMessages(eventIds: readonly string[]): void {
    for (const consumer of this.consumers.values()) consumer.removeFromProcessing(eventIds);
  }
}
