/**
 * `deleteSubscription`: deletes a persistent subscription group, through `PersistentSubscriptions.Delete`
 * (docs/protocol.md §3.14).
 */
import { checkGroupName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { deleteGroupRequest } from '../wire/persistent-management-requests.js';
import { groupSourceOf } from './group-source.js';

/** The options of {@link EsdbClient.deleteSubscription}. */
export interface DeleteSubscriptionOptions extends CallControl {
  /** The group's name. */
  readonly groupName: string;
  /** The stream the group is on. Default: the group is on all streams (`'$all'`). */
  readonly streamName?: string | undefined;
}

const KEYS = ['groupName', 'streamName'];

/**
 * Deletes the group; its consumers are dropped.
 * @throws SubscriptionNotFoundError when the group does not exist.
 */
export async function deleteSubscription(
  context: ClientContext,
  options: DeleteSubscriptionOptions,
): Promise<void> {
  const where = 'deleteSubscription';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const request = deleteGroupRequest(groupSourceOf(given.streamName, `${where}: streamName`), groupName);
  // A follower answers not-leader, which is followed once (§3.1.1). After UNAVAILABLE the group may be gone
  // already; the repeated delete then fails with SubscriptionNotFoundError, which says so.
  await withFailover(onLeader(context), control, (node) => node.persistent.delete(request, control));
}
