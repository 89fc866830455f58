import type { ManagementOutcome } from '../../persistent/management-outcome.js';
import { rpcErrors } from '../../server/rpc-error.js';

/** Turns the subsystem's answer to a management call into the handler's error (§3.1.1), or returns on success. */
export function throwUnlessSuccess(outcome: ManagementOutcome, streamName: string, groupName: string): void {
  switch (outcome.kind) {
    case 'success':
      return;
    case 'fail':
      throw rpcErrors.persistentSubscriptionFailed(streamName, groupName, outcome.reason);
    case 'exists':
      throw rpcErrors.persistentSubscriptionExists(streamName, groupName);
    case 'does-not-exist':
      throw rpcErrors.persistentSubscriptionDoesNotExist(streamName, groupName);
  }
}
