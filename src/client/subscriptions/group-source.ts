/**
 * The event source that the management methods name a group by: its `streamName`, or all streams when that
 * is not given (docs/protocol.md §3.14: a group is named by its source and its name).
 */
import { checkStreamName } from '../arguments/checks.js';
import { ALL_STREAMS } from '../wire/persistent-management-requests.js';

/**
 * `streamName` checked, or `$all` when it is undefined. `'$all'` itself is accepted: it is how
 * {@link SubscriptionInfo.streamName} names the groups on all streams, so an info's names can be passed back.
 */
export function groupSourceOf(streamName: unknown, where: string): string {
  return streamName === undefined ? ALL_STREAMS : checkStreamName(streamName, where);
}
