/**
 * `listSubscriptions`: what the server reports about every persistent subscription group, or about the groups
 * on one stream, through `PersistentSubscriptions.List` (docs/protocol.md §3.14, §3.14.1; servers from 21.10.1).
 */
import { checkStreamName } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { SubscriptionNotFoundError } from '../errors/esdb-errors.js';
import { listGroupsRequest } from '../wire/persistent-management-requests.js';
import { subscriptionInfoOf } from '../wire/subscription-info-of.js';
import type { SubscriptionInfo } from './subscription-info.js';

/** The options of {@link EsdbClient.listSubscriptions}. */
export interface ListSubscriptionsOptions extends CallControl {
  /**
   * Only the groups on this stream; `'$all'` for only the groups on all streams. Default: every group, on all
   * streams and on each stream.
   */
  readonly streamName?: string | undefined;
}

const KEYS = ['streamName'];

/** The groups' information, in the server's order; empty when there are none. */
export async function listSubscriptions(
  context: ClientContext,
  options?: ListSubscriptionsOptions,
): Promise<SubscriptionInfo[]> {
  const where = 'listSubscriptions';
  const { given, control } = methodOptions(options, KEYS, where, false);
  const source =
    given.streamName === undefined ? undefined : checkStreamName(given.streamName, `${where}: streamName`);
  const request = listGroupsRequest(source);
  try {
    // Groups live on the leader; a follower's answer is followed once (§3.14.1, "On other nodes").
    const response = await withFailover(
      onLeader(context),
      control,
      (node, attempt) => node.persistent.list(request, attempt),
      { idempotent: true },
    );
    return response.subscriptions.map(subscriptionInfoOf);
  } catch (error) {
    // A source without groups is answered NOT_FOUND rather than with an empty list (§3.14); PY returns [] too.
    if (source !== undefined && error instanceof SubscriptionNotFoundError) return [];
    throw error;
  }
}
