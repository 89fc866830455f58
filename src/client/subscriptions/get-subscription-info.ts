/**
 * `getSubscriptionInfo`: what the server reports about one persistent subscription group, through
 * `PersistentSubscriptions.GetInfo` (docs/protocol.md §3.14, §3.14.1; servers from 21.10.1).
 */
import { checkGroupName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { GrpcError } from '../errors/esdb-errors.js';
import { getInfoRequest } from '../wire/persistent-management-requests.js';
import { subscriptionInfoOf } from '../wire/subscription-info-of.js';
import { groupSourceOf } from './group-source.js';
import type { SubscriptionInfo } from './subscription-info.js';

/** The options of {@link EsdbClient.getSubscriptionInfo}. */
export interface GetSubscriptionInfoOptions extends CallControl {
  /** The group's name. */
  readonly groupName: string;
  /** The stream the group is on. Default: the group is on all streams (`'$all'`). */
  readonly streamName?: string | undefined;
}

const KEYS = ['groupName', 'streamName'];

/**
 * The group's information.
 * @throws SubscriptionNotFoundError when the group does not exist.
 */
export async function getSubscriptionInfo(
  context: ClientContext,
  options: GetSubscriptionInfoOptions,
): Promise<SubscriptionInfo> {
  const where = 'getSubscriptionInfo';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const request = getInfoRequest(groupSourceOf(given.streamName, `${where}: streamName`), groupName);
  // Groups live on the leader; a follower's answer is followed once (§3.14.1, "On other nodes").
  const response = await withFailover(
    onLeader(context),
    control,
    (node, attempt) => node.persistent.getInfo(request, attempt),
    { idempotent: true },
  );
  if (response.subscriptionInfo === undefined) {
    throw new GrpcError({ code: 0, details: 'GetInfo returned no subscription info', trailers: {} });
  }
  return subscriptionInfoOf(response.subscriptionInfo);
}
