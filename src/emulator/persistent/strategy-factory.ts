import type { ConsumerStrategy, ConsumerStrategyName } from './consumer-strategy.js';
import { DispatchToSingleStrategy } from './dispatch-to-single-strategy.js';
import { PinnedByCorrelationStrategy, PinnedStrategy } from './pinned-strategy.js';
import { RoundRobinStrategy } from './round-robin-strategy.js';

/** A fresh strategy instance for a group (PersistentSubscriptionConsumerStrategyRegistry.GetInstance). */
export function createConsumerStrategy(name: ConsumerStrategyName): ConsumerStrategy {
  switch (name) {
    case 'RoundRobin':
      return new RoundRobinStrategy();
    case 'DispatchToSingle':
      return new DispatchToSingleStrategy();
    case 'Pinned':
      return new PinnedStrategy();
    case 'PinnedByCorrelation':
      return new PinnedByCorrelationStrategy();
  }
}
