import type { EmulatorNode } from '../node.js';
import { PersistentSubscriptionRegistry } from './registry.js';

const registries = new WeakMap<EmulatorNode, PersistentSubscriptionRegistry>();

/**
 * The persistent-subscription subsystem of `node`, created on first use: one per node, so that every call to
 * the service sees the same groups. `close()` it when the node stops.
 */
export function persistentSubscriptionsOf(node: EmulatorNode): PersistentSubscriptionRegistry {
  let registry = registries.get(node);
  if (registry === undefined) {
    registry = new PersistentSubscriptionRegistry(node.store);
    registries.set(node, registry);
  }
  return registry;
}
