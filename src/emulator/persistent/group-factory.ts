import { isConsumerStrategyName } from './consumer-strategy.js';
import { PersistentSubscriptionGroup, type GroupDefinition, type GroupRuntime } from './group.js';
import { unknownStrategy } from './group-validation.js';
import { failure, type Failure } from './management-outcome.js';
import { createConsumerStrategy } from './strategy-factory.js';

/** A new group, or the reason the server gives for not making it. */
export type NewGroupOutcome =
  { readonly kind: 'group'; readonly group: PersistentSubscriptionGroup } | Failure;

/** Makes a group with a fresh strategy; the group's constructor loads its checkpoint and starts reading. */
export function newGroup(definition: GroupDefinition, runtime: GroupRuntime): NewGroupOutcome {
  const strategyName = definition.settings.consumerStrategy;
  if (!isConsumerStrategyName(strategyName)) return unknownStrategy(strategyName);
  try {
    const strategy = createConsumerStrategy(strategyName);
    const group = new PersistentSubscriptionGroup({ ...definition, ...runtime, strategy });
    return { kind: 'group', group };
  } catch (error: unknown) {
    // The service answers "Fail" with the exception's message (PersistentSubscriptionService.cs).
    return failure(error instanceof Error ? error.message : String(error));
  }
}
