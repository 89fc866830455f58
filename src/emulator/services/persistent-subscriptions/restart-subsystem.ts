import type { Empty } from '../../../generated/shared.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkOperatorAccess } from './access.js';

/**
 * `PersistentSubscriptions.RestartSubsystem` (§3.14; server: PersistentSubscriptions.RestartSubsystem.cs):
 * every consumer is dropped and the groups are rebuilt from the configuration stream, each resuming from its
 * last checkpoint. The emulated subsystem is always started, so the "wrong state" failure does not arise.
 */
export function createRestartSubsystem(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function restartSubsystem(_request: Empty, context: EmulatorCallContext): Promise<Empty> {
    checkOperatorAccess(context.user);
    registry.restart();
    return Promise.resolve({});
  };
}
