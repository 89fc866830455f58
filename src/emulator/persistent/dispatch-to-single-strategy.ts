import type { PushResult } from './consumer-strategy.js';
import type { OutstandingMessage } from './outstanding-message.js';
import { RoundRobinStrategy } from './round-robin-strategy.js';

/**
 * DispatchToSingle (DispatchToSinglePersistentSubscriptionConsumerStrategy.cs): the consumer at the front of
 * the queue takes messages until its slots are full; only then does it move to the back.
 */
export class DispatchToSingleStrategy extends RoundRobinStrategy {
  override readonly name: string = 'DispatchToSingle';

  override push(message: OutstandingMessage): PushResult {
    for (let tried = 0, count = this.consumers.length; tried < count; tried += 1) {
      const front = this.consumers[0];
      if (front === undefined) break;
      if (front.push(message)) return 'sent';
      this.consumers.push(front);
      this.consumers.shift();
    }
    return 'no-capacity';
  }
}
