import type { CallContext } from 'nice-grpc';
import type { GetInfoReq, GetInfoResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { checkStatisticsAccess } from './access.js';
import { sourceNameOf } from './source-of.js';
import { subscriptionInfoOf } from './subscription-info.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.GetInfo` (§3.14; server: PersistentSubscriptions.Info.cs): `stream_identifier` (1)
 * or `all` (2), group name (3); an unknown group is NOT_FOUND `persistent-subscription-does-not-exist`.
 */
export function createGetInfo(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function getInfo(
    request: GetInfoReq,
    context: EmulatorCallContext & CallContext,
  ): Promise<GetInfoResp> {
    checkStatisticsAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the get-info request has no options');
    const source = sourceNameOf(options.streamOption);
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (source === '') return unanswered(context.signal);
    const info = registry.info(source, options.groupName);
    if (info === undefined) throw rpcErrors.persistentSubscriptionDoesNotExist(source, options.groupName);
    return Promise.resolve({ subscriptionInfo: subscriptionInfoOf(info) });
  };
}
