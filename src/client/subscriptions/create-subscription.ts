/**
 * `createSubscription`: creates a persistent subscription group on all streams (`$all`) through
 * `PersistentSubscriptions.Create` (docs/protocol.md §3.14), with the given settings and the seed client's for
 * the others. The seed's groups receive the events of all streams, so the group's event source is `$all` (a
 * 21.6+ server feature, §3.16).
 */
import { checkBoolean, checkGroupName, checkRegexList } from '../arguments/checks.js';
import { type CallControl, methodOptions } from '../calls/call-control.js';
import { type ClientContext, onLeader } from '../calls/client-context.js';
import { withFailover } from '../calls/failover.js';
import { eventTypeRegexOf } from '../wire/event-type-filter.js';
import { recordFilterOf } from '../wire/filter-options.js';
import { createAllSubscriptionRequest } from '../wire/persistent-create-requests.js';
import { allStartFrom, settingsForCreate } from './group-options.js';
import { type PersistentSubscriptionSettings, SUBSCRIPTION_SETTING_KEYS } from './subscription-settings.js';

/** The options of {@link EsdbClient.createSubscription}. */
export interface CreateSubscriptionOptions extends CallControl, PersistentSubscriptionSettings {
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
   * Regular expressions for event types (or stream names, with `filterByStreamName`) to leave out; each must
   * match the whole type or name. Ignored when `filterInclude` is not empty. Default `[ESDB_EVENTS_REGEX]`:
   * system events (or system streams) are left out, among them the group's own checkpoints.
   */
  readonly filterExclude?: readonly string[] | undefined;
  /**
   * Regular expressions for the only event types (or stream names, with `filterByStreamName`) to deliver; each
   * must match the whole type or name. Default `[]`.
   */
  readonly filterInclude?: readonly string[] | undefined;
  /**
   * Match `filterInclude` and `filterExclude` against the names of the events' streams instead of their types.
   * Default `false`.
   */
  readonly filterByStreamName?: boolean | undefined;
}

const KEYS = [
  'groupName',
  'fromEnd',
  'commitPosition',
  'filterExclude',
  'filterInclude',
  'filterByStreamName',
  ...SUBSCRIPTION_SETTING_KEYS,
];

/**
 * Creates the group.
 * @throws SubscriptionExistsError when a group of that name already exists on `$all`; SubscriptionFailedError
 * when the server refuses it (a `commitPosition` beyond the end of the log).
 */
export async function createSubscription(
  context: ClientContext,
  options: CreateSubscriptionOptions,
): Promise<void> {
  const where = 'createSubscription';
  const { given, control } = methodOptions(options, KEYS, where, true);
  const request = createAllSubscriptionRequest({
    groupName: checkGroupName(given.groupName, `${where}: groupName`),
    start: allStartFrom(given.fromEnd, given.commitPosition, where) ?? { kind: 'start' },
    filter: recordFilterOf(
      eventTypeRegexOf(
        checkRegexList(given.filterInclude, `${where}: filterInclude`),
        checkRegexList(given.filterExclude, `${where}: filterExclude`),
      ),
      checkBoolean(given.filterByStreamName, `${where}: filterByStreamName`) ?? false,
    ),
    settings: settingsForCreate(given, where),
  });
  // Persistent subscriptions live on the leader: a follower answers not-leader with its address (§3.1.1),
  // which the client follows once. After UNAVAILABLE the group may exist already; the repeated create then
  // fails with SubscriptionExistsError, which says so.
  await withFailover(onLeader(context), control, (node) => node.persistent.create(request, control));
}
