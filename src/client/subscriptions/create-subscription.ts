/**
 * `createSubscription`: creates a persistent subscription group on all streams (`$all`) through
 * `PersistentSubscriptions.Create` (docs/protocol.md §3.14), with the seed client's settings. The seed's groups
 * receive the events of all streams, so the group's event source is `$all` (a 21.6+ server feature, §3.16).
 */
import { checkBoolean, checkGroupName, checkPosition, checkRegexList } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import type { ClientContext } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { type AllSubscriptionStart, createAllSubscriptionRequest } from '../wire/persistent-requests.js';

/** The options of {@link EsdbClient.createSubscription}. */
export interface CreateSubscriptionOptions extends CallControl {
  /** The name of the group of consumers; unique among the groups on all streams. */
  readonly groupName: string;
  /**
   * Deliver only the events recorded after the group is created. Default `false`: from the first recorded
   * event. Ignored when `commitPosition` is given.
   */
  readonly fromEnd?: boolean | undefined;
  /**
   * Deliver the events from this commit position on; the event at it MAY be delivered too (a persistent
   * subscription's start is inclusive), so a consumer resuming after its last processed event should skip an
   * event whose commit position equals it. It must be the position of an event.
   */
  readonly commitPosition?: number | bigint | undefined;
  /**
   * Regular expressions for event types to leave out; each must match the whole type. Ignored when
   * `filterInclude` is not empty. Default `[ESDB_EVENTS_REGEX]`: system events are left out (among them the
   * group's own checkpoints).
   */
  readonly filterExclude?: readonly string[] | undefined;
  /** Regular expressions for the only event types to deliver; each must match the whole type. Default `[]`. */
  readonly filterInclude?: readonly string[] | undefined;
}

const KEYS = ['groupName', 'fromEnd', 'commitPosition', 'filterExclude', 'filterInclude'];

/**
 * Creates the group. Settings are PY's defaults (§3.14 table): message timeout 30 s, up to 10 retries before
 * an event is parked, checkpoints after 2 s or 10 to 1 000 events, at most 5 consumers, DispatchToSingle.
 * @throws SubscriptionExistsError when a group of that name already exists on `$all`.
 */
export async function createSubscription(
  context: ClientContext,
  options: CreateSubscriptionOptions,
): Promise<void> {
  const where = 'createSubscription';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const groupName = checkGroupName(given.groupName, `${where}: groupName`);
  const fromEnd = checkBoolean(given.fromEnd, `${where}: fromEnd`) ?? false;
  const start: AllSubscriptionStart =
    given.commitPosition !== undefined
      ? { kind: 'position', commitPosition: checkPosition(given.commitPosition, `${where}: commitPosition`) }
      : fromEnd
        ? { kind: 'end' }
        : { kind: 'start' };
  const request = createAllSubscriptionRequest({
    groupName,
    start,
    filter: recordFilterOf(
      eventTypeRegexOf(
        checkRegexList(given.filterInclude, `${where}: filterInclude`),
        checkRegexList(given.filterExclude, `${where}: filterExclude`),
      ),
      false,
    ),
  });
  // Persistent subscriptions live on the leader: a follower answers not-leader with its address (§3.1.1),
  // which the client follows once. After UNAVAILABLE the group may exist already; the repeated create then
  // fails with SubscriptionExistsError, which says so.
  await withFailover(context, (node) => node.persistent.create(request, control));
}
