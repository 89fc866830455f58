import type { Consumer } from './consumer.js';
import type { ConsumerStrategy, PushResult } from './consumer-strategy.js';
import type { OutstandingMessage } from './outstanding-message.js';

/**
 * RoundRobin (RoundRobinPersistentSubscriptionConsumerStrategy.cs): consumers queue up; each message goes to
 * the first one in the queue with a free slot, and every consumer tried moves to the back.
 */
export class RoundRobinStrategy implements ConsumerStrategy {
  readonly name: string = 'RoundRobin';
  protected readonly consumers: Consumer[] = [];

  clientAdded(consumer: Consumer): void {
    this.consumers.push(consumer);
  }

  clientRemoved(consumer: Consumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index < 0) throw new Error('Only added clients can be removed.');
    this.consumers.splice(index, 1);
  }

  push(message: OutstandingMessage): PushResult {
    for (let tried = 0, count = this.consumers.length; tried < count; tried += 1) {
      const consumer = this.consumers.shift();
      if (consumer === undefined) break;
      const sent = consumer.push(message);
      this.consumers.push(consumer);
      if (sent) return 'sent';
    }
    return 'no-capacity';
  }
}
