import type { Consumer } from './consumer.js';
import type { OutstandingMessage } from './outstanding-message.js';

/** What a strategy did with one message (ConsumerPushResult.cs). */
export type PushResult = 'sent' | 'skipped' | 'no-capacity';

/** Picks the consumer each message goes to (server: ConsumerStrategy/IPersistentSubscriptionConsumerStrategy.cs). */
export interface ConsumerStrategy {
  readonly name: string;
  clientAdded(consumer: Consumer): void;
  clientRemoved(consumer: Consumer): void;
  push(message: OutstandingMessage): PushResult;
}

/** The built-in strategy names (SystemNames.cs `SystemConsumerStrategies`, §3.14). */
const CONSUMER_STRATEGY_NAMES = ['RoundRobin', 'DispatchToSingle', 'Pinned', 'PinnedByCorrelation'] as const;

/** One of the built-in strategy names. */
export type ConsumerStrategyName = (typeof CONSUMER_STRATEGY_NAMES)[number];

/** Exact, case-sensitive names only (PersistentSubscriptionConsumerStrategyRegistry.ValidateStrategy). */
export function isConsumerStrategyName(name: string): name is ConsumerStrategyName {
  return (CONSUMER_STRATEGY_NAMES as readonly string[]).includes(name);
}
