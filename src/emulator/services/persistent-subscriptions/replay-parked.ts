import type { CallContext } from 'nice-grpc';
import type { ReplayParkedReq, ReplayParkedResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { checkOperatorAccess } from './access.js';
import { throwUnlessSuccess } from './management-errors.js';
import { sourceNameOf } from './source-of.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.ReplayParked` (§3.14; server: PersistentSubscriptions.ReplayParked.cs): group name
 * (1), source (2 or 3), and `stop_at` or `no_limit`, one of which must be set. Parked messages go back to the
 * consumers with retry count 0.
 */
export function createReplayParked(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function replayParked(
    request: ReplayParkedReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<ReplayParkedResp> {
    checkOperatorAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the replay request has no options');
    const source = sourceNameOf(options.streamOption);
    const stopAtOption = options.stopAtOption;
    if (stopAtOption === undefined)
      throw new TypeError('the replay request has neither stop_at nor no_limit');
    const stopAt = stopAtOption.$case === 'stopAt' ? stopAtOption.value : undefined;
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (source === '') return unanswered(context.signal);
    throwUnlessSuccess(registry.replayParked(source, options.groupName, stopAt), source, options.groupName);
    return Promise.resolve({});
  };
}
