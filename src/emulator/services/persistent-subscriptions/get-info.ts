import type { GetInfoReq, GetInfoResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/middleware.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { checkStatisticsAccess } from './access.js';
import { sourceNameOf } from './source-of.js';
import { subscriptionInfoOf } from './subscription-info.js';

/**
 * `PersistentSubscriptions.GetInfo` (§3.14; server: PersistentSubscriptions.Info.cs): `stream_identifier` (1)
 * or `all` (2), group name (3); an unknown group is NOT_FOUND `persistent-subscription-does-not-exist`.
 */
export function createGetInfo(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function getInfo(request: GetInfoReq, context: EmulatorCallContext): Promise<GetInfoResp> {
    checkStatisticsAccess(context.user);
    const options = request.options;
    if (options === undefined) throw new TypeError('the get-info request has no options');
    const source = sourceNameOf(options.streamOption);
    const info = registry.info(source, options.groupName);
    if (info === undefined) throw rpcErrors.persistentSubscriptionDoesNotExist(source, options.groupName);
    return Promise.resolve({ subscriptionInfo: subscriptionInfoOf(info) });
  };
}
