import type { CallContext } from 'nice-grpc';
import type { ListReq, ListResp } from '../../../generated/persistent.js';
import type { EmulatorNode } from '../../node.js';
import { ALL_STREAM } from '../../persistent/names.js';
import { persistentSubscriptionsOf } from '../../persistent/registry-of-node.js';
import type { EmulatorCallContext } from '../../server/call-context.js';
import { rpcErrors } from '../../server/rpc-error.js';
import { streamNameOf } from '../../wire/stream-name.js';
import { checkStatisticsAccess } from './access.js';
import { subscriptionInfoOf } from './subscription-info.js';
import { unanswered } from './unanswered.js';

/**
 * `PersistentSubscriptions.List` (§3.14; server: PersistentSubscriptions.Info.cs): every group, or those of
 * one source. A source that never had a group answers NOT_FOUND with an empty group name, not an empty list;
 * a source whose groups were all deleted keeps answering with an empty list until the subsystem restarts.
 */
export function createList(node: EmulatorNode) {
  const registry = persistentSubscriptionsOf(node);
  return function list(request: ListReq, context: EmulatorCallContext & CallContext): Promise<ListResp> {
    checkStatisticsAccess(context.user);
    const option = request.options?.listOption;
    if (option === undefined) throw new TypeError('the list request names nothing to list');
    if (option.$case === 'listAllSubscriptions') {
      return Promise.resolve({ subscriptions: registry.allInfos().map(subscriptionInfoOf) });
    }
    const streamOption = option.value.streamOption;
    if (streamOption === undefined) throw new TypeError('the list request names neither a stream nor $all');
    const source = streamOption.$case === 'all' ? ALL_STREAM : streamNameOf(streamOption.value);
    // An empty stream name is never answered by a 24.10 server (unanswered.ts).
    if (source === '') return unanswered(context.signal);
    const infos = registry.infosOf(source);
    if (infos === undefined) throw rpcErrors.persistentSubscriptionDoesNotExist(source, '');
    return Promise.resolve({ subscriptions: infos.map(subscriptionInfoOf) });
  };
}
